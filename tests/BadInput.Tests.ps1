# The bad-input corpus: pyproject.toml and Poetry config files as people really write them, broken or odd.
# For each: the right outcome (a clear error naming the file and line, a verbose or warned skip, or a
# normal refresh), a bounded time, and every credential stored before still there afterwards.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'helpers/Robustness.psm1') -Force -DisableNameChecking
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:UpdateId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:GetId = 'PoetryCaAuth.Commands.GetCodeArtifactRepositoryCommand'
    $script:Host1 = 'my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com'
    $script:OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'

    function Write-PyProject {
        # Writes pyproject.toml text exactly as given (no helper tidying), optionally with a BOM or CRLF.
        param([string] $Text, [switch] $Bom, [switch] $Crlf, [string] $Folder = $Sandbox.Project)
        New-Item -ItemType Directory -Force -Path $Folder | Out-Null
        if ($Crlf) { $Text = $Text -replace "`r?`n", "`r`n" }
        $file = Join-Path $Folder 'pyproject.toml'
        [IO.File]::WriteAllText($file, $Text, [Text.UTF8Encoding]::new($Bom.IsPresent))
        $file
    }

    function Invoke-Refresh {
        # Runs the refresh with every stream captured; returns results, errors, warnings, verbose text and seconds.
        param([hashtable] $Parameters = @{})
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $errors = $null
        $all = Update-PoetryCodeArtifactToken @Parameters -PassThru -Verbose -ErrorAction SilentlyContinue -ErrorVariable errors 3>&1 4>&1
        [pscustomobject]@{
            Results  = @($all | Where-Object { $_.PSTypeNames -contains 'PoetryCaAuth.Model.TokenRefreshResult' })
            Errors   = @($errors)
            Warnings = ($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message) -join "`n"
            Verbose  = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
            Seconds  = $watch.Elapsed.TotalSeconds
        }
    }

    $script:Header = @'
[tool.poetry]
name = "consumer"
version = "0.1.0"
description = "bad input"
authors = ["Test <test@example.com>"]

[tool.poetry.dependencies]
python = "^3.7"

