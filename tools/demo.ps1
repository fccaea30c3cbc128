# The main job, end to end, on the bundled CodeArtifact emulator: no AWS account needed.
# A throw-away Poetry project whose only source is CodeArtifact fails to install its private package,
# Update-PoetryCodeArtifactToken stores a token, and the same install then succeeds.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path -Parent $PSScriptRoot
Import-Module $ModulePath
Import-Module (Join-Path $repoRoot 'tests/helpers/Emulator.psm1') -DisableNameChecking
Import-Module (Join-Path $repoRoot 'tests/helpers/TestEnvironment.psm1') -DisableNameChecking

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Save-TestEnvironment
$emulator = Start-CodeArtifactEmulator -LifetimeSeconds 600
try {
    # Everything below lives in a temp folder: your own Poetry and AWS settings are not touched.
    $sandbox = New-TestSandbox -Emulator $emulator
    $id = Get-CodeArtifactEmulatorIdentity
    Write-Step "CodeArtifact emulator on $($emulator.Endpoint) (pid $($emulator.ProcessId)), serving domain '$($id.Domain)' (account $($id.DomainOwner), $($id.Region))"
    Write-Host "AWS credentials: the emulator's demo access key $($id.AccessKeyId), from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY."
    Write-Host "API endpoint: AWS_ENDPOINT_URL_CODEARTIFACT=$($emulator.Endpoint); package index reached through HTTP_PROXY=$($emulator.ProxyUrl)."

    New-PoetryProject -Path $sandbox.Project -Source @{ Name = 'codeartifact'; Url = $id.RepositoryUrl; Default = $true } `
        -Dependency @{ 'hello-private' = '{ version = "1.0.0", source = "codeartifact" }' } | Out-Null
    Set-Location $sandbox.Project
    Write-Step "A Poetry project in $($sandbox.Project) with this source:"
    Get-Content pyproject.toml | Select-String -Pattern 'source' -Context 0, 3 | ForEach-Object { $_.ToString() } | Write-Host

    Write-Step 'poetry install, before any token is stored'
    $before = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $sandbox.Project
    # Poetry 1.3 leaves its style tags (<c1>...</c1>) in output that is not a terminal; they are noise here.
    Write-Host ((($before.Output -split "`n" | Where-Object { $_ -match 'Authorization error|failed' }) -join "`n") -replace '</?c\d>', '').Trim()
    Write-Host "-> exit code $($before.ExitCode): CodeArtifact turned Poetry away." -ForegroundColor Yellow

    Write-Step 'Get-CodeArtifactRepository'
    Get-CodeArtifactRepository | Format-Table | Out-String | Write-Host

    Write-Step 'Update-PoetryCodeArtifactToken -PassThru -Verbose'
    Update-PoetryCodeArtifactToken -PassThru -Verbose | Format-Table | Out-String | Write-Host

    Write-Step 'poetry install, again'
    $after = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $sandbox.Project
    Write-Host ($after.Output.Trim() -split "`n" | Select-Object -Last 3 | Out-String).Trim()
    if ($after.ExitCode -ne 0) { throw "poetry install still failed (exit code $($after.ExitCode))." }
    $python = Join-Path $sandbox.Project '.venv/bin/python'
    if (-not (Test-Path $python)) { $python = Join-Path $sandbox.Project '.venv/Scripts/python.exe' }
    $greeting = & $python -c 'import hello_private; print(hello_private.GREETING)'
    Write-Host "-> the private package imports and says: $greeting" -ForegroundColor Green

    $requests = @(Get-CodeArtifactEmulatorRequest -Emulator $emulator -Operation GetAuthorizationToken)
    Write-Step "Done: $($requests.Count) GetAuthorizationToken request (SigV4-verified by the emulator); the token is in $(Get-PoetryAuthFile) (owner-only), never printed."
}
finally {
    Set-Location $repoRoot
    Stop-CodeArtifactEmulator -Emulator $emulator
    Restore-TestEnvironment
    if ($sandbox) { Remove-TestSandbox $sandbox }
}
