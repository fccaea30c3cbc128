# Dot-sourced by every *.Tests.ps1: imports the BUILT module (never src/) and the test helpers.
$ErrorActionPreference = 'Stop'

$script:RepoRoot = Split-Path -Parent $PSScriptRoot
$modulePath = if ($env:POETRYCAAUTH_TEST_MODULE) { $env:POETRYCAAUTH_TEST_MODULE } else { Join-Path $script:RepoRoot 'output/PoetryCaAuth' }
if (-not (Get-Module PoetryCaAuth)) {
    Import-Module $modulePath -ErrorAction Stop
}
Import-Module (Join-Path $PSScriptRoot 'helpers/Emulator.psm1') -Force -DisableNameChecking
Import-Module (Join-Path $PSScriptRoot 'helpers/TestEnvironment.psm1') -Force -DisableNameChecking

if (-not (Test-Path variable:global:IsWindows)) {
    # Windows PowerShell 5.1 has no $IsWindows.
    $global:IsWindows = $true
}
