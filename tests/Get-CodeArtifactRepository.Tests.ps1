# Discovery through the cmdlet: real files, PowerShell's own location and providers.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:CmdletId = 'PoetryCaAuth.Commands.GetCodeArtifactRepositoryCommand'
    $script:CaUrl = 'https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/'
    $script:OtherUrl = 'https://team-2-a-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/'
}

Describe 'Get-CodeArtifactRepository' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox
        Push-Location $script:Sandbox.Project
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'emits one object per CodeArtifact source and passes over the others verbosely' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca'; Url = $CaUrl }
            @{ Name = 'pypi-mirror'; Url = 'https://pypi.example.com/simple/' }
            @{ Name = 'team'; Url = $OtherUrl }
        ) | Out-Null

        $verbose = $null
        $repos = Get-CodeArtifactRepository -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String

        $repos.Count | Should -Be 2
        $repos[0].PSTypeNames[0] | Should -Be 'PoetryCaAuth.Model.CodeArtifactRepository'
        $repos[0].Name | Should -Be 'ca'
        $repos[0].Domain | Should -Be 'my-domain'
        $repos[0].DomainOwner | Should -Be '111122223333'
        $repos[0].Region | Should -Be 'us-west-2'
        $repos[0].Repository | Should -Be 'pypi-store'
        $repos[0].Origin | Should -Be 'PyProject'
        $repos[0].ConfigFile | Should -Be (Join-Path $Sandbox.Project 'pyproject.toml')
        $repos[1].Domain | Should -Be 'team-2-a'
        $verbose | Should -Match "Passing over source 'pypi-mirror'"
    }

    It 'takes a pyproject.toml file or a folder with -Path' {
        $file = New-PoetryProject -Path (Join-Path $Sandbox.Root 'elsewhere') -Source @{ Name = 'ca'; Url = $CaUrl }
        (Get-CodeArtifactRepository -Path $file).Name | Should -Be 'ca'
        (Get-CodeArtifactRepository -Path (Split-Path $file)).Name | Should -Be 'ca'
    }

    It 'filters by -Name with wildcards' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca-one'; Url = $CaUrl }
            @{ Name = 'other'; Url = $OtherUrl }
        ) | Out-Null
        (Get-CodeArtifactRepository -Name 'CA-*').Name | Should -Be 'ca-one'
    }

    It 'parses URLs from the pipeline, naming them after the repository' {
        $repos = $CaUrl, 'https://pypi.org/simple/', $OtherUrl | Get-CodeArtifactRepository
        $repos.Name | Should -Be @('pypi-store', 'team-repo')
        $repos.Origin | Should -Be @('Url', 'Url')
    }

    It 'keeps the name of a piped object that has Name and Url' {
        $repo = [pscustomobject]@{ Name = 'from-csv'; Url = $CaUrl } | Get-CodeArtifactRepository
        $repo.Name | Should -Be 'from-csv'
        $repo.Domain | Should -Be 'my-domain'
    }

    It 'merges Poetry''s global repositories, the project winning by name' {
        Set-Content -LiteralPath (Join-Path $env:POETRY_CONFIG_DIR 'config.toml') -Value @"
[repositories.shared]
url = "$OtherUrl"

[repositories.global-only]
url = "$OtherUrl"
"@
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'shared'; Url = $CaUrl } | Out-Null

        $repos = Get-CodeArtifactRepository
        $repos.Name | Should -Be @('shared', 'global-only')
        $repos[0].Domain | Should -Be 'my-domain'
        $repos[0].Origin | Should -Be 'PyProject'
        $repos[1].Origin | Should -Be 'PoetryGlobalConfig'
        @(Get-CodeArtifactRepository -Scope Project).Name | Should -Be @('shared')
    }

    It 'warns about a password inside a source URL and never shows it' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'ca'; Url = 'https://aws:s3cretPassw0rd@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/' } | Out-Null
        $repo = Get-CodeArtifactRepository -WarningVariable warnings -WarningAction SilentlyContinue
        $repo.Domain | Should -Be 'my-domain'
        $repo.Url | Should -Not -Match 's3cretPassw0rd'
        ($warnings | Out-String) | Should -Match 'poetry.lock'
        ($warnings | Out-String) | Should -Not -Match 's3cretPassw0rd'
    }

    It 'names the file and line of malformed TOML' {
        Set-Content -LiteralPath (Join-Path $Sandbox.Project 'pyproject.toml') -Value "[tool.poetry]`nname = `"x`"`n[[tool.poetry.source]]`nname = `"broken`nurl = 1"
        { Get-CodeArtifactRepository -ErrorAction Stop } | Should -Throw -ErrorId "TomlFileInvalid,$CmdletId"
        $err = $null
        try { Get-CodeArtifactRepository -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match ([regex]::Escape((Join-Path $Sandbox.Project 'pyproject.toml')))
        $err.Exception.Message | Should -Match 'line 4'
    }

    It 'refuses a path that is not on the file system' {
        { Get-CodeArtifactRepository -Path 'Env:\PATH' -ErrorAction Stop } | Should -Throw -ErrorId "PathNotFileSystem,$CmdletId"
    }

    It 'reports a path that does not exist' {
        { Get-CodeArtifactRepository -Path (Join-Path $Sandbox.Root 'missing') -ErrorAction Stop } | Should -Throw -ErrorId "PathNotFound,$CmdletId"
    }

    It 'returns nothing, quietly, where there is no project and no global config' {
        Set-Location $Sandbox.Home
        @(Get-CodeArtifactRepository -ErrorAction Stop -WarningVariable warnings).Count | Should -Be 0
        $warnings.Count | Should -Be 0
    }
}
