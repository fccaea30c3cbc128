# The fault corpus: what the network, the service, AWS credentials and Poetry can do wrong, each checked for
# the right outcome (bounded retries then a clear error, or recovery), a bounded time, the request count,
# and that every credential stored before is still there afterwards, byte for byte.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'helpers/Robustness.psm1') -Force -DisableNameChecking
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:CmdletId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'

    # A second emulator for the identity and permission cases: an identity whose session has expired,
    # and a domain that only someone else may read.
    $script:ExpiredSessionToken = 'IQoJb3JpZ2luX2VjEXPIREDSESSIONTOKEN' + ('x' * 300)
    $configPath = Join-Path ([IO.Path]::GetTempPath()) ("faults-emulator-$PID.json")
    New-EmulatorConfig -Path $configPath -ExtraIdentity @(
        @{ accessKeyId = 'ASIAEMULATOREXPIRED1'; secretAccessKey = 'expiredSecretKey000000000000000000000001'
            arn = 'arn:aws:sts::111122223333:assumed-role/dev/expired-session'; account = '111122223333'
            sessionToken = $script:ExpiredSessionToken; expired = $true
        }
    ) -ExtraDomain @(
        @{ name = 'locked-domain'; owner = '111122223333'; region = 'us-west-2'; allowedArns = @('arn:aws:iam::111122223333:role/someone-else')
            repositories = @(@{ name = 'locked-repo'; packages = @() })
        }
    ) | Out-Null
    $script:Special = Start-CodeArtifactEmulator -ConfigPath $configPath -LifetimeSeconds 1800
    Remove-Item -LiteralPath $configPath -Force
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
    if ($script:Special) { Stop-CodeArtifactEmulator -Emulator $script:Special }
}

