# Runs a script in a fresh `pwsh -NoProfile` process, bounded by a timeout and stopped by its own pid: for tests
# whose point is a clean session (install by name, assembly load order) and must not disturb the test session.
Set-StrictMode -Version 3.0
# Invoke-CodeArtifactTestProcess: output capture, timeout, kill by pid.
Import-Module (Join-Path $PSScriptRoot 'Emulator.psm1') -DisableNameChecking

function Get-PwshCommand {
    <# The pwsh to start. When pwsh runs as a dotnet tool, PSHOME still holds the apphost; failing that, dotnet pwsh.dll. #>
    $exe = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
    if (Test-Path -LiteralPath $exe) { return , @($exe) }
    $dotnet = (Get-Command dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    return , @($dotnet, (Join-Path $PSHOME 'pwsh.dll'))
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs -Script with `pwsh -NoProfile -NonInteractive -File` and returns ExitCode, StdOut, StdErr and Result:
        whatever the script assigned to $Result, round-tripped through JSON (the script runs with $ErrorActionPreference
        'Stop', so an uncaught error gives a non-zero exit code and its message on stderr).
    .PARAMETER Environment
        Variables to set (or, with $null, remove) for the child only.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [string] $WorkingDirectory = [IO.Path]::GetTempPath(),
        [int] $TimeoutSeconds = 180
    )
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('pca-child-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    New-Item -ItemType Directory -Path $dir | Out-Null
    try {
        $file = Join-Path $dir 'child.ps1'
        $resultFile = Join-Path $dir 'result.json'
        $wrapper = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
`$PSStyle.OutputRendering = 'PlainText'   # readable errors in a failing test's message
`$Result = `$null
$Script
ConvertTo-Json -InputObject `$Result -Depth 6 | Set-Content -LiteralPath '$($resultFile -replace "'", "''")' -Encoding utf8
"@
        Set-Content -LiteralPath $file -Value $wrapper -Encoding utf8
        $command = Get-PwshCommand
        $arguments = @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)
        $run = Invoke-CodeArtifactTestProcess -FilePath $command[0] -ArgumentList $arguments -Environment $Environment `
            -WorkingDirectory $WorkingDirectory -TimeoutSeconds $TimeoutSeconds
        $result = if (Test-Path -LiteralPath $resultFile) { Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json } else { $null }
        [pscustomobject]@{ ExitCode = $run.ExitCode; StdOut = $run.StdOut; StdErr = $run.StdErr; Result = $result }
    }
    finally {
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Assert-ChildSucceeded {
    <# Throws with the child's output when it failed, so a failing test says why. #>
    param([Parameter(Mandatory)] [psobject] $Run, [string] $What = 'The child pwsh')
    if ($Run.ExitCode -ne 0 -or $null -eq $Run.Result) {
        throw "$What failed (exit code $($Run.ExitCode)).`nstdout:`n$($Run.StdOut)`nstderr:`n$($Run.StdErr)"
    }
}

Export-ModuleMember -Function Get-PwshCommand, Invoke-ChildPwsh, Assert-ChildSucceeded