'@
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Bad input: pyproject.toml and Poetry config files' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        # A credential of another project, stored earlier: whatever happens here must leave it alone.
        $script:Before = Write-PreviousCredential -SourceName 'keep'
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'names the file, line and column of malformed TOML (<Case>) and fetches nothing' -TestCases @(
        @{ Case = 'unclosed string'; Line = 11; Body = "[[tool.poetry.source]]`nname = `"ca`"`nurl = `"http://$($Host1)/pypi/pypi-store/simple/`nsecondary = true`n" }
        @{ Case = 'missing value'; Line = 10; Body = "[[tool.poetry.source]]`nname =`nurl = `"http://$($Host1)/pypi/pypi-store/simple/`"`n" }
        @{ Case = 'duplicate key'; Line = 11; Body = "[[tool.poetry.source]]`nname = `"ca`"`nname = `"again`"`n" }
        @{ Case = 'unclosed table header'; Line = 9; Body = "[[tool.poetry.source]`nname = `"ca`"`n" }
    ) {
        $file = Write-PyProject ($Header + $Body)

        foreach ($command in 'Update-PoetryCodeArtifactToken', 'Get-CodeArtifactRepository') {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $thrown = { & $command -ErrorAction Stop } | Should -Throw -PassThru
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10

            $thrown.FullyQualifiedErrorId | Should -BeLike 'TomlFileInvalid,*'
            $thrown.CategoryInfo.Category | Should -Be 'InvalidData'
            $thrown.Exception.Message | Should -Match ([regex]::Escape($file))
            $thrown.Exception.Message | Should -Match "at line $Line, column \d+"
            $thrown.ErrorDetails.RecommendedAction | Should -Match "line $Line"
        }
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'names Poetry''s global config.toml and its line when that file is malformed' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null
        $config = Join-Path $env:POETRY_CONFIG_DIR 'config.toml'
        Set-Content -LiteralPath $config -Value "[repositories.x]`nurl = `"http://a`"`n[repositories.x`n"
        $Before = Get-ConfigSnapshot

        # A broken global file must not stop the project's own sources: it is a warning naming the file and line,
        # and the project's source is still refreshed, until Poetry itself, which reads that file on every start,
        # refuses to store anything: that failure is reported for the source and nothing stored before is lost.
        Update-PoetryCodeArtifactToken -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable err
        ($warnings | Out-String) | Should -Match "$([regex]::Escape($config))' is not valid TOML at line 3"
        $err[0].FullyQualifiedErrorId | Should -Be "PoetryConfigFailed,$UpdateId"
        Assert-ConfigUnchanged -Snapshot $Before

        # -Scope Project does not read the global file, so discovery goes on; but Poetry reads it on every
        # start and refuses to work, and that error names the file and the line too.
        (Get-CodeArtifactRepository -Scope Project).Name | Should -Be 'ca'
        $run = Invoke-Refresh -Parameters @{ Scope = 'Project' }
        $run.Errors[0].FullyQualifiedErrorId | Should -Be "PoetryConfigFailed,$UpdateId"
        $run.Errors[0].Exception.Message | Should -Match "$([regex]::Escape($config)).*line 3"
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'reads files with a UTF-8 byte order mark and Windows line endings' -Tag 'Poetry' {
        Write-PyProject ($Header + "[[tool.poetry.source]]`nname = `"ca`"`nurl = `"$($Id.RepositoryUrl)`"`n") -Bom -Crlf | Out-Null

        $run = Invoke-Refresh

        $run.Errors.Count | Should -Be 0
        $run.Results.Action | Should -Be 'Stored'
        $run.Seconds | Should -BeLessThan 30
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
    }

    It 'passes over sources without a URL, without a name, or with a URL that is not text, and refreshes the rest' -Tag 'Poetry' {
        Write-PyProject ($Header + @"
[[tool.poetry.source]]
name = "pypi-like"
default = true

[[tool.poetry.source]]
url = "http://$Host1/pypi/pypi-store/simple/"

[[tool.poetry.source]]
name = "numeric-url"
url = 42

[[tool.poetry.source]]
name = "ca"
url = "$($Id.RepositoryUrl)"
"@) | Out-Null

        $run = Invoke-Refresh

        $run.Errors.Count | Should -Be 0
        $run.Results.Name | Should -Be 'ca'
        $run.Results.Action | Should -Be 'Stored'
        $run.Verbose | Should -Match "Passing over source 'pypi-like' .*no url"
        $run.Verbose | Should -Match "Passing over source 'numeric-url' .*no url"
        $run.Warnings | Should -Match 'has no name; ignored'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        $run.Seconds | Should -BeLessThan 30
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
    }

    It 'warns about a duplicate source name and uses the first one only' -Tag 'Poetry' {
        Write-PyProject ($Header + @"
[[tool.poetry.source]]
name = "ca"
url = "$($Id.RepositoryUrl)"

[[tool.poetry.source]]
name = "ca"
url = "$OtherUrl"
"@) | Out-Null

        $run = Invoke-Refresh

        $run.Warnings | Should -Match "the source name 'ca' appears more than once; the first one is used"
        $run.Results.Count | Should -Be 1
        $run.Results[0].Domain | Should -Be 'my-domain'
        $requests = @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken)
        $requests.Count | Should -Be 1
        $requests[0].domain | Should -Be 'my-domain'
        $run.Seconds | Should -BeLessThan 30
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
    }

    It 'does not let a duplicate CodeArtifact source replace an earlier non-CodeArtifact one of the same name' {
        Write-PyProject ($Header + @"
[[tool.poetry.source]]
name = "mirror"
url = "https://pypi.example.com/simple/"

[[tool.poetry.source]]
name = "mirror"
url = "$($Id.RepositoryUrl)"
"@) | Out-Null

        $run = Invoke-Refresh

        $run.Results.Count | Should -Be 0
        $run.Warnings | Should -Match "'mirror' appears more than once"
        $run.Seconds | Should -BeLessThan 10
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'stores tokens under odd source names (dots, capitals, non-ASCII, spaces) where Poetry looks them up' -Tag 'Poetry' {
        $names = 'team.mirror', 'CorpRepo', 'dépôt-équipe', 'Ünïcode.Mixed', 'with space'
        New-PoetryProject -Path $Sandbox.Project -Source @($names | ForEach-Object { @{ Name = $_; Url = $Id.RepositoryUrl } }) | Out-Null

        $run = Invoke-Refresh

        $run.Errors | ForEach-Object { $_.Exception.Message } | Should -BeNullOrEmpty
        $run.Results.Name | Should -Be $names
        $run.Results.Action | Should -Be (@('Stored') * $names.Count)
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        $run.Seconds | Should -BeLessThan 60   # five Poetry starts on a busy machine
        foreach ($name in $names) {
            # Asked through Poetry's own PasswordManager, under the exact name Poetry will use.
            Get-PoetryReadPassword -SourceName $name | Should -Match '^eyJ' -Because "Poetry must find the token for '$name'"
        }
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
        # Poetry cannot download through a source whose name has a dot (see the next test): say so.
        $run.Warnings | Should -Match "Source 'team.mirror' has a dot in its name.*'team-mirror'"
        $run.Warnings | Should -Match "Source 'Ünïcode.Mixed' has a dot"
        $run.Warnings | Should -Not -Match "Source 'CorpRepo'"
    }

    It 'warns only about the sources it works on: -Name leaves a dotted source out, and its warning with it' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'team.mirror'; Url = $Id.RepositoryUrl }
            @{ Name = 'plain'; Url = $Id.RepositoryUrl }
        ) | Out-Null

        $run = Invoke-Refresh -Parameters @{ Name = 'plain' }

        $run.Results.Name | Should -Be 'plain'
        $run.Warnings | Should -BeNullOrEmpty
        $listed = Get-CodeArtifactRepository -Name 'team*' -WarningVariable listWarnings -WarningAction SilentlyContinue
        $listed.Name | Should -Be 'team.mirror'
        "$listWarnings" | Should -Match "Source 'team.mirror' has a dot"
    }

    It 'lets poetry install from sources with capitals and non-ASCII names once their tokens are stored' -Tag 'Poetry' {
        # The end-to-end proof: Poetry authenticates to both domains under those names, listing and download.
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'Team_Mirror'; Url = $Id.RepositoryUrl; Secondary = $true }
            @{ Name = 'Dépôt-Équipe'; Url = $OtherUrl; Secondary = $true }
        ) -Dependency @{
            'hello-private' = '{ version = "1.0.0", source = "Team_Mirror" }'
            'hello-other'   = '{ version = "2.0.0", source = "Dépôt-Équipe" }'
        } | Out-Null

        Update-PoetryCodeArtifactToken -ErrorAction Stop
        $install = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $Sandbox.Project

        $install.Output | Should -Match 'Installing hello-private \(1\.0\.0\)'
        $install.Output | Should -Match 'Installing hello-other \(2\.0\.0\)'
        $install.ExitCode | Should -Be 0 -Because $install.Output
    }

    It 'shows why the dot warning exists: Poetry downloads without credentials from a dotted source' -Tag 'Poetry' {
        # Poetry finds a source's download credentials through repositories.NAME.url, split at every dot,
        # so 'team.mirror' resolves (the listing is authenticated) but its wheel download gets a 401.
        # If a later Poetry fixes this, this test fails and the warning can go.
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'team.mirror'; Url = $Id.RepositoryUrl; Secondary = $true } -Dependency @{
            'hello-private' = '{ version = "1.0.0", source = "team.mirror" }'
        } | Out-Null

        Update-PoetryCodeArtifactToken -WarningAction SilentlyContinue -ErrorAction Stop
        $install = Invoke-Poetry -ArgumentList 'install', '--no-root' -WorkingDirectory $Sandbox.Project

        $install.Output | Should -Match 'Installing hello-private'
        $install.Output | Should -Match '401 Client Error'
        $install.ExitCode | Should -Not -Be 0
    }

    It 'passes over look-alike hosts verbosely and sends nothing: <Case>' -TestCases @(
        @{ Case = 'an extra suffix'; Url = "https://$Host1.evil.com/pypi/pypi-store/simple/" }
        @{ Case = 'a look-alike TLD'; Url = 'https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.co/pypi/pypi-store/simple/' }
        @{ Case = 'an extra label in front'; Url = "https://x.$Host1/pypi/pypi-store/simple/" }
        @{ Case = 'an 11-digit owner'; Url = 'https://my-domain-11112222333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/' }
        @{ Case = 'no d label'; Url = 'https://my-domain-111122223333.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/' }
        @{ Case = 'the host in the path'; Url = "https://evil.example.com/$Host1/pypi/pypi-store/simple/" }
        @{ Case = 'the host as user-info'; Url = "https://$Host1@evil.example.com/pypi/pypi-store/simple/" }
        @{ Case = 'the host in the query'; Url = "https://evil.example.com/simple/?next=https://$Host1/pypi/pypi-store/simple/" }
        @{ Case = 'a homograph (Cyrillic a)'; Url = "https://my-dom$([char]0x0430)in-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/" }
        @{ Case = 'an ideographic full stop'; Url = "https://my-dom$([char]0x3002)ain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/" }
        @{ Case = 'an npm repository'; Url = "https://$Host1/npm/pypi-store/" }
        @{ Case = 'a path beyond simple/'; Url = "https://$Host1/pypi/pypi-store/simple/hello-private/" }
        @{ Case = 'not http'; Url = "ftp://$Host1/pypi/pypi-store/simple/" }
    ) {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'suspect'; Url = $Url } | Out-Null

        $run = Invoke-Refresh

        $run.Errors.Count | Should -Be 0
        $run.Results.Count | Should -Be 0
        $run.Verbose | Should -Match "Passing over source 'suspect'"
        $run.Warnings | Should -Match 'No CodeArtifact sources were found'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        $run.Seconds | Should -BeLessThan 10
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'accepts ports, trailing-slash variants and upper case, with one token for them all' -Tag 'Poetry' {
        $variants = [ordered]@{
            'slash-simple'   = "http://$Host1/pypi/pypi-store/simple/"
            'no-slash'       = "http://$Host1/pypi/pypi-store/simple"
            'repo-slash'     = "http://$Host1/pypi/pypi-store/"
            'repo-only'      = "http://$Host1/pypi/pypi-store"
            'double-slash'   = "http://$Host1/pypi/pypi-store/simple//"
            'port-80'        = "http://$($Host1):80/pypi/pypi-store/simple/"
            'port-8443'      = "https://$($Host1):8443/pypi/pypi-store/simple/"
            'upper-case'     = "HTTPS://$($Host1.ToUpperInvariant())/pypi/pypi-store/simple/"
            'with-query'     = "https://$Host1/pypi/pypi-store/simple/?x=1"
        }
        New-PoetryProject -Path $Sandbox.Project -Source @($variants.Keys | ForEach-Object { @{ Name = $_; Url = $variants[$_] } }) | Out-Null

        $run = Invoke-Refresh

        $run.Errors.Count | Should -Be 0
        $run.Results.Name | Should -Be @($variants.Keys)
        $run.Results.Action | Should -Be (@('Stored') * $variants.Count)
        $run.Results.Domain | Select-Object -Unique | Should -Be 'my-domain'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        $run.Seconds | Should -BeLessThan 90   # nine Poetry starts on a busy machine
        Get-StoredPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
    }

    It 'warns about credentials inside a source URL and never shows them' -Tag 'Poetry' {
        $url = "http://aws:hunter2-in-url@$Host1/pypi/pypi-store/simple/"
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $url } | Out-Null

        $run = Invoke-Refresh

        $run.Results.Action | Should -Be 'Stored'
        $run.Seconds | Should -BeLessThan 30
        $run.Warnings | Should -Match 'user name or password inside its URL'
        $run.Warnings + $run.Verbose | Should -Not -Match 'hunter2'
        (Get-CodeArtifactRepository).Url | Should -Not -Match 'hunter2'
    }

    It 'passes over a URL that names an unset environment variable' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = 'https://${CA_HOST_FOR_TEST}/pypi/pypi-store/simple/' } | Out-Null
        Set-TestVariable -Name CA_HOST_FOR_TEST -Value $null

        $run = Invoke-Refresh

        $run.Verbose | Should -Match 'refers to \$\{CA_HOST_FOR_TEST\}, which is not set'
        $run.Seconds | Should -BeLessThan 10
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'warns when tool.poetry.source is a table instead of an array of tables' {
        Write-PyProject ($Header + "[tool.poetry.source]`nname = `"ca`"`nurl = `"$($Id.RepositoryUrl)`"`n") | Out-Null

        $run = Invoke-Refresh

        $run.Warnings | Should -Match 'should be an array of tables'
        $run.Seconds | Should -BeLessThan 10
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'handles an empty pyproject.toml and a folder with none' {
        Write-PyProject '' | Out-Null
        $run = Invoke-Refresh
        $run.Errors.Count | Should -Be 0
        $run.Verbose | Should -Match 'declares no \[\[tool.poetry.source\]\]'

        Remove-Item (Join-Path $Sandbox.Project 'pyproject.toml')
        $run = Invoke-Refresh -Parameters @{ Path = $Sandbox.Project }
        $run.Errors.Count | Should -Be 0
        $run.Verbose | Should -Match 'No pyproject.toml in'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        Assert-ConfigUnchanged -Snapshot $Before
    }

    It 'works with spaces and parentheses in the project path and the Poetry config path' -Tag 'Poetry' {
        $project = Join-Path $Sandbox.Root 'my projects/service (copy)'
        New-PoetryProject -Path $project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null
        $config = Join-Path $Sandbox.Root 'poetry config (test)'
        $before = Write-PreviousCredential -SourceName 'keep' -ConfigDirectory $config
        $env:POETRY_CONFIG_DIR = $config

        $byPath = Invoke-Refresh -Parameters @{ Path = (Join-Path $project 'pyproject.toml') }
        Set-Location -LiteralPath $project
        $byLocation = Invoke-Refresh -Parameters @{ Force = $true }

        $byPath.Results.Action | Should -Be 'Stored'
        $byLocation.Results.Action | Should -Be 'Stored'
        $byPath.Seconds + $byLocation.Seconds | Should -BeLessThan 60
        Get-PoetryReadPassword -SourceName 'ca' | Should -Match '^eyJ'
        Get-PoetryReadPassword -SourceName 'keep' | Should -BeExactly (Get-PreviousToken -SourceName 'keep')
        Test-Path -LiteralPath (Join-Path $config 'auth.toml') | Should -BeTrue
    }
}