Describe 'Faults: CodeArtifact and the network' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Special
        Push-Location $script:Sandbox.Project
        # Two sources in two domains; each test refreshes 'ca' only (-Name), so a fault can only hit its request.
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = $Id.RepositoryUrl }
            @{ Name = 'keep'; Url = $OtherUrl }
        ) | Out-Null
        $script:Before = Write-PreviousCredential -SourceName 'ca', 'keep'
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'Poetry reads the credentials these tests store beforehand' -Tag 'Poetry' {
        # The corpus writes earlier credentials straight into auth.toml; this proves Poetry sees them.
        Get-PoetryReadPassword -SourceName 'ca' | Should -BeExactly (Get-PreviousToken -SourceName 'ca')
        Get-PoetryReadPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
    }

    It 'gives up after 3 attempts on <Case>, with <ErrorId>, and keeps every credential' -TestCases @(
        @{ Case = 'throttling (429)'; Fault = @{ throttle = 5 }; ErrorId = 'CodeArtifactThrottled'; Category = 'LimitsExceeded'; Pattern = '429 ThrottlingException' }
        @{ Case = 'internal errors (500)'; Fault = @{ error500 = 5 }; ErrorId = 'CodeArtifactServiceError'; Category = 'InvalidResult'; Pattern = '500 InternalServerException' }
        @{ Case = 'dropped connections'; Fault = @{ drop = 5 }; ErrorId = 'CodeArtifactUnreachable'; Category = 'ConnectionError'; Pattern = 'Could not reach|dropped' }
        @{ Case = 'malformed JSON'; Fault = @{ malformedJson = 5 }; ErrorId = 'CodeArtifactResponseInvalid'; Category = 'InvalidResult'; Pattern = 'not valid JSON' }
    ) {
        Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault $Fault | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -TimeoutSec 2 -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "$ErrorId,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be $Category
        $err[0].Exception.Message | Should -Match $Pattern
        $err[0].Exception.Message | Should -Match 'gave up after 3 attempts'
        $err[0].Exception.Message | Should -Match "domain 'my-domain'|$([regex]::Escape($Emulator.Endpoint))"
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $run.Action | Should -Be 'Failed'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 3
        # Three attempts with full-jitter backoff (at most 0.4 s + 0.8 s) and no Poetry: well under 10 s.
        $seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'recovers from <Case> on the third attempt and stores the new token' -Tag 'Poetry' -TestCases @(
        @{ Case = 'throttling'; Fault = @{ throttle = 2 } }
        @{ Case = 'internal errors'; Fault = @{ error500 = 2 } }
        @{ Case = 'dropped connections'; Fault = @{ drop = 2 } }
        @{ Case = 'malformed JSON'; Fault = @{ malformedJson = 2 } }
    ) {
        Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault $Fault | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -TimeoutSec 2 -PassThru -ErrorAction Stop
        $seconds = $watch.Elapsed.TotalSeconds

        $run.Action | Should -Be 'Stored'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 3
        $stored = Get-StoredPassword -SourceName 'ca'
        $stored | Should -Match '^eyJ'
        $stored | Should -Not -Be (Get-PreviousToken -SourceName 'ca')
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
        $seconds | Should -BeLessThan 30   # one Poetry start included, on a busy machine
    }

    It 'times out each slow answer after -TimeoutSec, three times, then fails with CodeArtifactTimeout' {
        Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ delayMs = 4000; delayCount = 3 } | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -TimeoutSec 1 -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactTimeout,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err[0].Exception.Message | Should -Match 'within 1 second\.'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-TimeoutSec'
        # 3 x 1 s plus at most 1.2 s of backoff: bounded well below the 12 s the emulator would take.
        $seconds | Should -BeGreaterThan 2.9
        $seconds | Should -BeLessThan 10
        # The emulator logs a delayed request when its delay ends; wait so none lands in the next test.
        @(Wait-EmulatorRequestCount -Emulator $Emulator -Count 3).Count | Should -Be 3
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'recovers when only the first answer is slow' -Tag 'Poetry' {
        Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ delayMs = 3000; delayCount = 1 } | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -TimeoutSec 1 -PassThru -ErrorAction Stop
        $seconds = $watch.Elapsed.TotalSeconds

        $run.Action | Should -Be 'Stored'
        @(Wait-EmulatorRequestCount -Emulator $Emulator -Count 2).Count | Should -Be 2
        $seconds | Should -BeLessThan 30
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
    }

    It 'corrects a local clock that is <Skew> s off from the server''s, with one extra request' -Tag 'Poetry' -TestCases @(
        @{ Skew = 3600 }, @{ Skew = -3600 }, @{ Skew = 172800 }
    ) {
        # The emulator's clock (and its Date header) runs $Skew seconds ahead of ours.
        Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ clockSkewSeconds = $Skew } | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -PassThru -ErrorAction Stop
        $seconds = $watch.Elapsed.TotalSeconds

        $run.Action | Should -Be 'Stored'
        $requests = @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken)
        $requests.Count | Should -Be 2
        $requests[0].errorType | Should -Be 'InvalidSignatureException'
        $requests[1].status | Should -Be 200
        Get-StoredPassword -SourceName 'ca' | Should -Match '^eyJ'
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
        $seconds | Should -BeLessThan 30
    }

    It 'reports expired AWS credentials at once (no retry), naming how to sign in again' {
        $env:AWS_ENDPOINT_URL_CODEARTIFACT = $Special.Endpoint
        $env:AWS_ACCESS_KEY_ID = 'ASIAEMULATOREXPIRED1'
        $env:AWS_SECRET_ACCESS_KEY = 'expiredSecretKey000000000000000000000001'
        $env:AWS_SESSION_TOKEN = $ExpiredSessionToken

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "AwsCredentialsExpired,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Sign in again'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Special -Operation GetAuthorizationToken).Count | Should -Be 1
        $seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'reports access denied at once (no retry), naming the identity' {
        $env:AWS_ENDPOINT_URL_CODEARTIFACT = $Special.Endpoint
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = 'http://locked-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/locked-repo/simple/' }
            @{ Name = 'keep'; Url = $OtherUrl }
        ) | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactAccessDenied,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($Id.Arn))
        @(Get-CodeArtifactEmulatorRequest -Emulator $Special -Operation GetAuthorizationToken).Count | Should -Be 1
        $seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'reports an unknown domain at once (no retry), pointing at the URL' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = 'http://no-such-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/' }
            @{ Name = 'keep'; Url = $OtherUrl }
        ) | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactDomainNotFound,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match "no-such-domain"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'repository URL'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        $seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'reports an unreachable endpoint (nothing listening) after 3 quick attempts' {
        $env:AWS_ENDPOINT_URL_CODEARTIFACT = 'http://127.0.0.1:9'   # the discard port: nothing listens

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactUnreachable,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $err[0].Exception.Message | Should -Match 'gave up after 3 attempts'
        $seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'fails one domain and still stores the other when the fault hits one domain only' -Tag 'Poetry' {
        # Sources in two domains, one of which CodeArtifact does not know: the other is refreshed anyway.
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = 'http://no-such-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/' }
            @{ Name = 'keep'; Url = $OtherUrl }
        ) | Out-Null

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = Update-PoetryCodeArtifactToken -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 1
        $seconds | Should -BeLessThan 30
        ($results | Where-Object Name -EQ 'ca').Action | Should -Be 'Failed'
        ($results | Where-Object Name -EQ 'keep').Action | Should -Be 'Stored'
        Get-StoredPassword -SourceName 'ca' | Should -BeExactly (Get-PreviousToken -SourceName 'ca')
        Get-StoredPassword -SourceName 'keep' | Should -Not -Be (Get-PreviousToken -SourceName 'keep')
    }
}

