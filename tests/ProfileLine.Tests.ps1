# The line people put in $PROFILE: quiet when nothing needs doing, one warning line and a short wait when AWS
# cannot be reached, never a prompt.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Update-PoetryCodeArtifactToken -Quiet (the profile line)' -Tag 'Poetry' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca-one'; Url = $Id.RepositoryUrl }
            @{ Name = 'ca-two'; Url = ($Id.RepositoryUrl -replace 'simple/$', '') }
        ) | Out-Null
    }

    AfterEach {
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'says nothing at all and asks AWS nothing when every token is still valid' {
        Update-PoetryCodeArtifactToken -Path $Sandbox.Project -ErrorAction Stop
        Reset-CodeArtifactEmulator -Emulator $Emulator

        $everything = Update-PoetryCodeArtifactToken -Path $Sandbox.Project -Quiet -TimeoutSec 3 *>&1

        @($everything).Count | Should -Be 0
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
    }

    It 'stores fresh tokens quietly' {
        $everything = Update-PoetryCodeArtifactToken -Path $Sandbox.Project -Quiet -TimeoutSec 3 *>&1

        @($everything).Count | Should -Be 0
        Get-StoredPassword -SourceName 'ca-one' | Should -Match '^eyJ'
    }

    It 'gives one warning line per source and no error when AWS does not answer, after one short attempt' {
        Set-CodeArtifactEmulatorFault -Emulator $Emulator -Fault @{ delayMs = 5000; delayCount = 5 } | Out-Null
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $everything = Update-PoetryCodeArtifactToken -Path $Sandbox.Project -Quiet -TimeoutSec 1 *>&1

        $watch.Stop()
        $warnings = @($everything | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        @($everything | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 0
        $warnings.Count | Should -Be 2
        $warnings | ForEach-Object { $_.Message | Should -Not -Match "`n" }
        $warnings[0].Message | Should -Match "^PoetryCaAuth: source 'ca-one': .*did not answer"
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 4.5
        # The emulator logs a delayed request once it has answered it: wait for that, then count (no retry).
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (@(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 200
        }
        Start-Sleep -Milliseconds 500
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'waits for another run no longer than -TimeoutSec, then warns in one line per source' {
        $lock = Join-Path $env:XDG_STATE_HOME 'PoetryCaAuth/token-state.lock'
        New-Item -ItemType Directory -Force (Split-Path $lock) | Out-Null
        $held = [System.IO.File]::Open($lock, 'OpenOrCreate', 'ReadWrite', 'None')
        $watch = [Diagnostics.Stopwatch]::StartNew()
        try {
            $everything = Update-PoetryCodeArtifactToken -Path $Sandbox.Project -Quiet -TimeoutSec 2 *>&1
        }
        finally {
            $watch.Stop()
            $held.Dispose()
        }

        @($everything | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 0
        $warnings = @($everything | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $warnings.Count | Should -Be 2
        $warnings | ForEach-Object { $_.Message | Should -Match "^PoetryCaAuth: source 'ca-(one|two)': Another PoetryCaAuth run kept the credential store lock .* for more than 2 seconds" }
        $warnings | ForEach-Object { $_.Message | Should -Not -Match "`n" }
        # The default lock wait is 30 s: well under it shows -TimeoutSec bounded the wait.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 20
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'warns in one line instead of failing when Poetry is missing' {
        $everything = Update-PoetryCodeArtifactToken -Path $Sandbox.Project -Quiet -PoetryPath (Join-Path $Sandbox.Root 'none') *>&1
        @($everything | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 0
        @($everything | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 1
    }

    It 'turns a malformed pyproject.toml and a missing -Path into one warning line each, never an error' {
        Set-Content -LiteralPath (Join-Path $Sandbox.Project 'pyproject.toml') -Value "[tool.poetry`nname = 1"

        $broken = Update-PoetryCodeArtifactToken -Path $Sandbox.Project -Quiet *>&1
        $missing = Update-PoetryCodeArtifactToken -Path (Join-Path $Sandbox.Root 'moved-away') -Quiet *>&1

        foreach ($all in @($broken), @($missing)) {
            @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 0
            $warning = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
            $warning.Count | Should -Be 1
            $warning[0].Message | Should -Not -Match "`n"
        }
        $broken[0].Message | Should -Match 'not valid TOML at line'
    }

    It 'stays silent in a folder with no Poetry project' {
        @(Update-PoetryCodeArtifactToken -Path $Sandbox.Home -Scope Project -Quiet *>&1).Count | Should -Be 0
    }
}
