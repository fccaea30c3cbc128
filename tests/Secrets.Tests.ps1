# The secrets sweep: every cmdlet of the module, run with -Verbose -Debug, a transcript on and $ErrorView
# 'DetailedView', through successes and failures (the runs: tests/helpers/SecretsSweep.ps1). Every stream,
# every error in full (Get-Error, the exception chain, the target object), every output object, the
# transcript and every file written under the sandbox are collected, and none may hold a CodeArtifact
# token, an AWS secret key, a session token or an SSO access token. Files whose job is to hold the token
# (Poetry's auth.toml, dotenv and CI variable files) may hold the token, and nothing else secret.
# Progress records are the one thing not collected: PowerShell cannot redirect or capture them.
#
# A cmdlet without an entry in $Scenarios (SecretsSweep.ps1) fails the sweep: add realistic runs for it there.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Commands = @(Get-Command -Module PoetryCaAuth -CommandType Cmdlet, Function | Sort-Object Name |
            ForEach-Object { @{ Command = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'helpers/Robustness.psm1') -Force -DisableNameChecking
    $script:SweepScript = Join-Path $PSScriptRoot 'helpers/SecretsSweep.ps1'
    . $script:SweepScript   # $Secrets, $SessionKeyId, $TokenShape, $Scenarios

    $configPath = Join-Path ([IO.Path]::GetTempPath()) "secrets-emulator-$PID.json"
    New-EmulatorConfig -Path $configPath -ExtraIdentity @(
        @{ accessKeyId = $SessionKeyId; secretAccessKey = $Secrets['session secret access key']
            arn = 'arn:aws:sts::111122223333:assumed-role/dev/sweep'; account = '111122223333'
            sessionToken = $Secrets['session token']
        }
        @{ accessKeyId = 'AKIAEMULATORPROFILE1'; secretAccessKey = $Secrets['profile secret access key']
            arn = 'arn:aws:iam::111122223333:user/profile-user'; account = '111122223333'
        }
    ) | Out-Null
    $script:Emulator = Start-CodeArtifactEmulator -ConfigPath $configPath -LifetimeSeconds 1800
    Remove-Item -LiteralPath $configPath -Force

    function Get-PwshCommand {
        # pwsh may run as a dotnet tool, whose process is dotnet itself: start the child from PSHOME.
        $exe = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        if (Test-Path $exe) { return , @($exe) }
        , @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Secrets sweep' {
    It 'has realistic runs for every cmdlet of the module' {
        $missing = @(Get-Command -Module PoetryCaAuth | Where-Object { -not $Scenarios.ContainsKey($_.Name) }).Name
        $missing | Should -BeNullOrEmpty -Because 'every cmdlet must be swept; add its runs to $Scenarios in tests/helpers/SecretsSweep.ps1'
    }

    It 'leaks no token, secret key, session token or SSO access token: <Command>' -ForEach $Commands -Tag 'Poetry' {
        $Scenarios.ContainsKey($Command) | Should -BeTrue -Because "$Command needs an entry in `$Scenarios"

        # The runs happen in a fresh pwsh (the module as built, the same helpers), so their transcripts and
        # streams stay out of this test's output; it hands back everything they produced.
        $resultPath = Join-Path ([IO.Path]::GetTempPath()) ("secrets-sweep-$PID-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.json')
        $modulePath = (Get-Module PoetryCaAuth).ModuleBase | Split-Path -Parent
        $pwsh = Get-PwshCommand
        $first, $rest = $pwsh
        try {
            $child = Invoke-CodeArtifactTestProcess -FilePath $first -TimeoutSeconds 600 -ArgumentList (@($rest | Where-Object { $_ }) + @(
                    '-NoProfile', '-NonInteractive', '-File', $SweepScript, '-Command', $Command, '-ResultPath', $resultPath,
                    '-EmulatorEndpoint', $Emulator.Endpoint)) -Environment @{ POETRYCAAUTH_TEST_MODULE = $modulePath }
            $child.ExitCode | Should -Be 0 -Because "the sweep's runs must complete: $($child.StdErr)"
            $runs = @(Get-Content -LiteralPath $resultPath -Raw | ConvertFrom-Json -AsHashtable)
        }
        finally {
            Remove-Item -LiteralPath $resultPath -Force -ErrorAction SilentlyContinue
        }
        $runs.Count | Should -Be $Scenarios[$Command].Count

        $leaks = [System.Collections.Generic.List[string]]::new()
        $tokens = [System.Collections.Generic.HashSet[string]]::new()
        foreach ($run in $runs) {
            $scenario = $Scenarios[$Command] | Where-Object Name -EQ $run.Scenario
            # Each run must have got where it was meant to, or its silence proves nothing.
            if ($scenario.ExpectErrorId) {
                # Some scenarios may end in one of several ids (an unreachable SSO portal): any one of them proves the run got there.
                @($run.ErrorIds | Where-Object { $_ -in @($scenario.ExpectErrorId) }).Count | Should -BeGreaterThan 0 -Because $scenario.Name
            }
            else { $run.ErrorIds | Should -BeNullOrEmpty -Because $scenario.Name }
            if ($scenario.ExpectAction) { $run.Actions | Should -Contain $scenario.ExpectAction -Because $scenario.Name }
            # Proof the transcript recorded the run: a stream message or the output table is in it.
            $run.Texts['transcript'] | Should -Match '(VERBOSE|WARNING|DEBUG): |Name\s+Domain' -Because 'the transcript must have recorded the run'
            # Tokens as stored; each is then hunted everywhere else.
            foreach ($store in $run.Stores.Values) {
                foreach ($m in $TokenShape.Matches($store)) { [void]$tokens.Add($m.Value) }
            }
        }
        foreach ($run in $runs) {
            foreach ($label in $run.Texts.Keys) {
                $text = [string]$run.Texts[$label]
                foreach ($secret in $Secrets.Keys) {
                    if ($text.Contains($Secrets[$secret])) { $leaks.Add("[$($run.Scenario)] $label holds the $secret") }
                }
                foreach ($token in $tokens) {
                    if ($text.Contains($token)) { $leaks.Add("[$($run.Scenario)] $label holds a stored CodeArtifact token") }
                }
                if ($TokenShape.IsMatch($text)) { $leaks.Add("[$($run.Scenario)] $label holds token-shaped text") }
            }
            foreach ($label in $run.Stores.Keys) {
                foreach ($secret in $Secrets.Keys) {
                    if ([string]$run.Stores[$label] -and ([string]$run.Stores[$label]).Contains($Secrets[$secret])) {
                        $leaks.Add("[$($run.Scenario)] $label holds the $secret")
                    }
                }
            }
        }

        $leaks | Should -BeNullOrEmpty
        if ($Command -eq 'Update-PoetryCodeArtifactToken') {
            # The sweep must have seen real tokens to hunt for, or it proves nothing.
            $tokens.Count | Should -BeGreaterThan 2
        }
    }
}
