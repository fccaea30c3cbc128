@{
    RootModule           = 'PoetryCaAuth.dll'
    # Imported before the root module: makes the engine (bin/) findable, in a private AssemblyLoadContext on PowerShell 7.
    NestedModules        = @('loader/PoetryCaAuth.Bootstrap.dll')
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '7f3c2a4e-9b1d-4c6e-8a2f-5d0e1b7c9a31'
    Author               = 'PoetryCaAuth contributors'
    CompanyName          = 'PoetryCaAuth'
    Copyright            = '(c) PoetryCaAuth contributors. Apache License 2.0.'
    Description          = 'Fetches AWS CodeArtifact authorization tokens and stores them where Poetry reads them: one command, a profile line or a CI step.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('PoetryCaAuth.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Get-CodeArtifactRepository'
        'Get-CodeArtifactAuthorizationToken'
        'Update-PoetryCodeArtifactToken'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'CodeArtifact', 'Poetry', 'Python', 'PyPI', 'Authentication', 'Token', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/poetry-ca-auth/PoetryCaAuth'
            ReleaseNotes = @'
0.1.0: first release. Get-CodeArtifactRepository discovers the CodeArtifact sources of a Poetry project (and uv
indexes); Update-PoetryCodeArtifactToken fetches one token per domain and stores it with poetry config, skips tokens
that are still valid, and can write them instead to the environment, a .env file, GitHub Actions or Azure Pipelines
variables, for Poetry, uv or pip; Get-CodeArtifactAuthorizationToken returns tokens to scripts. Sign-in through the
AWS SDK chain, profiles (SSO with browser sign-in, assume-role with MFA, credential_process), aws-vault or the
environment, with a profile per source. Help, table views, tab completion, -WhatIf, progress, a quiet profile line,
and AWS SDK isolation on PowerShell 7 (works beside AWS Tools for PowerShell). Full history: CHANGELOG.md.
'@
        }
    }
}
