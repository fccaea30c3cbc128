# Token lifecycle end to end: skipping what is still valid (counting emulator requests and Poetry runs),
# -Force, expiry, a corrupt state file, and two refreshes at once against one Poetry config.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'
    $script:CmdletId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:ModuleBase = (Get-Module PoetryCaAuth).ModuleBase

    function Get-StateFile { Join-Path $env:XDG_STATE_HOME 'PoetryCaAuth/token-state.json' }

    function New-CountingPoetry {
        <# A stand-in poetry that logs each call (never its arguments: the token is one) and runs the real one. #>
        param([string] $Folder)
        $real = Get-PoetryExecutable
        $log = Join-Path $Folder 'poetry-calls.log'
        $script = Join-Path $Folder 'poetry'
        Set-Content -LiteralPath $script -Value "#!/bin/sh`necho call >> '$log'`nexec '$real' `"`$@`"`n"
        chmod +x $script
        [pscustomobject]@{ Path = $script; Log = $log }
    }

    function Get-PoetryCallCount {
        param($Poetry)
        if (Test-Path -LiteralPath $Poetry.Log) { @(Get-Content -LiteralPath $Poetry.Log).Count } else { 0 }
    }

    function Get-TokenRequestCount {
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count
    }

    function Start-PwshChild {
        <# Starts a child pwsh running $Command with this process's environment; returns the Process. #>
        param([string] $Command)
        $exe = Join-Path $PSHOME 'pwsh'
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.WorkingDirectory = (Get-Location).ProviderPath
        $p = [System.Diagnostics.Process]::Start($psi)
        [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
    }

    function Wait-PwshChild {
        param($Child, [int] $TimeoutSeconds = 180)
        if (-not $Child.Process.WaitForExit($TimeoutSeconds * 1000)) {
            Stop-Process -Id $Child.Process.Id -Force -ErrorAction SilentlyContinue
            throw "A child pwsh (pid $($Child.Process.Id)) did not finish within $TimeoutSeconds s and was stopped."
        }
        $Child.Process.WaitForExit()
        [pscustomobject]@{ ExitCode = $Child.Process.ExitCode; StdOut = $Child.Out.Result; StdErr = $Child.Err.Result }
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Skipping tokens that are still valid' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca-main'; Url = $Id.RepositoryUrl }
            @{ Name = 'ca-other'; Url = $OtherUrl }
        ) | Out-Null
        $script:Poetry = New-CountingPoetry -Folder $Sandbox.Root
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'makes no request and starts no Poetry the second time, and says why' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -ErrorAction Stop
        Get-TokenRequestCount | Should -Be 2
        Get-PoetryCallCount $Poetry | Should -Be 2
        $stored = Get-StoredPassword -SourceName 'ca-main'
        Reset-CodeArtifactEmulator -Emulator $Emulator

        $all = Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -PassThru -Verbose -ErrorAction Stop 4>&1
        $verbose = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $results = $all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }

        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        Get-PoetryCallCount $Poetry | Should -Be 2
        $results.Action | Should -Be @('Skipped', 'Skipped')
        ($results[0].Expiration - [DateTimeOffset]::UtcNow).TotalHours | Should -BeGreaterThan 11.9
        ($verbose -join "`n") | Should -Match "Source 'ca-main': the token in http-basic.ca-main is valid until .* skipped"
        ($verbose -join "`n") | Should -Match 'nothing was fetched and no process was started'
        Get-StoredPassword -SourceName 'ca-main' | Should -BeExactly $stored
    }

    It 'does not even look for Poetry when every token is valid' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        (Update-PoetryCodeArtifactToken -PoetryPath (Join-Path $Sandbox.Root 'no-such-poetry') -PassThru -ErrorAction Stop).Action |
            Should -Be @('Skipped', 'Skipped')
    }

    It 'refreshes regardless with -Force' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -ErrorAction Stop
        $before = Get-StoredPassword -SourceName 'ca-main'
        Reset-CodeArtifactEmulator -Emulator $Emulator

        $results = Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -Force -PassThru -ErrorAction Stop

        Get-TokenRequestCount | Should -Be 2
        Get-PoetryCallCount $Poetry | Should -Be 4
        $results.Action | Should -Be @('Stored', 'Stored')
        Get-StoredPassword -SourceName 'ca-main' | Should -Not -Be $before
    }

    It 'refreshes a token with less than -MinimumRemaining left (<Case>)' -Tag 'Poetry' -TestCases @(
        @{ Case = 'nearly expired: 13 h asked of a 12 h token'; Minimum = '13:00:00' }
        @{ Case = 'in seconds'; Minimum = 46800 }
    ) {
        Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -ErrorAction Stop
        Reset-CodeArtifactEmulator -Emulator $Emulator

        $results = Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -MinimumRemaining $Minimum -PassThru -ErrorAction Stop

        $results.Action | Should -Be @('Stored', 'Stored')
        Get-TokenRequestCount | Should -Be 2
    }

    It 'refreshes an entry whose recorded expiry has passed, and only that one' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -ErrorAction Stop
        $state = Get-Content -Raw (Get-StateFile) | ConvertFrom-Json -AsHashtable
        $key = @($state.entries.Keys | Where-Object { $_ -like '*|ca-other|*' })[0]
        $state.entries[$key].expires = [DateTimeOffset]::UtcNow.AddMinutes(-5).ToString('o')
        $state | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Get-StateFile)
        Reset-CodeArtifactEmulator -Emulator $Emulator

        $results = Update-PoetryCodeArtifactToken -PoetryPath $Poetry.Path -PassThru -ErrorAction Stop

        ($results | Where-Object Name -EQ 'ca-other').Action | Should -Be 'Stored'
        ($results | Where-Object Name -EQ 'ca-main').Action | Should -Be 'Skipped'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).domain | Should -Be 'other-domain'
        Get-PoetryCallCount $Poetry | Should -Be 3
    }

    It 'recovers from a corrupt state file: refreshes and rewrites it' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        Set-Content -LiteralPath (Get-StateFile) -Value '{ "format": "PoetryCaAuth.TokenState", "version": 1, "entries": { broken'
        Reset-CodeArtifactEmulator -Emulator $Emulator

        $results = Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop

        $results.Action | Should -Be @('Stored', 'Stored')
        $state = Get-Content -Raw (Get-StateFile) | ConvertFrom-Json
        @($state.entries.PSObject.Properties).Count | Should -Be 2
        Get-UnixFileMode (Get-StateFile) | Should -Be '600'
        Get-UnixFileMode (Split-Path (Get-StateFile)) | Should -Be '700'
        # The next run trusts the rewritten file again.
        (Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop).Action | Should -Be @('Skipped', 'Skipped')
    }

    It 'never writes a token into the state file' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        $token = Get-StoredPassword -SourceName 'ca-main'
        Get-Content -Raw (Get-StateFile) | Should -Not -Match ([regex]::Escape($token.Substring(0, 40)))
    }

    It 'refreshes when Poetry''s config folder changes or the stored entry disappears' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        $env:POETRY_CONFIG_DIR = Join-Path $Sandbox.Root 'another-poetry-config'
        (Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop).Action | Should -Be @('Stored', 'Stored')

        Remove-Item -LiteralPath (Get-PoetryAuthFile)
        (Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop).Action | Should -Be @('Stored', 'Stored')
        Get-StoredPassword -SourceName 'ca-main' | Should -Match '^eyJ'
    }

    It 'keeps Poetry and environment-variable records apart' -Tag 'Poetry' {
        Update-PoetryCodeArtifactToken -ErrorAction Stop
        Reset-CodeArtifactEmulator -Emulator $Emulator
        try {
            (Update-PoetryCodeArtifactToken -Target Environment -PassThru -ErrorAction Stop).Action | Should -Be @('Stored', 'Stored')
            Get-TokenRequestCount | Should -Be 2
            (Update-PoetryCodeArtifactToken -Target Environment -PassThru -ErrorAction Stop).Action | Should -Be @('Skipped', 'Skipped')
            # A new shell does not have the variables: the record alone is not enough.
            Remove-Item Env:POETRY_HTTP_BASIC_CA_MAIN_PASSWORD
            $again = Update-PoetryCodeArtifactToken -Target Environment -PassThru -ErrorAction Stop
            ($again | Where-Object Name -EQ 'ca-main').Action | Should -Be 'Stored'
            $env:POETRY_HTTP_BASIC_CA_MAIN_PASSWORD | Should -Match '^eyJ'
        }
        finally {
            Get-ChildItem Env:POETRY_HTTP_BASIC_CA_* | ForEach-Object { Remove-Item -LiteralPath "Env:$($_.Name)" }
        }
    }
}

