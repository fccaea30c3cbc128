# Isolated, throw-away environments for tests: Poetry's config and cache, AWS config files and the
# process environment, all restored afterwards so one test never sees another's settings.

$script:Saved = [System.Collections.Generic.Stack[hashtable]]::new()

# Every variable a test may set; saved and restored as a whole.
$script:ManagedVariables = @(
    'POETRY_CONFIG_DIR', 'POETRY_CACHE_DIR', 'POETRY_DATA_DIR', 'POETRY_VIRTUALENVS_IN_PROJECT', 'POETRY_KEYRING_ENABLED',
    'PYTHON_KEYRING_BACKEND', 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy',
    'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION',
    'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CODEARTIFACT',
    'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_MAX_ATTEMPTS', 'AWS_EC2_METADATA_DISABLED',
    'POETRY_CA_AUTH_METHOD', 'POETRY_CA_DEFAULT_AWS_PROFILE', 'PIP_NO_INPUT', 'PIP_DISABLE_PIP_VERSION_CHECK', 'XDG_CONFIG_HOME',
    'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'GITHUB_ENV', 'POETRYCAAUTH_STATE_DIR', 'PATH',
    'HOME', 'BROWSER', 'DISPLAY', 'WAYLAND_DISPLAY', 'AWS_VAULT', 'AWS_VAULT_PROMPT', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'FAKE_AWS_VAULT_KEYRING', 'FAKE_AWS_VAULT_VERSION'
)

function Set-TestVariable {
    <# Sets or (with $null) removes a process environment variable. [Environment]::SetEnvironmentVariable
       would receive '' from PowerShell for $null, which leaves an empty variable behind on Unix. #>
    param([Parameter(Mandatory)] [string] $Name, [AllowNull()] [AllowEmptyString()] [string] $Value)
    if ($null -eq $Value -or $Value -eq '') {
        Remove-Item -LiteralPath "Env:$Name" -ErrorAction SilentlyContinue
    } else {
        Set-Item -LiteralPath "Env:$Name" -Value $Value
    }
}

