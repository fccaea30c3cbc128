# End to end: real Poetry, the CodeArtifact emulator over real HTTP, real files.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'
    $script:CmdletId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:HelloPrivate = @{ 'hello-private' = '{ version = "1.0.0", source = "codeartifact" }' }

    function New-DeniedEmulatorConfig {
        param([string] $Path)
        @{
            identities = @(@{
                    accessKeyId = 'AKIAEMULATOR00000001'; secretAccessKey = 'emulatorSecretKey0000000000000000000001'
                    arn = 'arn:aws:iam::111122223333:user/emulator-user'; account = '111122223333'
                })
            domains    = @(@{
                    name = 'my-domain'; owner = '111122223333'; region = 'us-west-2'; allowedArns = @('arn:aws:iam::111122223333:role/someone-else')
                    repositories = @(@{ name = 'pypi-store'; packages = @(@{ name = 'hello-private'; version = '1.0.0' }) })
                })
        } | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $Path
        $Path
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Update-PoetryCodeArtifactToken' {
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

    It 'lets poetry install a private package that failed with 401 before' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl; Default = $true } `
            -Dependency $HelloPrivate | Out-Null

        $before = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $Sandbox.Project
        $before.ExitCode | Should -Not -Be 0
        # Poetry 1.3 words a 401 as "Authorization error accessing <url>".
        $before.Output | Should -Match 'Authorization error|401'

        Update-PoetryCodeArtifactToken -ErrorAction Stop

        $after = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $Sandbox.Project
        $after.Output | Should -Match 'Installing hello-private \(1\.0\.0\)'
        $after.ExitCode | Should -Be 0
        $python = Join-Path $Sandbox.Project '.venv/bin/python'
        & $python -c 'import hello_private; print(hello_private.GREETING)' | Should -Match 'CodeArtifact emulator'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
    }

    It 'asks for one token for two sources in the same domain, and stores both' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca-main'; Url = $Id.RepositoryUrl; Default = $true }
            @{ Name = 'ca-mirror'; Url = ($Id.RepositoryUrl -replace '/simple/$', '/'); Secondary = $true }
        ) | Out-Null

        $results = Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop

        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        $results.Name | Should -Be @('ca-main', 'ca-mirror')
        $results.Action | Should -Be @('Stored', 'Stored')
        $main = Get-StoredPassword -SourceName 'ca-main'
        $main | Should -Match '^eyJ'
        Get-StoredPassword -SourceName 'ca-mirror' | Should -Be $main
    }

    It 'asks for one token per domain when sources span two accounts' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'one'; Url = $Id.RepositoryUrl }
            @{ Name = 'two'; Url = $OtherUrl }
        ) | Out-Null

        Update-PoetryCodeArtifactToken -ErrorAction Stop

        $requests = @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken)
        $requests.Count | Should -Be 2
        ($requests.domain | Sort-Object) | Should -Be @('my-domain', 'other-domain')
        Get-StoredPassword -SourceName 'one' | Should -Not -Be (Get-StoredPassword -SourceName 'two')
    }

    It 'takes repository objects from Get-CodeArtifactRepository through the pipeline' -Tag 'Poetry' {
        $results = Get-CodeArtifactRepository -Url $Id.RepositoryUrl -Name piped | Update-PoetryCodeArtifactToken -PassThru

        $results.Name | Should -Be 'piped'
        $results.Action | Should -Be 'Stored'
        $results.PSTypeNames[0] | Should -Be 'PoetryCaAuth.Model.TokenRefreshResult'
        $results.PSObject.Properties.Name | Should -Not -Contain 'Token'
        ($results.Expiration - [DateTimeOffset]::UtcNow).TotalHours | Should -BeGreaterThan 11.9
        Get-StoredPassword -SourceName 'piped' | Should -Match '^eyJ'
    }

    It 'binds plain objects by property name: <Case>' -Tag 'Poetry' -TestCases @(
        @{ Case = 'Name and Url'; Object = @{ Name = 'csv-url'; Url = 'http://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/' } }
        @{ Case = 'Domain, owner and region'; Object = @{ Name = 'csv-parts'; Domain = 'my-domain'; DomainOwner = '111122223333'; Region = 'us-west-2' } }
    ) {
        $result = [pscustomobject]$Object | Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop
        $result.Action | Should -Be 'Stored'
        Get-StoredPassword -SourceName $Object.Name | Should -Match '^eyJ'
    }

    It 'reports a piped object that has neither a Url nor domain parts, and goes on' {
        $objects = @(
            [pscustomobject]@{ Name = 'broken'; Domain = 'my-domain' }
            [pscustomobject]@{ Name = 'fine'; Url = $Id.RepositoryUrl }
        )
        $results = $objects | Update-PoetryCodeArtifactToken -PassThru -ErrorAction SilentlyContinue -ErrorVariable err

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "RepositoryIncomplete,$CmdletId"
        $results.Name | Should -Be 'fine'
    }

    It 'finds the project by walking up from PowerShell''s current location' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'walked'; Url = $Id.RepositoryUrl } | Out-Null
        $nested = New-Item -ItemType Directory -Force (Join-Path $Sandbox.Project 'src/pkg/deep')
        Set-Location $nested
        # The process's working folder is elsewhere: only PowerShell's location leads to the project.
        [Environment]::CurrentDirectory = [IO.Path]::GetTempPath()

        (Update-PoetryCodeArtifactToken -PassThru).Name | Should -Be 'walked'
    }

    It 'also refreshes CodeArtifact repositories from Poetry''s global config.toml' -Tag 'Poetry' {
        Set-Content -LiteralPath (Join-Path $env:POETRY_CONFIG_DIR 'config.toml') -Value @"
[repositories.publish-target]
url = "$OtherUrl"
"@
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'project-source'; Url = $Id.RepositoryUrl } | Out-Null

        $results = Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop
        ($results.Name | Sort-Object) | Should -Be @('project-source', 'publish-target')
    }

    It 'writes nothing with -WhatIf' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        $result = Update-PoetryCodeArtifactToken -WhatIf -PassThru

        $result.Action | Should -Be 'WhatIf'
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'keeps the stored credential when a later refresh fails' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        $authFile = Get-PoetryAuthFile
        $before = Get-Content -LiteralPath $authFile -Raw

        $env:AWS_SECRET_ACCESS_KEY = 'wrong-secret-key-for-this-test-000000000'
        # -Force: the token stored a moment ago is still valid, and would otherwise be skipped.
        Update-PoetryCodeArtifactToken -Force -ErrorAction SilentlyContinue -ErrorVariable err

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "AwsSignatureRejected,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        Get-Content -LiteralPath $authFile -Raw | Should -BeExactly $before
    }

    It 'names the identity and the domain when access is denied' {
        $config = Join-Path $Sandbox.Root 'emulator.json'
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        # A second identity the emulator knows but that may not read my-domain.
        $denied = Start-CodeArtifactEmulator -ConfigPath (New-DeniedEmulatorConfig -Path $config)
        try {
            $env:AWS_ENDPOINT_URL_CODEARTIFACT = $denied.Endpoint
            Update-PoetryCodeArtifactToken -ErrorAction SilentlyContinue -ErrorVariable err
        }
        finally {
            Stop-CodeArtifactEmulator -Emulator $denied
        }

        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactAccessDenied,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match 'arn:aws:iam::111122223333:user/emulator-user'
        $err[0].Exception.Message | Should -Match "domain 'my-domain'"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'codeartifact:GetAuthorizationToken'
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'stops before fetching any token when Poetry cannot be found' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        { Update-PoetryCodeArtifactToken -PoetryPath (Join-Path $Sandbox.Root 'no-such-poetry') -ErrorAction Stop } |
            Should -Throw -ErrorId "PoetryNotFound,$CmdletId"
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 0
    }

    It 'reports Poetry''s own failure with the token masked, and goes on with other sources' {
        # A stand-in poetry that fails for one source name and echoes its arguments (as a careless tool might).
        $fake = Join-Path $Sandbox.Root 'poetry'
        Set-Content -LiteralPath $fake -Value @'
#!/bin/sh
case "$4" in *bad*) echo "Configuration error for $4 with $6" >&2; exit 3;; esac
exec poetry "$@"
'@
        chmod +x $fake
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'bad-source'; Url = $Id.RepositoryUrl }
            @{ Name = 'good-source'; Url = $Id.RepositoryUrl }
        ) | Out-Null

        $results = Update-PoetryCodeArtifactToken -PoetryPath $fake -PassThru -ErrorAction SilentlyContinue -ErrorVariable err

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "PoetryConfigFailed,$CmdletId"
        $err[0].Exception.Message | Should -Match 'exit code 3'
        $err[0].Exception.Message | Should -Match 'with \*\*\*'
        $token = Get-StoredPassword -SourceName 'good-source'
        $token | Should -Match '^eyJ'
        $err[0].Exception.Message | Should -Not -Match ([regex]::Escape($token))
        ($results | Where-Object Name -EQ 'bad-source').Action | Should -Be 'Failed'
        Get-StoredPassword -SourceName 'bad-source' | Should -BeNullOrEmpty
    }

    It 'recognises a keyring too small for the token, and -NoKeyring takes the way through' -Tag 'Poetry' {
        # Stands in for Poetry on Windows, whose Credential Manager refuses secrets over 2,560 bytes.
        $fake = Join-Path $Sandbox.Root 'poetry'
        Set-Content -LiteralPath $fake -Value @'
#!/bin/sh
if [ "$POETRY_KEYRING_ENABLED" != "false" ]; then
  echo "(1783, 'CredWrite', 'The stub received bad data.')" >&2
  exit 1
fi
exec poetry "$@"
'@
        chmod +x $fake
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        Update-PoetryCodeArtifactToken -PoetryPath $fake -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be "PoetryKeyringTooSmall,$CmdletId"
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-NoKeyring'
        Get-StoredPassword -SourceName 'codeartifact' | Should -BeNullOrEmpty

        (Update-PoetryCodeArtifactToken -PoetryPath $fake -NoKeyring -PassThru -ErrorAction Stop).Action | Should -Be 'Stored'
        Get-StoredPassword -SourceName 'codeartifact' | Should -Match '^eyJ'
    }

    It 'rejects a duration CodeArtifact would refuse before any request' -TestCases @(
        @{ Duration = 899 }, @{ Duration = 43201 }, @{ Duration = -5 }
    ) {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        { Update-PoetryCodeArtifactToken -DurationSecond $Duration -ErrorAction Stop } |
            Should -Throw -ErrorId "TokenDurationInvalid,$CmdletId"
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
    }

    It 'never shows the token in verbose or debug output, and leaves auth.toml owner-only' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        $streams = Update-PoetryCodeArtifactToken -Verbose -Debug -PassThru 4>&1 5>&1 6>&1 3>&1 | Out-String

        $token = Get-StoredPassword -SourceName 'codeartifact'
        $token.Length | Should -BeGreaterThan 1000
        $streams | Should -Match 'Stored in http-basic.codeartifact'
        $streams | Should -Not -Match ([regex]::Escape($token))
        $streams | Should -Not -Match ([regex]::Escape($Id.SecretAccessKey))
        Get-UnixFileMode (Get-PoetryAuthFile) | Should -Be '600'
    }

    It 'honours -EndpointUrl over AWS_ENDPOINT_URL_CODEARTIFACT' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        $env:AWS_ENDPOINT_URL_CODEARTIFACT = 'http://127.0.0.1:9'   # nothing listens there

        (Update-PoetryCodeArtifactToken -EndpointUrl $Emulator.Endpoint -PassThru -ErrorAction Stop).Action | Should -Be 'Stored'
    }
}
