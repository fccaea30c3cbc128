# Where credentials go besides Poetry's config: process environment (checked with the real Poetry), dotenv
# files, GitHub Actions, Azure Pipelines, pip and uv; and Get-CodeArtifactAuthorizationToken.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:Host_ = ([uri]$Id.RepositoryUrl).Host
    $script:CmdletId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:GetTokenId = 'PoetryCaAuth.Commands.GetCodeArtifactAuthorizationTokenCommand'
    $script:ModulePsd1 = Join-Path (Get-Module PoetryCaAuth).ModuleBase 'PoetryCaAuth.psd1'

    function Test-EmulatorToken {
        <# The HTTP status the emulator's index answers for Basic aws:<token>: 200 for a token it issued. #>
        param([string] $Token)
        $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("aws:$Token"))
        (Invoke-WebRequest -Uri "$($Id.RepositoryUrl)hello-private/" -Proxy $Emulator.ProxyUrl -Headers @{ Authorization = "Basic $basic" } `
            -SkipHttpErrorCheck -TimeoutSec 15).StatusCode
    }

    function Invoke-ModuleInChild {
        <# Runs commands in a child pwsh with the module loaded and this process's environment; stdout is what a CI runner reads. #>
        param([string] $Command, [hashtable] $Environment = @{})
        $full = "Import-Module '$ModulePsd1' -ErrorAction Stop; `$ErrorActionPreference = 'Stop'; $Command"
        Invoke-CodeArtifactTestProcess -FilePath (Join-Path $PSHOME 'pwsh') -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $full `
            -WorkingDirectory (Get-Location).ProviderPath -Environment $Environment -TimeoutSeconds 180
    }

    function Clear-CredentialVariables {
        Get-ChildItem Env: | Where-Object Name -Match '^(POETRY_HTTP_BASIC_|UV_INDEX_|PIP_INDEX_URL|PIP_EXTRA_INDEX_URL)' |
            ForEach-Object { Remove-Item -LiteralPath "Env:$($_.Name)" }
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Credential targets' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        Clear-CredentialVariables
    }

    AfterEach {
        Clear-CredentialVariables
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    # Poetry 1.3.2 cannot download from a source whose name has a dot, whatever holds the credential (poetry config
    # included): its installer looks up "repositories.<name>.url" as nested keys and finds no URL. Resolution works,
    # so for that name `poetry lock` proves the variables are found (and fails without them).
    It 'lets Poetry fetch with credentials only in environment variables, source "<Source>"' -Tag 'Poetry' -TestCases @(
        @{ Source = 'my-codeartifact'; Variable = 'POETRY_HTTP_BASIC_MY_CODEARTIFACT'; Install = $true }
        @{ Source = 'MyCodeArtifact'; Variable = 'POETRY_HTTP_BASIC_MYCODEARTIFACT'; Install = $true }
        @{ Source = 'Team.CodeArtifact-Main'; Variable = 'POETRY_HTTP_BASIC_TEAM_CODEARTIFACT_MAIN'; Install = $false }
    ) {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = $Source; Url = $Id.RepositoryUrl; Default = $true } `
            -Dependency @{ 'hello-private' = "{ version = `"1.0.0`", source = `"$Source`" }" } | Out-Null

        $result = Update-PoetryCodeArtifactToken -Target Environment -PassThru -ErrorAction Stop

        $result.Target | Should -Be 'Environment'
        [Environment]::GetEnvironmentVariable("${Variable}_USERNAME") | Should -Be 'aws'
        [Environment]::GetEnvironmentVariable("${Variable}_PASSWORD") | Should -Match '^eyJ'
        if ($Install) {
            $install = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $Sandbox.Project
            $install.Output | Should -Match 'Installing hello-private \(1\.0\.0\)'
            $install.ExitCode | Should -Be 0 -Because $install.Output
        }
        else {
            $lock = Invoke-Poetry -ArgumentList 'lock' -WorkingDirectory $Sandbox.Project
            $lock.ExitCode | Should -Be 0 -Because $lock.Output
            Get-Content -Raw (Join-Path $Sandbox.Project 'poetry.lock') | Should -Match 'name = "hello-private"'
            Remove-Item -LiteralPath (Join-Path $Sandbox.Project 'poetry.lock'), "Env:${Variable}_PASSWORD"
            $without = Invoke-Poetry -ArgumentList 'lock' -WorkingDirectory $Sandbox.Project
            $without.ExitCode | Should -Not -Be 0
            $without.Output | Should -Match 'Authorization error|401'
        }
        # Nothing went through poetry config.
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'warns when two source names map to the same variable' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'team.repo'; Url = $Id.RepositoryUrl }
            @{ Name = 'team-repo'; Url = $Id.RepositoryUrl }
        ) | Out-Null
        Update-PoetryCodeArtifactToken -Target Environment -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        ($warnings -join ' ') | Should -Match "'team\.repo' and 'team-repo' both map to POETRY_HTTP_BASIC_TEAM_REPO_PASSWORD"
    }

    It 'refuses a source name no shell can use, and goes on with the others' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'has space'; Url = $Id.RepositoryUrl }
            @{ Name = 'fine'; Url = $Id.RepositoryUrl }
        ) | Out-Null
        $results = Update-PoetryCodeArtifactToken -Target Environment -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "CredentialVariableNameInvalid,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $results.Name | Should -Be 'fine'
    }

    It 'updates a dotenv file in place, keeping every other byte, owner-only' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        $file = Join-Path $Sandbox.Project '.env'
        $head = "# app settings`r`nDATABASE_URL='postgres://u@h/db'  # keep me`r`n`r`nexport POETRY_HTTP_BASIC_CODEARTIFACT_PASSWORD=stale`r`n"
        $tail = "  SPACED = value with spaces`r`nNO_NEWLINE_AT_END=1"
        [IO.File]::WriteAllText($file, $head + $tail)
        chmod 644 $file

        Update-PoetryCodeArtifactToken -Target DotEnv -ErrorAction Stop

        $text = [IO.File]::ReadAllText($file)
        $token = [regex]::Match($text, 'export POETRY_HTTP_BASIC_CODEARTIFACT_PASSWORD=(\S+)').Groups[1].Value
        Test-EmulatorToken $token | Should -Be 200
        $text | Should -BeExactly ($head.Replace('=stale', "=$token") + $tail + "`r`nPOETRY_HTTP_BASIC_CODEARTIFACT_USERNAME=aws`r`n")
        Get-UnixFileMode $file | Should -Be '600'

        # Keyed by the file: a second run skips without any request.
        Reset-CodeArtifactEmulator -Emulator $Emulator
        (Update-PoetryCodeArtifactToken -Target DotEnv -PassThru).Action | Should -Be 'Skipped'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
    }

    It 'creates a dotenv file owner-only, with export prefixes when asked' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        $file = Join-Path $Sandbox.Root 'ci/credentials.env'

        Update-PoetryCodeArtifactToken -Target DotEnv -DotEnvPath $file -DotEnvExport -ErrorAction Stop

        Get-UnixFileMode $file | Should -Be '600'
        $lines = Get-Content -LiteralPath $file
        $lines[0] | Should -Be 'export POETRY_HTTP_BASIC_CODEARTIFACT_USERNAME=aws'
        $lines[1] | Should -Match '^export POETRY_HTTP_BASIC_CODEARTIFACT_PASSWORD=eyJ'
        # A POSIX shell can source it.
        (& sh -c ". '$file'; printf %s `"`$POETRY_HTTP_BASIC_CODEARTIFACT_USERNAME`"") | Should -Be 'aws'
    }

    It 'GitHub Actions: masks the token on stdout, then appends NAME=value lines to GITHUB_ENV that poetry can use' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl; Default = $true } `
            -Dependency @{ 'hello-private' = '{ version = "1.0.0", source = "codeartifact" }' } | Out-Null
        $githubEnv = Join-Path $Sandbox.Root 'github_env'
        Set-Content -LiteralPath $githubEnv -Value 'FROM_AN_EARLIER_STEP=1' -NoNewline:$false

        $run = Invoke-ModuleInChild 'Update-PoetryCodeArtifactToken -Target GitHubActions' -Environment @{ GITHUB_ENV = $githubEnv }

        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $lines = Get-Content -LiteralPath $githubEnv
        $lines[0] | Should -Be 'FROM_AN_EARLIER_STEP=1'
        $lines[1] | Should -Be 'POETRY_HTTP_BASIC_CODEARTIFACT_USERNAME=aws'
        $lines[2] | Should -Match '^POETRY_HTTP_BASIC_CODEARTIFACT_PASSWORD=eyJ[A-Za-z0-9._-]+$'
        $lines.Count | Should -Be 3
        $token = $lines[2].Split('=', 2)[1]
        $stdout = @($run.StdOut -split "`r?`n" | Where-Object { $_ })
        $stdout | Should -Be @("::add-mask::$token")

        # What the runner does for the next step: the variables reach poetry.
        foreach ($line in $lines[1..2]) { $n, $v = $line.Split('=', 2); Set-Item -LiteralPath "Env:$n" -Value $v }
        $install = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $Sandbox.Project
        $install.ExitCode | Should -Be 0 -Because $install.Output
    }

    It 'GitHub Actions: refuses to run without GITHUB_ENV, before any request' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        Set-TestVariable -Name GITHUB_ENV -Value $null
        { Update-PoetryCodeArtifactToken -Target GitHubActions -ErrorAction Stop } | Should -Throw -ErrorId "GitHubEnvNotSet,$CmdletId"
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
    }

    It 'Azure Pipelines: sets the password as a secret variable and the user name as a plain one' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        $run = Invoke-ModuleInChild 'Update-PoetryCodeArtifactToken -Target AzurePipelines' -Environment @{ TF_BUILD = 'True' }

        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $stdout = @($run.StdOut -split "`r?`n" | Where-Object { $_ })
        $stdout.Count | Should -Be 2
        $stdout[0] | Should -BeExactly '##vso[task.setvariable variable=POETRY_HTTP_BASIC_CODEARTIFACT_USERNAME]aws'
        $stdout[1] | Should -Match '^##vso\[task\.setvariable variable=POETRY_HTTP_BASIC_CODEARTIFACT_PASSWORD;issecret=true\]eyJ[A-Za-z0-9._-]+$'
        Test-EmulatorToken ($stdout[1] -replace '^.*\]') | Should -Be 200
    }

    It 'pip: PIP_INDEX_URL carries the token and pip downloads with it' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        Update-PoetryCodeArtifactToken -Target Environment -Tool Pip -ErrorAction Stop

        $env:PIP_INDEX_URL | Should -Match "^http://aws:eyJ[^@]+@$([regex]::Escape($Host_))/pypi/pypi-store/simple/$"
        $download = Join-Path $Sandbox.Root 'wheels'
        $pip = Invoke-CodeArtifactTestProcess -FilePath (Get-CodeArtifactEmulatorPython) -TimeoutSeconds 180 -ArgumentList @(
            '-m', 'pip', 'download', 'hello-private==1.0.0', '--no-deps', '--disable-pip-version-check', '-d', $download, '--trusted-host', $Host_
        ) -Environment @{ PIP_CONFIG_FILE = '/dev/null'; PIP_NO_INPUT = '1' }
        $pip.ExitCode | Should -Be 0 -Because ($pip.StdOut + $pip.StdErr)
        @(Get-ChildItem $download -Filter 'hello_private-1.0.0*').Count | Should -Be 1
    }

    It 'uv: discovers [[tool.uv.index]] and writes UV_INDEX_NAME_* named as uv derives them' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'poetry-source'; Url = $Id.RepositoryUrl } | Out-Null
        Add-Content -LiteralPath (Join-Path $Sandbox.Project 'pyproject.toml') -Value @"

[[tool.uv.index]]
name = "team.uv-index"
url = "$($Id.RepositoryUrl)"

[[tool.uv.index]]
name = "pypi"
url = "https://pypi.org/simple"
"@
        $repos = Get-CodeArtifactRepository
        ($repos | Where-Object Origin -EQ 'UvIndex').Name | Should -Be 'team.uv-index'

        # The Poetry target leaves uv's index alone.
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        Get-StoredPassword -SourceName 'poetry-source' | Should -Match '^eyJ'
        (Get-Content -Raw (Get-PoetryAuthFile)) | Should -Not -Match 'uv-index'

        $results = Update-PoetryCodeArtifactToken -Target Environment -PassThru -ErrorAction Stop
        $results.Name | Should -Be @('poetry-source', 'team.uv-index')
        $env:UV_INDEX_TEAM_UV_INDEX_USERNAME | Should -Be 'aws'
        Test-EmulatorToken $env:UV_INDEX_TEAM_UV_INDEX_PASSWORD | Should -Be 200
        $env:POETRY_HTTP_BASIC_POETRY_SOURCE_PASSWORD | Should -Match '^eyJ'
        Test-Path Env:POETRY_HTTP_BASIC_TEAM_UV_INDEX_PASSWORD | Should -BeFalse
    }

    It 'refuses -Tool Uv with the Poetry target and DotEnv options without the DotEnv target' -TestCases @(
        @{ Arguments = @{ Tool = 'Uv' } }
        @{ Arguments = @{ DotEnvPath = 'x.env' } }
        @{ Arguments = @{ DotEnvExport = $true; Target = 'Environment' } }
    ) {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        { Update-PoetryCodeArtifactToken @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "TargetParameterConflict,$CmdletId"
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
    }
}

Describe 'Get-CodeArtifactAuthorizationToken' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'returns a token for -Domain, -DomainOwner and -Region, without showing it by default' {
        $t = Get-CodeArtifactAuthorizationToken -Domain my-domain -DomainOwner 111122223333 -Region us-west-2 -Repository pypi-store -ErrorAction Stop

        $t.PSTypeNames[0] | Should -Be 'PoetryCaAuth.Model.CodeArtifactAuthorizationToken'
        $t.Name | Should -Be 'pypi-store'
        $t.UserName | Should -Be 'aws'
        Test-EmulatorToken $t.Token | Should -Be 200
        ($t.Expiration - [DateTimeOffset]::UtcNow).TotalHours | Should -BeGreaterThan 11.9
        $t.IndexUrl | Should -BeExactly "https://aws:$($t.Token)@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/"
        $shown = ($t | Out-String) + ($t | Format-List | Out-String) + "$t"
        $shown | Should -Not -Match ([regex]::Escape($t.Token.Substring(0, 30)))
        $shown | Should -Match 'my-domain'
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'takes repository objects from the pipeline, one request per domain, and its IndexUrl works with pip' {
        $repos = @(
            Get-CodeArtifactRepository -Url $Id.RepositoryUrl -Name one
            Get-CodeArtifactRepository -Url $Id.RepositoryUrl -Name two
        )
        $tokens = $repos | Get-CodeArtifactAuthorizationToken -ErrorAction Stop

        $tokens.Name | Should -Be @('one', 'two')
        $tokens[0].Token | Should -BeExactly $tokens[1].Token
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        $download = Join-Path $Sandbox.Root 'wheels'
        $pip = Invoke-CodeArtifactTestProcess -FilePath (Get-CodeArtifactEmulatorPython) -TimeoutSeconds 180 -ArgumentList @(
            '-m', 'pip', 'download', 'hello-private==1.0.0', '--no-deps', '--disable-pip-version-check', '-d', $download,
            '--index-url', $tokens[0].IndexUrl, '--trusted-host', $Host_
        ) -Environment @{ PIP_CONFIG_FILE = '/dev/null'; PIP_NO_INPUT = '1' }
        $pip.ExitCode | Should -Be 0 -Because ($pip.StdOut + $pip.StdErr)
    }

    It 'discovers the project''s sources when nothing is given' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        (Get-CodeArtifactAuthorizationToken -ErrorAction Stop).Name | Should -Be 'codeartifact'
    }

    It 'reports <Id> per source' -TestCases @(
        @{ Id = 'AwsSignatureRejected'; Category = 'AuthenticationError'; Setup = { $env:AWS_SECRET_ACCESS_KEY = 'wrong-secret-key-for-this-test-000000000' }; Domain = 'my-domain' }
        @{ Id = 'CodeArtifactDomainNotFound'; Category = 'ObjectNotFound'; Setup = {}; Domain = 'no-such-domain' }
    ) {
        & $Setup
        $t = Get-CodeArtifactAuthorizationToken -Domain $Domain -DomainOwner 111122223333 -Region us-west-2 -ErrorAction SilentlyContinue -ErrorVariable err
        $t | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "$Id,$GetTokenId"
        $err[0].CategoryInfo.Category | Should -Be $Category
    }

    It 'rejects an invalid duration before any request' {
        { Get-CodeArtifactAuthorizationToken -Domain my-domain -DomainOwner 111122223333 -Region us-west-2 -DurationSecond 60 -ErrorAction Stop } |
            Should -Throw -ErrorId "TokenDurationInvalid,$GetTokenId"
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
    }
}
