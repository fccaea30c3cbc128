# The secrets sweep's runs (used by tests/Secrets.Tests.ps1).
#   Dot-sourced: defines the secrets, the token shape and the scenario table ($Scenarios, keyed by cmdlet).
#   Run as a script with -Command: runs that cmdlet's scenarios in this process (a fresh pwsh started by the
#   test, so the runs' transcripts and streams stay out of the test log), each in its own sandbox with
#   -Verbose -Debug, a transcript and $ErrorView = 'DetailedView', and writes what they produced to -ResultPath.
param(
    [string] $Command,
    [string] $ResultPath,
    [string] $EmulatorEndpoint
)

if ($Command) {
    # A fresh process: the module under test and the helpers, as every test file has them.
    . (Join-Path (Split-Path -Parent $PSScriptRoot) 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Robustness.psm1') -Force -DisableNameChecking
}

$Id = Get-CodeArtifactEmulatorIdentity
$OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'

    # Every secret the sweep hunts for. Long and distinctive, so a match is never a coincidence.
    $Secrets = [ordered]@{
        'secret access key'            = $Id.SecretAccessKey
        'session secret access key'    = 'sessionSecretKey0000000000000000000000SW'
        'session token'                = 'IQoJb3JpZ2luX2VjSWEEPSESSIONTOKEN' + ('Qm9ndXM' * 40)
        'profile secret access key'    = 'profileSecretKey00000000000000000000000PR'
        'credential_process secret'    = 'processSecretKey00000000000000000000000CP'
        'SSO access token'             = 'aoaAAAAAGSweepSsoAccessToken' + ('c3Nv' * 60)
        'password inside a source URL' = 'urlPassword-Sweep-0123456789'
    }
    $SessionKeyId = 'ASIAEMULATORSWEEP001'

    # Token-shaped text (JWE compact form, as CodeArtifact issues): caught even when no store holds it.
    $TokenShape = [regex]'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}'

    function New-SweepProject {
        # Two domains, so a run exercises grouping, concurrency and two stores.
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = $Id.RepositoryUrl }
            @{ Name = 'team'; Url = $OtherUrl }
        ) | Out-Null
    }

    function Set-SessionCredential {
        # Temporary credentials: the session token travels with every request.
        $env:AWS_ACCESS_KEY_ID = $SessionKeyId
        $env:AWS_SECRET_ACCESS_KEY = $Secrets['session secret access key']
        $env:AWS_SESSION_TOKEN = $Secrets['session token']
    }

    function Write-AwsProfiles {
        # Static keys, an IAM Identity Center profile with a cached login, and a credential_process whose
        # helper prints real-looking keys and then breaks its own output format.
        $helper = Join-Path $Sandbox.Root 'credential-helper.sh'
        Set-Content -LiteralPath $helper -Value ("#!/bin/sh`necho '{""Version"": 7, ""AccessKeyId"": ""AKIAEMULATORPROFILE1"", " +
            """SecretAccessKey"": ""$($Secrets['credential_process secret'])"", ""SessionToken"": ""$($Secrets['session token'])""}'`n" +
            "echo 'helper failed after printing the keys' >&2`nexit 0")
        chmod +x $helper
        New-Item -ItemType Directory -Force (Join-Path $SweepHome '.aws') | Out-Null
        $env:AWS_CONFIG_FILE = Join-Path $SweepHome '.aws/config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $SweepHome '.aws/credentials'
        Set-Content -LiteralPath $env:AWS_SHARED_CREDENTIALS_FILE -Value @"
[static]
aws_access_key_id = AKIAEMULATORPROFILE1
aws_secret_access_key = $($Secrets['profile secret access key'])
"@
        Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value @"
[profile static]
region = us-west-2

[profile sso-dev]
sso_start_url = https://sweep-example.awsapps.com/start
sso_region = us-west-2
sso_account_id = 111122223333
sso_role_name = Developer
region = us-west-2

[profile broken-process]
credential_process = $helper
region = us-west-2
"@
        # The cached IAM Identity Center login, where 'aws sso login' leaves it.
        $cache = New-Item -ItemType Directory -Force (Join-Path $env:HOME '.aws/sso/cache')
        $sha1 = [Security.Cryptography.SHA1]::Create()
        $name = -join ($sha1.ComputeHash([Text.Encoding]::UTF8.GetBytes('https://sweep-example.awsapps.com/start')) | ForEach-Object { $_.ToString('x2') })
        @{
            startUrl = 'https://sweep-example.awsapps.com/start'; region = 'us-west-2'
            accessToken = $Secrets['SSO access token']; expiresAt = '2099-01-01T00:00:00Z'
        } | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $cache "$name.json")
        # Nothing real must be reached: the SSO portal is the emulator, which does not serve that call.
        $env:AWS_ENDPOINT_URL_SSO = $Emulator.Endpoint
    }

    function New-FakePoetry {
        # A Poetry that echoes its whole command line (the token included) on failure, as a careless tool might.
        $fake = Join-Path $Sandbox.Root 'fake-bin/poetry'
        New-Item -ItemType Directory -Force (Split-Path $fake) | Out-Null
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`necho `"poetry was called as: `$*`"`necho `"error: cannot store `$6 for `$4`" >&2`nexit 2"
        chmod +x $fake
        $fake
    }

    # Realistic runs per cmdlet. Setup prepares the sandbox; Run calls the cmdlet with @Sweep (the common
    # parameters that capture everything). OutputHoldsToken marks cmdlets whose output is the token by design.
    $Scenarios = @{
        'Get-CodeArtifactRepository'         = @(
            @{ Name = 'discovery'; Setup = { New-SweepProject }; Run = { Get-CodeArtifactRepository @Sweep } }
            @{ Name = 'URL with a password'; Run = {
                    Get-CodeArtifactRepository @Sweep -Url "http://aws:$($Secrets['password inside a source URL'])@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/"
                }
            }
            @{ Name = 'pyproject URL with a password'; Setup = {
                    New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = "http://aws:$($Secrets['password inside a source URL'])@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/" } | Out-Null
                }; Run = { Get-CodeArtifactRepository @Sweep }
            }
        )
        'Update-PoetryCodeArtifactToken'     = @(
            @{ Name = 'refresh with temporary keys'; ExpectAction = 'Stored'; Setup = { New-SweepProject; Set-SessionCredential }
                Run = { Update-PoetryCodeArtifactToken @Sweep -PassThru }
            }
            @{ Name = 'second refresh (profile case)'; ExpectAction = 'Skipped'; Setup = { New-SweepProject; Set-SessionCredential }
                Run = { Update-PoetryCodeArtifactToken @Sweep; Update-PoetryCodeArtifactToken @Sweep -PassThru }
            }
            @{ Name = 'static profile, piped object, -NoKeyring'; ExpectAction = 'Stored'; Setup = { Write-AwsProfiles; Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY }
                Run = { [pscustomobject]@{ Name = 'piped'; Url = $Id.RepositoryUrl } | Update-PoetryCodeArtifactToken @Sweep -ProfileName static -NoKeyring -PassThru }
            }
            @{ Name = '-WhatIf'; ExpectAction = 'WhatIf'; Setup = { New-SweepProject; Set-SessionCredential }; Run = { Update-PoetryCodeArtifactToken @Sweep -WhatIf -PassThru } }
            @{ Name = 'URL with a password'; ExpectAction = 'Stored'; Setup = {
                    New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = "http://aws:$($Secrets['password inside a source URL'])@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/" } | Out-Null
                }; Run = { Update-PoetryCodeArtifactToken @Sweep -PassThru }
            }
            @{ Name = 'Poetry echoing the token in its error'; ExpectErrorId = 'PoetryConfigFailed'; Setup = { New-SweepProject; Set-SessionCredential }
                Run = { Update-PoetryCodeArtifactToken @Sweep -PoetryPath (New-FakePoetry) -PassThru }
            }
            @{ Name = 'wrong secret key'; ExpectErrorId = 'AwsSignatureRejected'; Setup = { New-SweepProject; Set-SessionCredential; $env:AWS_SECRET_ACCESS_KEY = $Secrets['profile secret access key'] }
                Run = { Update-PoetryCodeArtifactToken @Sweep }
            }
            @{ Name = 'internal errors after retries'; ExpectErrorId = 'CodeArtifactServiceError'; Setup = {
                    New-SweepProject; Set-SessionCredential
                    Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ error500 = 6 } | Out-Null
                }; Run = { Update-PoetryCodeArtifactToken @Sweep -TimeoutSec 2 }
            }
            @{ Name = 'malformed answers after retries'; ExpectErrorId = 'CodeArtifactResponseInvalid'; Setup = {
                    New-SweepProject; Set-SessionCredential
                    Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ malformedJson = 6 } | Out-Null
                }; Run = { Update-PoetryCodeArtifactToken @Sweep -TimeoutSec 2 }
            }
            @{ Name = 'clock skew corrected'; ExpectAction = 'Stored'; Setup = {
                    New-SweepProject; Set-SessionCredential
                    Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ clockSkewSeconds = 3600 } | Out-Null
                }; Run = { Update-PoetryCodeArtifactToken @Sweep -PassThru }
            }
            @{ Name = 'SSO profile with a cached login'; ExpectErrorId = @('AwsProfileCredentialsFailed', 'AwsSsoLoginRequired'); Setup = { New-SweepProject; Write-AwsProfiles; Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY }
                Run = { Update-PoetryCodeArtifactToken @Sweep -ProfileName sso-dev -TimeoutSec 2 }
            }
            @{ Name = 'credential_process printing keys in a bad format'; ExpectErrorId = 'AwsCredentialProcessFailed'; Setup = { New-SweepProject; Write-AwsProfiles; Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY }
                Run = { Update-PoetryCodeArtifactToken @Sweep -ProfileName broken-process }
            }
            @{ Name = 'Poetry not found'; ExpectErrorId = 'PoetryNotFound'; Setup = { New-SweepProject; Set-SessionCredential }
                Run = { Update-PoetryCodeArtifactToken @Sweep -PoetryPath (Join-Path $Sandbox.Root 'no-poetry-here') }
            }
        )
        # Other branches add cmdlets; their entries use only the parameters the cmdlet has.
        'Get-CodeArtifactAuthorizationToken' = @(
            @{ Name = 'token for a domain'; OutputHoldsToken = $true; Setup = { Set-SessionCredential }
                Run = {
                    $parameters = (Get-Command Get-CodeArtifactAuthorizationToken).Parameters
                    $arguments = @{}
                    if ($parameters.ContainsKey('Url')) { $arguments.Url = $Id.RepositoryUrl }
                    else { $arguments.Domain = $Id.Domain; $arguments.DomainOwner = $Id.DomainOwner; $arguments.Region = $Id.Region }
                    Get-CodeArtifactAuthorizationToken @Sweep @arguments
                }
            }
        )
    }

    function Get-SandboxFileState {
        param([string] $Root)
        $state = @{}
        foreach ($file in Get-ChildItem -LiteralPath $Root -Recurse -File -Force -ErrorAction SilentlyContinue) {
            $state[$file.FullName] = '{0}|{1}' -f $file.Length, $file.LastWriteTimeUtc.Ticks
        }
        $state
    }

    function Test-TokenStore {
        # Files whose purpose is to hold the token for a tool: Poetry's auth.toml, dotenv files, CI variable files.
        param([string] $Path)
        $name = Split-Path -Leaf $Path
        $name -eq 'auth.toml' -or $name -eq '.env' -or $name -like '*.env' -or
        ($env:GITHUB_ENV -and $Path -eq $env:GITHUB_ENV) -or $Path -like '*github-env*'
    }

    function Invoke-SweepScenario {
        <#
            Runs one scenario in a fresh sandbox with a transcript, and returns every text it produced:
            label -> text, plus Stores (label -> text of token stores) for the token harvest.
        #>
        param([hashtable] $Scenario, [string] $Command)
        $texts = [ordered]@{}
        $stores = [ordered]@{}
        $transcript = Join-Path $Sandbox.Root 'transcript.txt'
        if ($Scenario.Setup) { . $Scenario.Setup }
        $before = (Get-SandboxFileState -Root $Sandbox.Root) + (Get-SandboxFileState -Root $SweepHome)
        $Error.Clear()

        $sweepOut = $null; $sweepErrors = $null; $sweepWarnings = $null; $sweepInfo = $null
        $Sweep = @{
            # -Debug alone makes warnings ask "Continue with this operation?" (PowerShell's rule): say Continue.
            Verbose = $true; Debug = $true; ErrorAction = 'Continue'; WarningAction = 'Continue'
            OutVariable = 'sweepOut'; ErrorVariable = 'sweepErrors'; WarningVariable = 'sweepWarnings'; InformationVariable = 'sweepInfo'
        }
        $caught = @()
        $savedErrorView = $ErrorView
        $ErrorView = 'DetailedView'
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try {
            try {
                # Output goes to the host so the transcript holds its formatted view, as a user would see it.
                . $Scenario.Run | Out-Host
            }
            catch {
                $caught += $_
                $_ | Out-Host
            }
            foreach ($record in @($sweepErrors) + $caught) {
                if ($record -is [System.Management.Automation.ErrorRecord]) { $record | Get-Error | Out-Host }
            }
        }
        finally {
            Stop-Transcript | Out-Null
            $ErrorView = $savedErrorView
        }

        $texts['transcript'] = Get-Content -LiteralPath $transcript -Raw
        $texts['warnings'] = (@($sweepWarnings) | ForEach-Object { "$_" }) -join "`n"
        $texts['information'] = (@($sweepInfo) | ForEach-Object { "$($_.MessageData)" }) -join "`n"
        if (-not $Scenario.OutputHoldsToken) {
            $texts['output (list view)'] = @($sweepOut) | Format-List * -Force | Out-String -Width 500
            $texts['output (JSON)'] = @($sweepOut) | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue | Out-String
        }
        $i = 0
        foreach ($record in @($sweepErrors) + $caught + @($Error)) {
            if ($record -isnot [System.Management.Automation.ErrorRecord]) { continue }
            $i++
            $texts["error $i (Get-Error)"] = $record | Get-Error | Out-String -Width 500
            $texts["error $i (exception chain)"] = $record.Exception.ToString()
            $texts["error $i (details)"] = "$($record.ErrorDetails.Message) | $($record.ErrorDetails.RecommendedAction) | $($record.FullyQualifiedErrorId)"
            $texts["error $i (target)"] = $record.TargetObject | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | Out-String
        }

        # Every file written or changed during the run, except the AWS SDK's own SSO cache and the transcript.
        $after = (Get-SandboxFileState -Root $Sandbox.Root) + (Get-SandboxFileState -Root $SweepHome)
        foreach ($path in $after.Keys) {
            if ($before[$path] -eq $after[$path] -or $path -eq $transcript) { continue }
            # The AWS SDK's own files (its SSO token cache holds the SSO token by design); not ours.
            if ($path -like (Join-Path $SweepHome '.aws/*')) { continue }
            $text = [IO.File]::ReadAllText($path)
            if (Test-TokenStore -Path $path) { $stores["file $path"] = $text } else { $texts["file $path"] = $text }
        }
        $errorIds = @(@($sweepErrors) + $caught | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } |
                ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] })
        [pscustomobject]@{ Texts = $texts; Stores = $stores; Transcript = $texts['transcript']; ErrorIds = $errorIds
            Actions = @(@($sweepOut) | Where-Object { $_.PSObject.Properties['Action'] } | ForEach-Object { "$($_.Action)" }) }
    }

if ($Command) {
    # ------------------------------------------------------------------ child mode: run one cmdlet's scenarios
    $ErrorActionPreference = 'Stop'
    $Emulator = [pscustomobject]@{ Endpoint = $EmulatorEndpoint; ProxyUrl = $EmulatorEndpoint }
    # One home folder (with ~/.aws) for all runs of this process: the AWS SDK reads the locations of the
    # shared config files once per process, so every run must find its profiles at the same paths.
    $SweepHome = Join-Path ([IO.Path]::GetTempPath()) ('secrets-home-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $results = [System.Collections.Generic.List[object]]::new()
    try {
        foreach ($scenario in $Scenarios[$Command]) {
            Save-TestEnvironment
            $Sandbox = New-TestSandbox -Emulator $Emulator
            $env:HOME = $SweepHome
            Remove-Item -LiteralPath (Join-Path $SweepHome '.aws') -Recurse -Force -ErrorAction SilentlyContinue
            New-Item -ItemType Directory -Force $SweepHome | Out-Null
            Reset-CodeArtifactEmulator -Emulator $Emulator
            Push-Location $Sandbox.Project
            try {
                $result = Invoke-SweepScenario -Scenario $scenario -Command $Command
                $results.Add([pscustomobject]@{
                        Scenario = $scenario.Name; Texts = $result.Texts; Stores = $result.Stores
                        ErrorIds = @($result.ErrorIds); Actions = @($result.Actions)
                    })
            }
            finally {
                Pop-Location
                Reset-CodeArtifactEmulator -Emulator $Emulator
                Restore-TestEnvironment
                Remove-TestSandbox $Sandbox
            }
        }
    }
    finally {
        Remove-Item -LiteralPath $SweepHome -Recurse -Force -ErrorAction SilentlyContinue
    }
    ConvertTo-Json -InputObject @($results) -Depth 5 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
}
