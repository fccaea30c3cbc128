# Runs the Pester suite in its own pwsh process (so the module under test never leaks into the build
# session) and writes a small JSON summary for build.ps1.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # Comma-separated: -File passes each argument as one string.
    [string] $Tag = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
# tests/common.ps1 imports the module under test from here: the built artefact, never src/.
$env:POETRYCAAUTH_TEST_MODULE = $ModulePath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
if ($Tag) { $configuration.Filter.Tag = $Tag -split ',' }

$result = Invoke-Pester -Configuration $configuration
# A container that fails to run (a syntax error, a failing BeforeAll) counts as a failure too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
# Name what failed, with the first line of why, so the end of a long CI log says it without scrolling.
$failures = @(
    foreach ($test in $result.Failed) {
        $why = if ($test.ErrorRecord) { "$($test.ErrorRecord[0].Exception.Message)".Split("`n")[0] } else { '' }
        '{0} ({1}): {2}' -f $test.ExpandedPath, (Split-Path -Leaf $test.ScriptBlock.File), $why
    }
    foreach ($block in $result.FailedBlocks) { "$($block.ExpandedPath): a setup block failed" }
    foreach ($container in $result.FailedContainers) { "$($container.Item): the file did not run" }
)
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount; Failures = $failures } |
    ConvertTo-Json | Set-Content -Path $SummaryPath