function Save-TestEnvironment {
    $snapshot = @{}
    foreach ($name in $script:ManagedVariables) {
        $snapshot[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $script:Saved.Push($snapshot)
}

function Restore-TestEnvironment {
    if ($script:Saved.Count -eq 0) { return }
    $snapshot = $script:Saved.Pop()
    foreach ($name in $snapshot.Keys) {
        Set-TestVariable -Name $name -Value $snapshot[$name]
    }
}

function Get-PoetryExecutable {
    # Tests that need Poetry use the real one and fail loudly when it is missing.
    $poetry = Get-Command poetry -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $poetry) {
        throw "Poetry is not installed: these tests need the real Poetry (Debian: apt-get install python3-poetry)."
    }
    $poetry.Source
}

function New-TestSandbox {
    <#
    .SYNOPSIS
        Creates a temp folder with its own Poetry config/cache and empty AWS config files, and points the
        process environment at them (call Save-TestEnvironment first, Restore-TestEnvironment after).
        With -Emulator, AWS credentials, the CodeArtifact endpoint and the HTTP proxy point at it.
    #>
    param([psobject] $Emulator)
    $root = Join-Path ([IO.Path]::GetTempPath()) ('pca-test-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $dirs = [ordered]@{
        Root        = $root
        PoetryConfig = Join-Path $root 'poetry-config'
        PoetryCache = Join-Path $root 'poetry-cache'
        Aws         = Join-Path $root 'aws'
        Project     = Join-Path $root 'project'
        Home        = Join-Path $root 'home'
    }
    foreach ($d in $dirs.Values) { New-Item -ItemType Directory -Force -Path $d | Out-Null }

    $env:POETRY_CONFIG_DIR = $dirs.PoetryConfig
    $env:POETRY_CACHE_DIR = $dirs.PoetryCache
    $env:POETRY_DATA_DIR = Join-Path $root 'poetry-data'
    $env:POETRY_VIRTUALENVS_IN_PROJECT = 'true'
    # No desktop keyring on test machines: Poetry keeps passwords in auth.toml, which the tests can read.
    $env:PYTHON_KEYRING_BACKEND = 'keyring.backends.null.Keyring'
    $env:XDG_CONFIG_HOME = Join-Path $root 'xdg-config'
    $env:XDG_CACHE_HOME = Join-Path $root 'xdg-cache'
    $env:XDG_DATA_HOME = Join-Path $root 'xdg-data'
    $env:XDG_STATE_HOME = Join-Path $root 'xdg-state'
    $env:AWS_CONFIG_FILE = Join-Path $dirs.Aws 'config'
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $dirs.Aws 'credentials'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    foreach ($name in 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'POETRY_CA_AUTH_METHOD',
        'POETRY_CA_DEFAULT_AWS_PROFILE', 'HTTPS_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'POETRY_KEYRING_ENABLED') {
        Set-TestVariable -Name $name -Value $null
    }

    if ($Emulator) {
        $identity = Get-CodeArtifactEmulatorIdentity
        $env:AWS_ACCESS_KEY_ID = $identity.AccessKeyId
        $env:AWS_SECRET_ACCESS_KEY = $identity.SecretAccessKey
        $env:AWS_ENDPOINT_URL_CODEARTIFACT = $Emulator.Endpoint
        $env:HTTP_PROXY = $Emulator.ProxyUrl
        $env:NO_PROXY = '127.0.0.1,localhost'
    }
    [pscustomobject]$dirs
}

function Remove-TestSandbox {
    param([psobject] $Sandbox)
    if ($Sandbox -and (Test-Path -LiteralPath $Sandbox.Root)) {
        Remove-Item -LiteralPath $Sandbox.Root -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function New-PoetryProject {
    <#
    .SYNOPSIS
        Writes a pyproject.toml that Poetry 1.3 accepts, with the given sources and dependencies.
        Sources: hashtables with Name, Url and optionally Default/Secondary.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [hashtable[]] $Source = @(),
        [hashtable] $Dependency = @{}
    )
    New-Item -ItemType Directory -Force -Path $Path | Out-Null
    $lines = @(
        '[tool.poetry]', 'name = "consumer"', 'version = "0.1.0"', 'description = "PoetryCaAuth test project"',
        'authors = ["Test <test@example.com>"]', '', '[tool.poetry.dependencies]', 'python = "^3.7"'
    )
    foreach ($name in $Dependency.Keys) { $lines += "$name = $($Dependency[$name])" }
    foreach ($s in $Source) {
        $lines += '', '[[tool.poetry.source]]', "name = `"$($s.Name)`""
        if ($s.Url) { $lines += "url = `"$($s.Url)`"" }
        if ($s.Default) { $lines += 'default = true' }
        if ($s.Secondary) { $lines += 'secondary = true' }
    }
    $lines += '', '[build-system]', 'requires = ["poetry-core>=1.0.0"]', 'build-backend = "poetry.core.masonry.api"'
    $file = Join-Path $Path 'pyproject.toml'
    Set-Content -LiteralPath $file -Value ($lines -join "`n") -Encoding utf8NoBOM
    $file
}

function Invoke-Poetry {
    <# Runs the real Poetry in the current process environment; returns ExitCode and the combined output. #>
    param([Parameter(Mandatory)] [string[]] $ArgumentList, [string] $WorkingDirectory, [int] $TimeoutSeconds = 300)
    $poetry = Get-PoetryExecutable
    $result = Invoke-CodeArtifactTestProcess -FilePath $poetry -ArgumentList (@('--no-ansi', '--no-interaction') + $ArgumentList) `
        -WorkingDirectory $WorkingDirectory -TimeoutSeconds $TimeoutSeconds
    [pscustomobject]@{ ExitCode = $result.ExitCode; Output = $result.StdOut + $result.StdErr }
}

function Get-PoetryAuthFile {
    Join-Path $env:POETRY_CONFIG_DIR 'auth.toml'
}

function Get-StoredPassword {
    <# Reads the password Poetry stored for a source from auth.toml (the tests' keyring-less Poetry). #>
    param([Parameter(Mandatory)] [string] $SourceName)
    $file = Get-PoetryAuthFile
    if (-not (Test-Path -LiteralPath $file)) { return $null }
    $text = Get-Content -LiteralPath $file -Raw
    $section = [regex]::Escape("[http-basic.$SourceName]")
    $quoted = [regex]::Escape("[http-basic.`"$SourceName`"]")
    $m = [regex]::Match($text, '(?ms)^(?:' + $section + '|' + $quoted + ')\s*$(?<body>.*?)(?=^\[|\z)')
    if (-not $m.Success) { return $null }
    $p = [regex]::Match($m.Groups['body'].Value, '(?m)^password\s*=\s*"(?<v>[^"]*)"')
    if ($p.Success) { $p.Groups['v'].Value } else { $null }
}

function Get-UnixFileMode {
    param([Parameter(Mandatory)] [string] $Path)
    (& stat -c '%a' $Path).Trim()
}

Export-ModuleMember -Function Set-TestVariable, Save-TestEnvironment, Restore-TestEnvironment, Get-PoetryExecutable, New-TestSandbox,
    Remove-TestSandbox, New-PoetryProject, Invoke-Poetry, Get-PoetryAuthFile, Get-StoredPassword, Get-UnixFileMode