Describe 'Faults: Poetry' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = $Id.RepositoryUrl }
            @{ Name = 'keep'; Url = $OtherUrl }
        ) | Out-Null
        $script:Before = Write-PreviousCredential -SourceName 'ca', 'keep'
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        # Give the folder back its write bits so the sandbox can be removed.
        if (Test-Path -LiteralPath $Sandbox.PoetryConfig) { chmod -R u+w $Sandbox.PoetryConfig }
        Remove-TestSandbox $script:Sandbox
    }

    It 'stops before any request when Poetry is missing from PATH and its usual folders' {
        $env:PATH = Join-Path $Sandbox.Root 'empty-bin'
        New-Item -ItemType Directory -Force $env:PATH | Out-Null
        # HOME, POETRY_HOME and PIPX_BIN_DIR lead to the installers' folders; point them at nothing too.
        $saved = @{ HOME = $env:HOME; POETRY_HOME = $env:POETRY_HOME; PIPX_BIN_DIR = $env:PIPX_BIN_DIR }
        try {
            $env:HOME = $Sandbox.Home
            Set-TestVariable -Name POETRY_HOME -Value $null
            Set-TestVariable -Name PIPX_BIN_DIR -Value $null
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $run = { Update-PoetryCodeArtifactToken -ErrorAction Stop } | Should -Throw -ErrorId "PoetryNotFound,$CmdletId" -PassThru
            $seconds = $watch.Elapsed.TotalSeconds
        }
        finally {
            foreach ($name in $saved.Keys) { Set-TestVariable -Name $name -Value $saved[$name] }
        }

        $run.Exception.Message | Should -Match 'Poetry was not found in PATH'
        $run.ErrorDetails.RecommendedAction | Should -Match '-PoetryPath'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        $seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'reports Poetry failing for every source as one error each, keeping both credentials' {
        # A Poetry that starts but cannot work (as a broken virtual environment would): exit code 1.
        $broken = Join-Path $Sandbox.Root 'poetry'
        Set-Content -LiteralPath $broken -Value "#!/bin/sh`necho 'ModuleNotFoundError: No module named poetry.console' >&2`nexit 1"
        chmod +x $broken

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -PoetryPath $broken -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be "PoetryConfigFailed,$CmdletId" }
        $err | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'WriteError' }
        $err[0].Exception.Message | Should -Match 'exit code 1.*No module named poetry.console'
        $run.Action | Should -Be @('Failed', 'Failed')
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 2
        $seconds | Should -BeLessThan 15
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'reports a Poetry config folder that cannot be created (its parent is a file)' -Tag 'Poetry' {
        # Root ignores permission bits, so "cannot write" is made real with a path no user can create:
        # a folder inside a regular file (ENOTDIR for everyone, root included).
        $file = Join-Path $Sandbox.Root 'not-a-folder'
        Set-Content -LiteralPath $file -Value 'a regular file'
        $env:POETRY_CONFIG_DIR = Join-Path $file 'pypoetry'

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "PoetryConfigFailed,$CmdletId"
        $err[0].Exception.Message | Should -Match 'Not a directory|NotADirectory|FileExistsError|exists'
        $run.Action | Should -Be 'Failed'
        $seconds | Should -BeLessThan 30
        Get-Content -LiteralPath $file -Raw | Should -Match 'a regular file'
        Assert-ConfigUnchanged -Snapshot $Before -ConfigDirectory $Sandbox.PoetryConfig
    }

    It 'reports a read-only Poetry config folder and keeps the credential stored in it' -Tag 'Poetry' {
        # Mode 555 on the folder and 444 on auth.toml. Root ignores mode bits, so when the tests run as
        # root, Poetry is started as 'nobody' through setpriv (a -PoetryPath wrapper): then the bits
        # apply exactly as they do for any ordinary user. As an ordinary user, the real Poetry runs as is.
        $poetry = Get-PoetryExecutable
        if ((id -u) -eq '0') {
            $setpriv = (Get-Command setpriv -CommandType Application -ErrorAction Stop).Source
            $poetry = Join-Path $Sandbox.Root 'poetry-as-nobody'
            Set-Content -LiteralPath $poetry -Value "#!/bin/sh`nexec $setpriv --reuid=65534 --regid=65534 --clear-groups -- $(Get-PoetryExecutable) `"`$@`""
            chmod 755 $poetry
            chmod 777 $Sandbox.PoetryCache   # Poetry as nobody may want its cache
        }
        chmod 444 (Join-Path $Sandbox.PoetryConfig 'auth.toml')
        chmod 555 $Sandbox.PoetryConfig

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = Update-PoetryCodeArtifactToken -Name ca -PoetryPath $poetry -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        $seconds = $watch.Elapsed.TotalSeconds

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "PoetryConfigFailed,$CmdletId"
        $err[0].Exception.Message | Should -Match 'Permission denied|PermissionError'
        $err[0].Exception.Message | Should -Match "source 'ca'"
        $run.Action | Should -Be 'Failed'
        $seconds | Should -BeLessThan 30
        Assert-ConfigUnchanged -Snapshot $Before
        Get-PoetryReadPassword -SourceName 'ca' | Should -BeExactly (Get-PreviousToken -SourceName 'ca')
    }
}
