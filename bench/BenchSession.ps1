# One PowerShell session of the benchmark, started by bench/Invoke-Benchmark.ps1 in its own process with
# a prepared environment (Poetry config, AWS keys for the emulator, the counting poetry shim on PATH).
#   -Mode Session: working set before/after Import-Module and one refresh, the first refresh, and the
#                  profile case (a second Update-PoetryCodeArtifactToken right after the first).
#   -Mode Matrix:  cold refreshes of N sources over D domains beside the same work done the manual way
#                  (a bash script: aws codeartifact get-authorization-token + poetry config, per source),
#                  and one in-session token fetch beside one AWS CLI process. Runs interleave, so the two
#                  ways meet the same machine load.
# Reads its plan from -PlanPath (JSON) and writes its measurements to -ResultPath (JSON).
param(
    [Parameter(Mandatory)] [ValidateSet('Session', 'Matrix')] [string] $Mode,
    [Parameter(Mandatory)] [string] $PlanPath,
    [Parameter(Mandatory)] [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
$plan = Get-Content -LiteralPath $PlanPath -Raw | ConvertFrom-Json

function Get-WorkingSet {
    # After a full collection, so what is measured is what the session keeps, not garbage awaiting a GC.
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $process.WorkingSet64
}

function Invoke-Admin([string] $Path, [string] $Method = 'GET') {
    Invoke-RestMethod -Uri "$($plan.Endpoint)/__emulator/$Path" -Method $Method -NoProxy -TimeoutSec 30
}

function Reset-Counters {
    [void](Invoke-Admin 'reset' 'POST')
    Set-Content -LiteralPath $env:POETRY_BENCH_COUNT -Value $null -NoNewline
}

function Get-Counters {
    $requests = @(Invoke-Admin 'requests' | ForEach-Object { $_ } | Where-Object operation -EQ 'GetAuthorizationToken')
    $poetry = @(Get-Content -LiteralPath $env:POETRY_BENCH_COUNT -ErrorAction SilentlyContinue | Where-Object { $_ }).Count
    [pscustomobject]@{ Requests = $requests.Count; Processes = $poetry }
}

function Use-FreshPoetryConfig([string] $Label) {
    # A new Poetry config folder and state folders: nothing stored, nothing remembered (a cold refresh).
    $root = Join-Path $plan.WorkRoot ("run-{0}-{1}" -f $Label, [guid]::NewGuid().ToString('N').Substring(0, 8))
    $env:POETRY_CONFIG_DIR = Join-Path $root 'poetry-config'
    $env:XDG_STATE_HOME = Join-Path $root 'xdg-state'
    $env:XDG_CACHE_HOME = Join-Path $root 'xdg-cache'
    $env:POETRYCAAUTH_STATE_DIR = Join-Path $root 'state'
    New-Item -ItemType Directory -Force $env:POETRY_CONFIG_DIR | Out-Null
}

function Measure-Milliseconds([scriptblock] $Action) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Action
    $watch.Elapsed.TotalMilliseconds
}

function Invoke-ManualProcess([string] $Script) {
    # The manual way is a shell script, as people write it; its exit code must be 0.
    $psi = [Diagnostics.ProcessStartInfo]::new('bash')
    $psi.ArgumentList.Add($Script)
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [Diagnostics.Process]::Start($psi)
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    $p.WaitForExit()
    if ($p.ExitCode -ne 0) { throw "The manual script $Script failed with exit code $($p.ExitCode): $($err.Result)" }
}

function Get-TokenInSession {
    # The cmdlet that only fetches a token, where the module has one; otherwise the refresh with -WhatIf,
    # which fetches the token and stops before Poetry.
    $fetch = Get-Command Get-CodeArtifactAuthorizationToken -Module PoetryCaAuth -ErrorAction SilentlyContinue
    if ($fetch) {
        $arguments = @{}
        if ($fetch.Parameters.ContainsKey('Url')) { $arguments.Url = $plan.FetchUrl }
        else { $arguments.Domain = $plan.FetchDomain; $arguments.DomainOwner = $plan.FetchOwner; $arguments.Region = $plan.FetchRegion }
        if ($fetch.Parameters.ContainsKey('Force')) { $arguments.Force = $true }
        $null = Get-CodeArtifactAuthorizationToken @arguments -ErrorAction Stop
        return 'Get-CodeArtifactAuthorizationToken'
    }
    $update = Get-Command Update-PoetryCodeArtifactToken
    $arguments = @{ WhatIf = $true; PassThru = $true; ErrorAction = 'Stop' }
    if ($update.Parameters.ContainsKey('Force')) { $arguments.Force = $true }
    $null = [pscustomobject]@{ Name = 'bench-fetch'; Url = $plan.FetchUrl } | Update-PoetryCodeArtifactToken @arguments
    'Update-PoetryCodeArtifactToken -WhatIf'
}

$result = [ordered]@{ Mode = $Mode }

if ($Mode -eq 'Session') {
    Use-FreshPoetryConfig 'session'
    $result.WorkingSetBefore = Get-WorkingSet
    $result.ImportMs = Measure-Milliseconds { Import-Module $plan.ModulePath -ErrorAction Stop }
    $result.WorkingSetAfterImport = Get-WorkingSet
    Reset-Counters
    $result.FirstRefreshMs = Measure-Milliseconds { Update-PoetryCodeArtifactToken -Path $plan.SessionProject -ErrorAction Stop }
    $result.WorkingSetAfterRefresh = Get-WorkingSet
    $first = Get-Counters
    $result.FirstRefreshRequests = $first.Requests
    $result.FirstRefreshProcesses = $first.Processes

    # The profile case: the same call again, right away, with every token still valid.
    Reset-Counters
    $result.ProfileMs = Measure-Milliseconds { Update-PoetryCodeArtifactToken -Path $plan.SessionProject -ErrorAction Stop }
    $profileCounters = Get-Counters
    $result.ProfileRequests = $profileCounters.Requests
    $result.ProfileProcesses = $profileCounters.Processes
}
else {
    Import-Module $plan.ModulePath -ErrorAction Stop
    # Warm-up: the first call in a session pays for JIT compilation; Session mode measures that one.
    Use-FreshPoetryConfig 'warmup'
    Update-PoetryCodeArtifactToken -Path $plan.SessionProject -ErrorAction Stop
    $null = Get-TokenInSession

    $cases = foreach ($case in $plan.Cases) {
        $samples = foreach ($run in 1..$plan.Runs) {
            Use-FreshPoetryConfig "module-$($case.Sources)x$($case.Domains)"
            Reset-Counters
            $ms = Measure-Milliseconds { Update-PoetryCodeArtifactToken -Path $case.PyProject -ErrorAction Stop }
            $counters = Get-Counters
            $sample = [ordered]@{ Run = $run; ModuleMs = $ms; ModuleRequests = $counters.Requests; ModuleProcesses = $counters.Processes }
            if ($case.ManualScript) {
                Use-FreshPoetryConfig "manual-$($case.Sources)x$($case.Domains)"
                Reset-Counters
                $sample.ManualMs = Measure-Milliseconds { Invoke-ManualProcess $case.ManualScript }
                $counters = Get-Counters
                $sample.ManualRequests = $counters.Requests
                $sample.ManualProcesses = $counters.Processes
            }
            [pscustomobject]$sample
        }
        [pscustomobject]@{ Sources = $case.Sources; Domains = $case.Domains; Samples = @($samples) }
    }
    $result.Cases = @($cases)

    $fetches = foreach ($run in 1..$plan.Runs) {
        Use-FreshPoetryConfig 'fetch'
        Reset-Counters
        $method = $null
        $ms = Measure-Milliseconds { $script:method = Get-TokenInSession }
        $sessionRequests = (Get-Counters).Requests
        $sample = [ordered]@{ Run = $run; SessionMs = $ms; SessionRequests = $sessionRequests; Method = $script:method }
        if ($plan.AwsFetchScript) {
            Reset-Counters
            $sample.AwsMs = Measure-Milliseconds { Invoke-ManualProcess $plan.AwsFetchScript }
            $sample.AwsRequests = (Get-Counters).Requests
        }
        [pscustomobject]$sample
    }
    $result.Fetches = @($fetches)
}

[pscustomobject]$result | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
