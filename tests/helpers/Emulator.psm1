#Requires -Version 5.1
<#
    Test helpers for the local CodeArtifact emulator (tools/emulator/codeartifact_emulator.py).
    Works on Windows PowerShell 5.1 and PowerShell 7+. Every emulator started here binds 127.0.0.1,
    has a lifetime limit and is stopped by its own process id.
#>
Set-StrictMode -Version 2.0

$script:RepoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$script:EmulatorScript = Join-Path (Join-Path (Join-Path $script:RepoRoot 'tools') 'emulator') 'codeartifact_emulator.py'

function Get-CodeArtifactEmulatorPython {
    <# Path of a Python 3 interpreter: python3, else python (Windows often has only that). #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    foreach ($name in 'python3', 'python') {
        $cmd = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($cmd) {
            $version = & $cmd.Source -c 'import sys; print(sys.version_info[0])' 2>$null
            if ("$version".Trim() -eq '3') { return $cmd.Source }
        }
    }
    throw 'Python 3 (python3 or python) was not found on PATH; the CodeArtifact emulator needs it.'
}

function Get-CodeArtifactEmulatorIdentity {
    <# The emulator's built-in identities and domains (see tools/emulator/README.md): account 111122223333
       (my-domain, us-west-2) by default, or -Account 444455556666 (other-domain, eu-west-1). #>
    [CmdletBinding()]
    param([ValidateSet('111122223333', '444455556666')] [string] $Account = '111122223333')
    if ($Account -eq '444455556666') {
        return [pscustomobject]@{
            AccessKeyId     = 'AKIAEMULATOR00000002'
            SecretAccessKey = 'emulatorSecretKey0000000000000000000002'
            Arn             = 'arn:aws:iam::444455556666:user/emulator-other-user'
            Account         = '444455556666'
            Domain          = 'other-domain'
            DomainOwner     = '444455556666'
            Region          = 'eu-west-1'
            Repository      = 'team-repo'
            Package         = 'hello-other'
            PackageVersion  = '2.0.0'
            RepositoryUrl   = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'
        }
    }
    [pscustomobject]@{
        AccessKeyId     = 'AKIAEMULATOR00000001'
        SecretAccessKey = 'emulatorSecretKey0000000000000000000001'
        Arn             = 'arn:aws:iam::111122223333:user/emulator-user'
        Account         = '111122223333'
        Domain          = 'my-domain'
        DomainOwner     = '111122223333'
        Region          = 'us-west-2'
        Repository      = 'pypi-store'
        Package         = 'hello-private'
        PackageVersion  = '1.0.0'
        RepositoryUrl   = 'http://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/'
    }
}

