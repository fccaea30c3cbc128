# What users pipe in: CSV rows, hashtables, URL strings, objects with odd fields; and what -Name, -WhatIf and
# -PoetryPath mean there. Real Poetry, the emulator, real files.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'
    $script:UpdateId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:GetId = 'PoetryCaAuth.Commands.GetCodeArtifactRepositoryCommand'

    function Get-TokenRequestCount {
        @(Get-CodeArtifactEmulatorRequest -Emulator $script:Emulator -Operation GetAuthorizationToken).Count
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Piping sources into Update-PoetryCodeArtifactToken' -Tag 'Poetry' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        $script:Csv = Join-Path $Sandbox.Root 'sources.csv'
        "Name,Url`nrow1,$($Id.RepositoryUrl)`nrow2,$OtherUrl" | Set-Content -LiteralPath $Csv
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'treats -Name on the command line as a filter over piped rows, never as their new name' {
        $results = Import-Csv $Csv | Update-PoetryCodeArtifactToken -Name row1 -PassThru -ErrorAction Stop

        $results.Name | Should -Be 'row1'
        Get-TokenRequestCount | Should -Be 1
        (Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).domain | Should -Be 'my-domain'
        Get-StoredPassword -SourceName 'row1' | Should -Match '^eyJ'
        Get-StoredPassword -SourceName 'row2' | Should -BeNullOrEmpty
    }

    It 'filters piped rows with a wildcard -Name' {
        $results = Import-Csv $Csv | Update-PoetryCodeArtifactToken -Name 'ROW*' -PassThru -ErrorAction Stop
        ($results.Name | Sort-Object) | Should -Be @('row1', 'row2')
    }

    It 'takes hashtables and plain URL strings from the pipeline' {
        $results = @(
            @{ Name = 'from-hashtable'; Url = $Id.RepositoryUrl }
            $OtherUrl
        ) | Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop

        $results.Name | Should -Be @('from-hashtable', 'team-repo')
        Get-StoredPassword -SourceName 'from-hashtable' | Should -Match '^eyJ'
        Get-StoredPassword -SourceName 'team-repo' | Should -Match '^eyJ'
    }

    It 'names a source given only by -Url after its repository' {
        (Update-PoetryCodeArtifactToken -Url $Id.RepositoryUrl -PassThru -ErrorAction Stop).Name | Should -Be 'pypi-store'
    }

    It 'never falls back to the current project when the pipeline brings nothing usable' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'project-source'; Url = $Id.RepositoryUrl } | Out-Null

        Get-CodeArtifactRepository -Name 'no-such-source' | Update-PoetryCodeArtifactToken -ErrorAction Stop
        @() | Update-PoetryCodeArtifactToken -ErrorAction Stop
        [pscustomobject]@{ Name = 'x'; Url = 'https://pypi.org/simple/' } | Update-PoetryCodeArtifactToken -ErrorAction SilentlyContinue -ErrorVariable err

        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactUrlInvalid,$UpdateId"
        Get-TokenRequestCount | Should -Be 0
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It 'reports a second source of the same name in another domain, and keeps the first' {
        $objects = @(
            [pscustomobject]@{ Name = 'dupe'; Url = $Id.RepositoryUrl }
            [pscustomobject]@{ Name = 'dupe'; Url = $OtherUrl }
        )
        $results = $objects | Update-PoetryCodeArtifactToken -PassThru -ErrorAction SilentlyContinue -ErrorVariable err

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "SourceNameDuplicate,$UpdateId"
        @($results).Count | Should -Be 1
        (Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).domain | Should -Be 'my-domain'
    }

    It 'checks domain, owner and region given directly before any request: <Case>' -TestCases @(
        @{ Case = 'domain with a space'; Domain = 'my domain'; Owner = '111122223333'; Region = 'us-west-2'; Says = 'domain name' }
        @{ Case = 'short account'; Domain = 'my-domain'; Owner = '1'; Region = 'us-west-2'; Says = '12-digit' }
        @{ Case = 'region with a space'; Domain = 'my-domain'; Owner = '111122223333'; Region = 'us west'; Says = 'region' }
    ) {
        [pscustomobject]@{ Name = 'parts'; Domain = $Domain; DomainOwner = $Owner; Region = $Region } |
            Update-PoetryCodeArtifactToken -ErrorAction SilentlyContinue -ErrorVariable err

        $err[0].FullyQualifiedErrorId | Should -Be "RepositoryPartInvalid,$UpdateId"
        $err[0].Exception.Message | Should -Match $Says
        Get-TokenRequestCount | Should -Be 0
    }

    It 'accepts domain and region in capitals and with stray spaces, as a CSV cell may hold them' {
        $result = [pscustomobject]@{ Name = 'caps'; Domain = ' MY-DOMAIN '; DomainOwner = '111122223333 '; Region = 'US-WEST-2' } |
            Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop
        $result.Action | Should -Be 'Stored'
        $result.Domain | Should -Be 'my-domain'
    }

    It 'does not take a valid token of one domain for another project''s same-named source' {
        $first = Join-Path $Sandbox.Root 'first'
        $second = Join-Path $Sandbox.Root 'second'
        New-PoetryProject -Path $first -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        New-PoetryProject -Path $second -Source @{ Name = 'codeartifact'; Url = $OtherUrl } | Out-Null

        (Update-PoetryCodeArtifactToken -Path $first -PassThru -ErrorAction Stop).Action | Should -Be 'Stored'
        (Update-PoetryCodeArtifactToken -Path $second -PassThru -ErrorAction Stop).Action | Should -Be 'Stored'
        (Update-PoetryCodeArtifactToken -Path $second -PassThru -ErrorAction Stop).Action | Should -Be 'Skipped'

        (Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).domain | Should -Be @('my-domain', 'other-domain')
    }

    It 'asks AWS nothing with -WhatIf' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null

        (Update-PoetryCodeArtifactToken -WhatIf -Force -PassThru).Action | Should -Be 'WhatIf'
        Get-TokenRequestCount | Should -Be 0
    }

    It 'finds -PoetryPath relative to PowerShell''s location, or by bare name on PATH' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null
        New-Item -ItemType Directory (Join-Path $Sandbox.Project 'bin') | Out-Null
        Set-Content -LiteralPath (Join-Path $Sandbox.Project 'bin/my-poetry') -Value "#!/bin/sh`nexec poetry `"`$@`""
        chmod +x (Join-Path $Sandbox.Project 'bin/my-poetry')
        [Environment]::CurrentDirectory = [IO.Path]::GetTempPath()

        (Update-PoetryCodeArtifactToken -PoetryPath ./bin/my-poetry -Force -PassThru -ErrorAction Stop).Action | Should -Be 'Stored'
        (Update-PoetryCodeArtifactToken -PoetryPath poetry -Force -PassThru -ErrorAction Stop).Action | Should -Be 'Stored'
    }

    It 'refuses a -PoetryPath that is not executable before fetching a token' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null
        $script = Join-Path $Sandbox.Root 'not-executable'
        Set-Content -LiteralPath $script -Value "#!/bin/sh`nexit 0"
        chmod 644 $script

        { Update-PoetryCodeArtifactToken -PoetryPath $script -ErrorAction Stop } | Should -Throw -ErrorId "PoetryNotExecutable,$UpdateId"
        Get-TokenRequestCount | Should -Be 0
    }

    It 'turns a malformed AWS config file into an error that names it, per source' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null
        Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value "[profile broken`nregion = us-west-2"

        Update-PoetryCodeArtifactToken -ProfileName broken -ErrorAction SilentlyContinue -ErrorVariable err

        $err[0].FullyQualifiedErrorId | Should -Be "AwsConfigInvalid,$UpdateId"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        ($err[0].Exception.Message + $err[0].ErrorDetails.RecommendedAction) | Should -Match ([regex]::Escape($env:AWS_CONFIG_FILE))
        # The SDK quotes the bad line with its line break; the message stays on one line and still shows it.
        $err[0].Exception.Message | Should -Not -Match '[\r\n]'
        $err[0].Exception.Message | Should -Match ([regex]::Escape('[profile broken'))
    }

    It 'says clearly when only half of an environment key pair is set' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = $Id.RepositoryUrl } | Out-Null
        Set-TestVariable -Name AWS_SECRET_ACCESS_KEY -Value $null

        Update-PoetryCodeArtifactToken -ErrorAction SilentlyContinue -ErrorVariable err

        $err[0].FullyQualifiedErrorId | Should -Be "AwsEnvironmentCredentialsIncomplete,$UpdateId"
        $err[0].Exception.Message | Should -Match 'AWS_SECRET_ACCESS_KEY is not'
    }
}

