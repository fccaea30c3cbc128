#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests and demonstrates PoetryCaAuth.
.DESCRIPTION
    Tasks:
      Build   - compiles the module into output/PoetryCaAuth/<version>/ (manifest, loader, assemblies, help compiled
                from docs/en-US/*.md to en-US/PoetryCaAuth.dll-Help.xml and en-US/about_PoetryCaAuth.help.txt).
      Package - Build, then publishes the module as output/repository/PoetryCaAuth.<version>.nupkg, a package any
                PowerShell repository (PSResourceGet or PowerShellGet 2) accepts.
      Test    - Build, then the C# unit tests and the Pester tests (in a child pwsh); ends with "N passed, N failed".
      Demo   - Build, then runs the whole flow against the bundled CodeArtifact emulator and real Poetry.
      Bench  - Build, then the benchmark (bench/Invoke-Benchmark.ps1): writes bench/results.md and .csv;
               with -Quick, the short CI form (2 runs), written to output/bench/.
      Clean  - removes output/ and the bin/obj folders.
    Run it as: dotnet tool restore; dotnet pwsh ./build.ps1 <Task>
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to run (Test task); all when empty.
    [string[]] $Tag = @(),

    # Bench task: the short form (2 runs, 1 and 5 sources), as CI runs it; timings are indicative only.
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$SrcRoot = Join-Path $RepoRoot 'src/PoetryCaAuth'
$ModuleName = 'PoetryCaAuth'
$ModuleVersion = (Import-PowerShellDataFile (Join-Path $RepoRoot "$ModuleName.psd1")).ModuleVersion
$OutputRoot = Join-Path $RepoRoot 'output'
$ModuleOutput = Join-Path $OutputRoot "$ModuleName/$ModuleVersion"
$PackageOutput = Join-Path $OutputRoot 'repository'

function Get-PwshCommand {
    # pwsh may run as a dotnet tool, whose process is dotnet itself: start a child from PSHOME instead.
    $exe = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $exe) { return , @($exe) }
    return , @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
}

function Invoke-Pwsh {
    param([string[]] $ArgumentList)
    $command = Get-PwshCommand
    $rest = @($command | Select-Object -Skip 1) + $ArgumentList
    & $command[0] @rest
}

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $OutputRoot
    Get-ChildItem -Path (Join-Path $RepoRoot 'src'), (Join-Path $RepoRoot 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

function Invoke-Build {
    $publish = Join-Path $OutputRoot 'publish'
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $publish, $ModuleOutput
    Invoke-Native dotnet @('publish', (Join-Path $SrcRoot 'PoetryCaAuth/PoetryCaAuth.csproj'), '-c', $Configuration,
        '-o', (Join-Path $publish 'bin'), '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', (Join-Path $SrcRoot 'PoetryCaAuth.Loader/PoetryCaAuth.Loader.csproj'), '-c', $Configuration,
        '-o', (Join-Path $publish 'loader'), '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', (Join-Path $SrcRoot 'PoetryCaAuth.Bootstrap/PoetryCaAuth.Bootstrap.csproj'), '-c', $Configuration,
        '-o', (Join-Path $publish 'bootstrap'), '--nologo', '-v', 'quiet')

    $bin = New-Item -ItemType Directory -Force (Join-Path $ModuleOutput 'bin')
    $loader = New-Item -ItemType Directory -Force (Join-Path $ModuleOutput 'loader')
    # An explicit list: PowerShell's own reference assemblies must never ship.
    Get-ChildItem (Join-Path $publish 'bin') -Filter *.dll |
        Where-Object { $_.Name -like 'PoetryCaAuth*.dll' -or $_.Name -like 'AWSSDK.*.dll' -or $_.Name -eq 'Tomlyn.dll' -or
            (($_.Name -like 'System.*.dll' -or $_.Name -like 'Microsoft.Bcl.*.dll') -and $_.Name -ne 'System.Management.Automation.dll') } |
        Copy-Item -Destination $bin
    # The cmdlet assembly is the module's root, beside the manifest; its engine and dependencies stay in bin/,
    # where only the module's own resolvers find them (PoetryCaAuth.Bootstrap, WindowsPowerShellResolver.cs).
    Move-Item (Join-Path $bin "$ModuleName.dll") -Destination $ModuleOutput
    Copy-Item (Join-Path $publish 'loader/PoetryCaAuth.Loader.dll') -Destination $loader
    Copy-Item (Join-Path $publish 'bootstrap/PoetryCaAuth.Bootstrap.dll') -Destination $loader

    Copy-Item (Join-Path $RepoRoot "$ModuleName.psd1") -Destination $ModuleOutput
    Copy-Item (Join-Path $SrcRoot 'PoetryCaAuth/Module/*') -Destination $ModuleOutput
    foreach ($file in 'README.md', 'LICENSE', 'CHANGELOG.md') {
        $path = Join-Path $RepoRoot $file
        if (Test-Path $path) { Copy-Item $path -Destination $ModuleOutput }
    }
    Invoke-BuildDocs
    Write-Host "Built $ModuleName $ModuleVersion into $ModuleOutput"
}

function Invoke-BuildDocs {
    # platyPS is not available here: an in-repo converter compiles the platyPS-schema markdown. Get-Help looks
    # for the cmdlets' help in <module>/<culture>/PoetryCaAuth.dll-Help.xml (the CmdletInfo's HelpFile).
    & (Join-Path $RepoRoot 'tools/ConvertTo-MamlHelp.ps1') -SourcePath (Join-Path $RepoRoot 'docs/en-US') `
        -OutputPath (Join-Path $ModuleOutput 'en-US')
}

function Invoke-Package {
    Invoke-Build
    # Publish-PSResource needs a registered repository: register output/repository under a one-off name for
    # the publish only, so the user's own repository list is left as it was.
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $PackageOutput
    New-Item -ItemType Directory -Force $PackageOutput | Out-Null
    $repository = "$ModuleName-build-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $repository -Uri $PackageOutput -Trusted
    try {
        Publish-PSResource -Path $ModuleOutput -Repository $repository
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    $package = Get-ChildItem $PackageOutput -Filter "$ModuleName.$ModuleVersion.nupkg"
    if (-not $package) { throw "Publish-PSResource did not produce $ModuleName.$ModuleVersion.nupkg in $PackageOutput." }
    Write-Host "Packaged $($package.FullName)"
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = dotnet nuget locals global-packages --list | Select-Object -First 1
    return ($line -replace '^global-packages:\s*', '').Trim()
}

function Invoke-UnitTests {
    $results = Join-Path $OutputRoot 'test-results'
    New-Item -ItemType Directory -Force $results | Out-Null
    $trx = Join-Path $results 'units.trx'
    Remove-Item -Force -ErrorAction SilentlyContinue $trx
    & dotnet test (Join-Path $RepoRoot 'tests/units/PoetryCaAuth.Core.Tests/PoetryCaAuth.Core.Tests.csproj') -c $Configuration `
        --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $trx)) { throw 'The unit tests did not produce results; see the build output above.' }
    $run = ([xml](Get-Content -Raw $trx)).TestRun
    $counters = $run.ResultSummary.Counters
    $failures = @($run.Results.UnitTestResult | Where-Object outcome -eq 'Failed' | ForEach-Object { "$($_.testName) (xunit)" })
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted
        Failures = $failures }
}

function Invoke-PesterTests {
    Invoke-Native dotnet @('restore', (Join-Path $RepoRoot 'tools/pester/PesterRestore.csproj'), '--nologo', '-v', 'quiet')
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester/6.2.0/tools/Pester.psd1'
    $summary = Join-Path $OutputRoot 'test-results/pester-summary.json'
    Remove-Item -Force -ErrorAction SilentlyContinue $summary
    Invoke-Pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'tools/PesterTest.ps1'), '-PesterPath', $pester,
        '-TestPath', (Join-Path $RepoRoot 'tests'), '-ModulePath', (Join-Path $OutputRoot $ModuleName), '-SummaryPath', $summary,
        '-Tag', ($Tag -join ',')) | Out-Host
    if (-not (Test-Path $summary)) { throw 'Pester did not produce a summary; see its output above.' }
    Get-Content -Raw $summary | ConvertFrom-Json
}

function Invoke-Test {
    Invoke-Build
    $units = Invoke-UnitTests
    $pester = Invoke-PesterTests
    $passed = $units.Passed + $pester.Passed
    $failed = $units.Failed + $pester.Failed
    $skipped = $units.Skipped + $pester.Skipped
    Write-Host ''
    Write-Host "Unit tests: $($units.Passed) passed, $($units.Failed) failed. Pester: $($pester.Passed) passed, $($pester.Failed) failed."
    foreach ($failure in @($units.Failures) + @($pester.PSObject.Properties['Failures'] ? $pester.Failures : @())) {
        if ($failure) { Write-Host "  failed: $failure" }
    }
    $line = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $line += ", $skipped skipped" }
    Write-Host $line
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Invoke-Pwsh @('-NoProfile', '-File', (Join-Path $RepoRoot 'tools/demo.ps1'), '-ModulePath', (Join-Path $OutputRoot $ModuleName))
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Invoke-Build
    $arguments = @('-NoProfile', '-File', (Join-Path $RepoRoot 'bench/Invoke-Benchmark.ps1'), '-ModulePath', (Join-Path $OutputRoot $ModuleName))
    if ($Quick) { $arguments += '-Quick' }
    Invoke-Pwsh $arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Package }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Clean' { Invoke-Clean }
}