Describe 'Two refreshes at once' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        $script:Names = 'alpha-1', 'alpha-2', 'alpha-3', 'beta-1', 'beta-2', 'beta-3'
        New-PoetryProject -Path $Sandbox.Project -Source @($Names | ForEach-Object {
                @{ Name = $_; Url = if ($_ -like 'alpha*') { $Id.RepositoryUrl } else { $OtherUrl } }
            }) | Out-Null
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'loses no credential and no state entry (<Case>)' -Tag 'Poetry' -TestCases @(
        @{ Case = 'both refresh every source, as two profiles starting together'; First = '*'; Second = '*' }
        @{ Case = 'each refreshes half of the sources'; First = 'alpha-*'; Second = 'beta-*' }
    ) {
        $import = "Import-Module '$(Join-Path $ModuleBase 'PoetryCaAuth.psd1')' -ErrorAction Stop; `$ErrorActionPreference = 'Stop'"
        $a = Start-PwshChild "$import; Update-PoetryCodeArtifactToken -Name '$First' -Force -LockTimeoutSec 120"
        $b = Start-PwshChild "$import; Update-PoetryCodeArtifactToken -Name '$Second' -Force -LockTimeoutSec 120"
        $ra = Wait-PwshChild $a
        $rb = Wait-PwshChild $b

        $ra.ExitCode | Should -Be 0 -Because $ra.StdErr
        $rb.ExitCode | Should -Be 0 -Because $rb.StdErr
        foreach ($name in $Names) {
            Get-StoredPassword -SourceName $name | Should -Match '^eyJ' -Because "source '$name' must survive the concurrent writes"
        }
        $state = Get-Content -Raw (Get-StateFile) | ConvertFrom-Json
        (@($state.entries.PSObject.Properties.Value.source) | Sort-Object -Unique) | Should -Be ($Names | Sort-Object)
    }

    It 'gives up after -LockTimeoutSec with a clear error when the lock stays taken' {
        $lock = Join-Path $env:XDG_STATE_HOME 'PoetryCaAuth/token-state.lock'
        New-Item -ItemType Directory -Force (Split-Path $lock) | Out-Null
        $held = [System.IO.File]::Open($lock, 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            $results = Update-PoetryCodeArtifactToken -Name 'alpha-1', 'alpha-2' -LockTimeoutSec 1 -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
        }
        finally {
            $held.Dispose()
        }

        $err.Count | Should -Be 2
        $err[0].FullyQualifiedErrorId | Should -Be "TokenStoreLockTimeout,$CmdletId"
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].Exception.Message | Should -Match 'more than 1 seconds'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'LockTimeoutSec'
        $results.Action | Should -Be @('Failed', 'Failed')
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
        Test-Path (Get-StateFile) | Should -BeFalse
    }
}
