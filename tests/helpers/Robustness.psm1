# Helpers for the fault and bad-input corpus (tests/Faults.Tests.ps1, tests/BadInput.Tests.ps1) and the
# secrets sweep (tests/Secrets.Tests.ps1): credentials stored before a test, and proof they survived it.

# Look like real tokens (JWE compact form, "eyJ" start) so Poetry and our masking treat them as such,
# and differ from anything the emulator issues, so a test can tell "kept" from "replaced".
$script:PreviousTokenPrefix = 'eyJwcmV2aW91cyI6dHJ1ZX0.previous-token-for-'

function Get-PreviousToken {
    param([Parameter(Mandatory)] [string] $SourceName)
    $script:PreviousTokenPrefix + ($SourceName -replace '[^A-Za-z0-9]', '-')
}

function Write-PreviousCredential {
    <#
    .SYNOPSIS
        Writes credentials for the given sources into Poetry's auth.toml, as an earlier run (or the user)
        would have left them, and returns a snapshot of the config folder to compare with afterwards.
        Written directly in Poetry's own format (what `poetry config http-basic.NAME aws TOKEN` writes
        without a keyring), which Poetry reads back: see the test that proves it in Faults.Tests.ps1.
    #>
    param([Parameter(Mandatory)] [string[]] $SourceName, [string] $ConfigDirectory = $env:POETRY_CONFIG_DIR)
    New-Item -ItemType Directory -Force -Path $ConfigDirectory | Out-Null
    $lines = foreach ($name in $SourceName) {
        # Poetry splits a setting name at every dot (http-basic.my.repo is nested tables my -> repo) and
        # looks it up the same way; quoting each part keeps non-ASCII letters and spaces legal TOML.
        '[http-basic.{0}]' -f (($name -split '\.' | ForEach-Object { '"' + $_ + '"' }) -join '.')
        'username = "aws"'
        'password = "{0}"' -f (Get-PreviousToken -SourceName $name)
        ''
    }
    $file = Join-Path $ConfigDirectory 'auth.toml'
    [IO.File]::WriteAllText($file, ($lines -join "`n"), [Text.UTF8Encoding]::new($false))
    Get-ConfigSnapshot -ConfigDirectory $ConfigDirectory
}

function Get-ConfigSnapshot {
    <# Every file under the Poetry config folder, by relative path, with its SHA-256. #>
    param([string] $ConfigDirectory = $env:POETRY_CONFIG_DIR)
    $snapshot = [ordered]@{}
    if (Test-Path -LiteralPath $ConfigDirectory -PathType Container) {
        foreach ($file in Get-ChildItem -LiteralPath $ConfigDirectory -Recurse -File -Force | Sort-Object FullName) {
            $relative = [IO.Path]::GetRelativePath($ConfigDirectory, $file.FullName)
            $snapshot[$relative] = (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash
        }
    }
    $snapshot
}

function Assert-ConfigUnchanged {
    <# Fails unless the Poetry config folder holds exactly the files, with exactly the bytes, of the snapshot. #>
    param([Parameter(Mandatory)] [System.Collections.IDictionary] $Snapshot, [string] $ConfigDirectory = $env:POETRY_CONFIG_DIR)
    $now = Get-ConfigSnapshot -ConfigDirectory $ConfigDirectory
    $changed = @(foreach ($key in @($Snapshot.Keys) + @($now.Keys) | Select-Object -Unique) {
            if ($Snapshot[$key] -ne $now[$key]) { $key }
        })
    if ($changed.Count -gt 0) {
        throw "The Poetry config folder changed: $($changed -join ', ')."
    }
}

function Get-PoetryReadPassword {
    <#
    .SYNOPSIS
        The password Poetry itself finds for a source, asked through Poetry's own PasswordManager (the code
        its authenticator uses), so a test proves Poetry can use what was stored, not only that a file has it.
    #>
    param([Parameter(Mandatory)] [string] $SourceName)
    $python = Get-PoetryPython
    $code = 'import sys; from poetry.config.config import Config; from poetry.utils.password_manager import PasswordManager; ' +
        'a = PasswordManager(Config.create()).get_http_auth(sys.argv[1]); print(a["password"] if a else "")'
    $result = Invoke-CodeArtifactTestProcess -FilePath $python -ArgumentList '-c', $code, $SourceName -TimeoutSeconds 120
    if ($result.ExitCode -ne 0) { throw "Poetry's PasswordManager failed: $($result.StdErr)" }
    $result.StdOut.Trim()
}

function Get-PoetryPython {
    # The interpreter in Poetry's own shebang line: the one that can import Poetry.
    $poetry = Get-PoetryExecutable
    $first = Get-Content -LiteralPath $poetry -TotalCount 1
    if ($first -match '^#!\s*(?<python>\S+)') { return $Matches.python }
    'python3'
}

function Wait-EmulatorRequestCount {
    <#
    Waits until the emulator has logged at least Count requests of an operation (a delayed request is
    logged when its delay ends, after the client gave up), so no stray entry lands in the next test.
    #>
    param([Parameter(Mandatory)] [psobject] $Emulator, [string] $Operation = 'GetAuthorizationToken', [int] $Count,
        [int] $TimeoutSeconds = 20)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    do {
        $requests = @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation $Operation)
        if ($requests.Count -ge $Count) { return $requests }
        Start-Sleep -Milliseconds 200
    } while ([DateTime]::UtcNow -lt $deadline)
    $requests
}

function New-EmulatorConfig {
    <#
    .SYNOPSIS
        Writes an emulator --config file: the default identity and domains plus the extras a test needs
        (more identities, more domains, allowedArns). Returns the path.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [hashtable[]] $ExtraIdentity = @(),
        [hashtable[]] $ExtraDomain = @()
    )
    $identity = Get-CodeArtifactEmulatorIdentity
    $identities = @(@{ accessKeyId = $identity.AccessKeyId; secretAccessKey = $identity.SecretAccessKey; arn = $identity.Arn; account = $identity.Account }) +
        $ExtraIdentity
    $domains = @(
        @{ name = 'my-domain'; owner = '111122223333'; region = 'us-west-2'; allowedArns = $null
            repositories = @(@{ name = 'pypi-store'; packages = @(@{ name = 'hello-private'; version = '1.0.0' }) })
        }
        @{ name = 'other-domain'; owner = '444455556666'; region = 'eu-west-1'; allowedArns = $null
            repositories = @(@{ name = 'team-repo'; packages = @(@{ name = 'hello-other'; version = '2.0.0' }) })
        }
    ) + $ExtraDomain
    @{ identities = $identities; domains = $domains } | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $Path -Encoding utf8NoBOM
    $Path
}

Export-ModuleMember -Function Get-PreviousToken, Write-PreviousCredential, Get-ConfigSnapshot, Assert-ConfigUnchanged,
    Get-PoetryReadPassword, Get-PoetryPython, Wait-EmulatorRequestCount, New-EmulatorConfig