Describe 'Piping into Get-CodeArtifactRepository' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox
        $script:Csv = Join-Path $Sandbox.Root 'sources.csv'
        "Name,Url`nrow1,$($Id.RepositoryUrl)`nrow2,$OtherUrl" | Set-Content -LiteralPath $Csv
    }

    AfterEach {
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'keeps each row''s own name and filters by -Name' {
        (Import-Csv $Csv | Get-CodeArtifactRepository).Name | Should -Be @('row1', 'row2')
        (Import-Csv $Csv | Get-CodeArtifactRepository -Name row1).Name | Should -Be 'row1'
        (Import-Csv $Csv | Get-CodeArtifactRepository -Name 'row*').Name | Should -Be @('row1', 'row2')
    }

    It 'takes hashtables' {
        (@{ Name = 'h'; Url = $OtherUrl } | Get-CodeArtifactRepository).Domain | Should -Be 'other-domain'
    }

    It 'takes pyproject.toml files and project folders from Get-Item and Get-ChildItem, as -Path would' {
        $one = Join-Path $Sandbox.Root 'one'
        $two = Join-Path $Sandbox.Root 'two'
        New-PoetryProject -Path $one -Source @{ Name = 'ca-one'; Url = $Id.RepositoryUrl } | Out-Null
        New-PoetryProject -Path $two -Source @{ Name = 'ca-two'; Url = $OtherUrl }, @{ Name = 'pypi-mirror'; Url = 'https://pypi.org/simple/' } | Out-Null

        $fromFile = @(Get-Item -LiteralPath (Join-Path $one 'pyproject.toml') | Get-CodeArtifactRepository -Scope Project)
        $fromFile.Name | Should -Be 'ca-one'
        $fromFile[0].ConfigFile | Should -Be (Join-Path $one 'pyproject.toml')
        (Get-Item -LiteralPath $two | Get-CodeArtifactRepository -Scope Project).Name | Should -Be 'ca-two'

        # A monorepo: every project below a folder, filtered by -Name on the command line.
        $all = @(Get-ChildItem -LiteralPath $Sandbox.Root -Recurse -Filter pyproject.toml | Get-CodeArtifactRepository -Scope Project)
        ($all.Name | Sort-Object) | Should -Be @('ca-one', 'ca-two')
        (Get-ChildItem -LiteralPath $Sandbox.Root -Recurse -Filter pyproject.toml | Get-CodeArtifactRepository -Scope Project -Name '*two').Name |
            Should -Be 'ca-two'
    }

    It 'reports a piped object without a Url' {
        [pscustomobject]@{ Name = 'nourl' } | Get-CodeArtifactRepository -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be "RepositoryUrlMissing,$GetId"
    }
}