function Start-CodeArtifactEmulator {
    <#
    .SYNOPSIS
        Starts the emulator on an ephemeral 127.0.0.1 port and waits until it is listening.
    .OUTPUTS
        [pscustomobject] Port, ProcessId, Endpoint, ProxyUrl, Process, LogFile, TempDirectory.
    #>
    [CmdletBinding()]
    param(
        [string] $ConfigPath,
        [ValidateRange(1, 86400)] [int] $LifetimeSeconds = 1800,
        [ValidateRange(1, 300)] [int] $StartTimeoutSeconds = 15
    )
    if (-not (Test-Path -LiteralPath $script:EmulatorScript)) { throw "Emulator script not found: $script:EmulatorScript" }
    $python = Get-CodeArtifactEmulatorPython
    $temp = Join-Path ([System.IO.Path]::GetTempPath()) ('ca-emulator-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $temp | Out-Null
    $ready = Join-Path $temp 'ready.json'
    $stdout = Join-Path $temp 'stdout.txt'
    $stderr = Join-Path $temp 'stderr.txt'
    $logFile = Join-Path $temp 'requests.jsonl'
    $arguments = @($script:EmulatorScript, '--lifetime', "$LifetimeSeconds", '--ready-file', $ready, '--log-file', $logFile)
    if ($ConfigPath) { $arguments += @('--config', (Resolve-Path -LiteralPath $ConfigPath).ProviderPath) }
    $argumentString = ($arguments | ForEach-Object { ConvertTo-ProcessArgument $_ }) -join ' '
    $launcher = Start-Process -FilePath $python -ArgumentList $argumentString -PassThru -NoNewWindow `
        -RedirectStandardOutput $stdout -RedirectStandardError $stderr

    $deadline = [DateTime]::UtcNow.AddSeconds($StartTimeoutSeconds)
    $info = $null
    while (-not $info) {
        if (Test-Path -LiteralPath $ready) {
            # The emulator writes the file atomically, so it is either absent or complete.
            $info = Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json
            break
        }
        if ($launcher.HasExited) {
            $err = if (Test-Path -LiteralPath $stderr) { Get-Content -LiteralPath $stderr -Raw } else { '' }
            throw "The CodeArtifact emulator exited (code $($launcher.ExitCode)) before it was ready. stderr: $err"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $launcher.Id -Force -ErrorAction SilentlyContinue
            $err = if (Test-Path -LiteralPath $stderr) { Get-Content -LiteralPath $stderr -Raw } else { '' }
            throw "The CodeArtifact emulator was not ready within $StartTimeoutSeconds s. stderr: $err"
        }
        Start-Sleep -Milliseconds 100
    }
    # The emulator reports its own pid: on Windows python3 may be a launcher shim with another pid.
    $process = Get-Process -Id ([int]$info.pid) -ErrorAction SilentlyContinue
    [pscustomobject]@{
        Port          = [int]$info.port
        ProcessId     = [int]$info.pid
        Endpoint      = "http://127.0.0.1:$($info.port)"
        ProxyUrl      = "http://127.0.0.1:$($info.port)"
        Process       = $process
        LauncherId    = $launcher.Id
        LogFile       = $logFile
        TempDirectory = $temp
    }
}

function Stop-CodeArtifactEmulator {
    <# Stops the emulator by its own process id, waits for it to exit and removes its temp folder. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [psobject] $Emulator)
    process {
        foreach ($id in @($Emulator.ProcessId, $Emulator.LauncherId) | Select-Object -Unique) {
            if (-not $id) { continue }
            $p = Get-Process -Id $id -ErrorAction SilentlyContinue
            if ($p) {
                Stop-Process -Id $id -Force -ErrorAction SilentlyContinue
                [void]$p.WaitForExit(10000)
            }
        }
        if ($Emulator.TempDirectory -and (Test-Path -LiteralPath $Emulator.TempDirectory)) {
            Remove-Item -LiteralPath $Emulator.TempDirectory -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

function Invoke-CodeArtifactEmulatorAdmin {
    <# Calls an /__emulator/ endpoint directly (never through a proxy). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [psobject] $Emulator,
        [Parameter(Mandatory)] [string] $Path,
        [ValidateSet('GET', 'POST')] [string] $Method = 'GET',
        [object] $Body
    )
    $params = @{ Uri = "$($Emulator.Endpoint)/__emulator/$Path"; Method = $Method; TimeoutSec = 15 }
    if ($PSVersionTable.PSVersion.Major -ge 6) {
        $params.NoProxy = $true   # a test's HTTP_PROXY points at the emulator itself
    } else {
        $params.UseBasicParsing = $true
    }
    if ($null -ne $Body) {
        $params.Body = ConvertTo-Json -InputObject $Body -Compress -Depth 5
        $params.ContentType = 'application/json'
    }
    Invoke-RestMethod @params
}

function Get-CodeArtifactEmulatorRequest {
    <# The emulator's request log (never holds tokens or secrets), optionally filtered. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [psobject] $Emulator,
        [string] $Operation,
        [ValidateSet('api', 'index', 'proxy')] [string] $Kind
    )
    # Piping unrolls the JSON array on both 5.1 (one array object) and 7 (already enumerated).
    Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path 'requests' | ForEach-Object { $_ } |
        Where-Object { (-not $Operation -or $_.operation -eq $Operation) -and (-not $Kind -or $_.kind -eq $Kind) }
}

function Reset-CodeArtifactEmulator {
    <# Clears the request log and every fault (including clock skew). Issued tokens stay valid. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [psobject] $Emulator)
    [void](Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path 'reset' -Method POST)
}

function Set-CodeArtifactEmulatorFault {
    <#
    .SYNOPSIS
        Arms faults for the next API requests: throttle, error500, drop, malformedJson (counts),
        delayMs + delayCount, clockSkewSeconds (persistent until reset). Returns the armed faults.
    .EXAMPLE
        Set-CodeArtifactEmulatorFault -Emulator $e -Fault @{ throttle = 2 }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [psobject] $Emulator,
        [Parameter(Mandatory)] [hashtable] $Fault
    )
    Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path 'faults' -Method POST -Body $Fault
}

function Clear-CodeArtifactEmulatorFault {
    <# Disarms all faults (and clears the request log: both are reset together). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [psobject] $Emulator)
    Reset-CodeArtifactEmulator -Emulator $Emulator
}

function Revoke-CodeArtifactEmulatorToken {
    <# Marks every token issued so far as expired: the index then answers 401. Returns the count. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [psobject] $Emulator)
    (Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path 'expire-tokens' -Method POST).expired
}

function Set-CodeArtifactEmulatorSso {
    <#
    .SYNOPSIS
        Changes how the emulator's IAM Identity Center sign-in behaves until the next reset:
        autoApproveAfterPolls (null = never), deviceCodeExpiresIn, pollInterval, accessTokenExpiresIn.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [psobject] $Emulator, [Parameter(Mandatory)] [hashtable] $Setting)
    Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path 'sso/settings' -Method POST -Body $Setting
}

function Approve-CodeArtifactEmulatorSignIn {
    <# Approves (or with -Deny declines) pending device sign-ins, all or the one with -UserCode. Returns the count. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [psobject] $Emulator, [string] $UserCode, [switch] $Deny)
    $body = if ($UserCode) { @{ userCode = $UserCode } } else { @{} }
    $result = Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path ($(if ($Deny) { 'sso/deny' } else { 'sso/approve' })) -Method POST -Body $body
    if ($Deny) { $result.denied } else { $result.approved }
}

function New-CodeArtifactEmulatorSsoSession {
    <#
    .SYNOPSIS
        Has the emulator issue an IAM Identity Center session as 'aws sso login' leaves it (access token,
        refresh token, registered client), valid for -ExpiresIn seconds (negative: already expired).
        Returns accessToken, expiresAt, refreshToken, clientId, clientSecret, registrationExpiresAt.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [psobject] $Emulator, [string] $StartUrl = '', [int] $ExpiresIn = 3600)
    Invoke-CodeArtifactEmulatorAdmin -Emulator $Emulator -Path 'sso/tokens' -Method POST -Body @{ startUrl = $StartUrl; expiresIn = $ExpiresIn }
}

function ConvertTo-ProcessArgument {
    <# Quotes one argument for a Windows-style command line (also how .NET parses Arguments on Unix). #>
    param([AllowEmptyString()] [string] $Value)
    if ($Value -ne '' -and $Value -notmatch '[\s"]') { return $Value }
    $escaped = $Value -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1'
    return '"' + $escaped + '"'
}

function Invoke-CodeArtifactTestProcess {
    <#
    .SYNOPSIS
        Runs a child process with extra (or removed: $null value) environment variables, captures
        stdout/stderr, and kills it by its id after a timeout. The caller's environment is untouched.
        Each given name replaces every inherited variable with that name in any letter case.
    .OUTPUTS
        [pscustomobject] ExitCode, StdOut, StdErr.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{},
        [string] $WorkingDirectory,
        [int] $TimeoutSeconds = 120,
        # Written to the child's standard input, which is then closed.
        [string] $StandardInput
    )
    $cmd = Get-Command $FilePath -CommandType Application -ErrorAction Stop | Select-Object -First 1
    $file = $cmd.Source
    $argLine = ($ArgumentList | ForEach-Object { ConvertTo-ProcessArgument $_ }) -join ' '
    if ($file -match '\.(cmd|bat)$') {
        # CreateProcess cannot start batch files directly (aws.cmd on Windows).
        $argLine = '/d /s /c "' + (ConvertTo-ProcessArgument $file) + ' ' + $argLine + '"'
        $file = $env:ComSpec
    }
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $file
    $psi.Arguments = $argLine
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }
    foreach ($key in $Environment.Keys) {
        # Names match case-insensitively, so HTTP_PROXY = $null also clears http_proxy on Unix.
        foreach ($existing in @($psi.EnvironmentVariables.Keys | Where-Object { $_ -ieq $key })) {
            $psi.EnvironmentVariables.Remove($existing)
        }
        if ($null -ne $Environment[$key]) { $psi.EnvironmentVariables[$key] = [string]$Environment[$key] }
    }
    $p = [System.Diagnostics.Process]::Start($psi)
    if ($StandardInput) { $p.StandardInput.Write($StandardInput) }
    $p.StandardInput.Close()
    $outTask = $p.StandardOutput.ReadToEndAsync()
    $errTask = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
        Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue
        [void]$p.WaitForExit(5000)
        throw "'$FilePath' did not finish within $TimeoutSeconds s and was stopped."
    }
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $outTask.Result; StdErr = $errTask.Result }
}

Export-ModuleMember -Function Get-CodeArtifactEmulatorPython, Get-CodeArtifactEmulatorIdentity,
    Start-CodeArtifactEmulator, Stop-CodeArtifactEmulator, Invoke-CodeArtifactEmulatorAdmin,
    Get-CodeArtifactEmulatorRequest, Reset-CodeArtifactEmulator, Set-CodeArtifactEmulatorFault,
    Clear-CodeArtifactEmulatorFault, Revoke-CodeArtifactEmulatorToken, Invoke-CodeArtifactTestProcess,
    Set-CodeArtifactEmulatorSso, Approve-CodeArtifactEmulatorSignIn, New-CodeArtifactEmulatorSsoSession
