# The benchmark's short form (bench/Invoke-Benchmark.ps1 -Quick), so it keeps working. Timings are not
# asserted (CI machines are noisy); what is asserted is that it writes its files and that the counts it
# reports are the ones the design promises: one token request per domain, one Poetry start per source,
# and one request plus one Poetry start per source for the manual way.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    if (-not (Get-Command aws -CommandType Application -ErrorAction SilentlyContinue)) {
        throw "The AWS CLI ('aws') is not on PATH; the benchmark measures the manual way with it."
    }
    Get-PoetryExecutable | Out-Null   # fails loudly without the real Poetry
    $script:Output = Join-Path ([IO.Path]::GetTempPath()) ('pca-bench-test-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $modulePath = (Get-Module PoetryCaAuth).ModuleBase | Split-Path -Parent
    $script:Rows = & (Join-Path (Split-Path -Parent $PSScriptRoot) 'bench/Invoke-Benchmark.ps1') -Quick -PassThru `
        -OutputDirectory $script:Output -ModulePath $modulePath 6>$null
    $script:Csv = Import-Csv -LiteralPath (Join-Path $script:Output 'results.csv')
}

AfterAll {
    if ($script:Output) { Remove-Item -LiteralPath $script:Output -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Benchmark (quick form)' {
    It 'writes results.md with the machine and one table row per measurement, and results.csv' {
        $md = Get-Content -LiteralPath (Join-Path $Output 'results.md') -Raw
        $md | Should -Match '\| CPU \| .+logical cores\) \|'
        $md | Should -Match '\| Poetry \| Poetry \(version '
        $md | Should -Match '\| AWS CLI \| aws-cli/'
        foreach ($row in $Rows) { $md | Should -Match ([regex]::Escape("| $($row.Measurement) |")) }
        $Csv.Count | Should -Be $Rows.Count
        $Csv.Id | Should -Contain 'import'
        $Csv.Id | Should -Contain 'profile'
        $Csv.Id | Should -Contain 'fetch'
        $Csv.Id | Should -Contain 'ws-import'
    }

    It 'reports one token request per domain and one Poetry start per source for cold refreshes' {
        $cold = @($Csv | Where-Object Id -Like 'cold-*')
        $cold.Id | Should -Be @('cold-1x1', 'cold-5x1', 'cold-5x4')
        foreach ($row in $cold) {
            $sources, $domains = ($row.Id -replace '^cold-') -split 'x' | ForEach-Object { [int]$_ }
            [int]$row.TokenRequests | Should -Be $domains -Because $row.Measurement
            [int]$row.PoetryProcesses | Should -Be $sources -Because $row.Measurement
            [int]$row.BaselineTokenRequests | Should -Be $sources -Because 'the manual way asks once per source'
            [int]$row.BaselineProcesses | Should -Be $sources
            [double]$row.Value | Should -BeGreaterThan 0
            [double]$row.Baseline | Should -BeGreaterThan 0
            $row.GoalMet | Should -BeIn @('yes', 'no')
        }
    }

    It 'reports the profile case and the token fetch with their request counts' {
        $profileRow = $Csv | Where-Object Id -EQ 'profile'
        # A full refresh (1 request, 1 Poetry start) or, with token-expiry skipping, nothing at all.
        "$($profileRow.TokenRequests)/$($profileRow.PoetryProcesses)" | Should -BeIn @('1/1', '0/0')
        $fetch = $Csv | Where-Object Id -EQ 'fetch'
        [int]$fetch.TokenRequests | Should -Be 1
        [int]$fetch.BaselineTokenRequests | Should -Be 1
        [double]$fetch.Ratio | Should -BeGreaterThan 0
    }

    It 'measures memory and import times as numbers' {
        foreach ($id in 'ws-import', 'ws-refresh', 'import', 'import-empty', 'import-warm', 'import-in-session', 'first-refresh') {
            $row = $Csv | Where-Object Id -EQ $id
            $row | Should -Not -BeNullOrEmpty -Because $id
            { [double]$row.Value } | Should -Not -Throw
            @($row.Samples -split ';').Count | Should -Be 2 -Because "$id is a median of the quick form's 2 runs"
        }
    }
}
