# How the module behaves in the shell: manifest, output types and table views, tab completion, progress,
# error records and -WhatIf. Real files, real Poetry and the emulator over real HTTP.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:CmdletNames = @((Get-Module PoetryCaAuth).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Module = Get-Module PoetryCaAuth
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:OtherUrl = 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/'
    $script:GetId = 'PoetryCaAuth.Commands.GetCodeArtifactRepositoryCommand'
    $script:UpdateId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'

    function Get-Completion {
        # What the Tab key would offer at the end of $Line.
        param([string] $Line)
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }

    function New-PoetryLoggingShim {
        # A poetry stand-in that records each start, then runs the real Poetry.
        param([string] $Folder)
        $log = Join-Path $Folder 'poetry-starts.log'
        $shim = Join-Path $Folder 'poetry'
        Set-Content -LiteralPath $shim -Value "#!/bin/sh`necho started >> '$log'`nexec '$(Get-PoetryExecutable)' `"`$@`"`n"
        chmod +x $shim
        [pscustomobject]@{ Path = $shim; Log = $log }
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'The module manifest' {
    BeforeAll {
        $script:Manifest = Join-Path $Module.ModuleBase 'PoetryCaAuth.psd1'
        $script:Data = Import-PowerShellDataFile -LiteralPath $Manifest
    }

    It 'passes Test-ModuleManifest in the built folder without errors or warnings' {
        $info = Test-ModuleManifest -Path $Manifest -ErrorVariable errors -WarningVariable warnings -ErrorAction SilentlyContinue
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $info.Name | Should -Be 'PoetryCaAuth'
        $info.Version | Should -Be $Module.Version
    }

    It 'exports explicitly: the cmdlets by name, no functions, variables or aliases by wildcard' {
        $Data.CmdletsToExport | Should -Not -Contain '*'
        @($Data.CmdletsToExport | Sort-Object) | Should -Be @($Module.ExportedCmdlets.Keys | Sort-Object)
        $Data.FunctionsToExport | Should -BeNullOrEmpty
        $Data.VariablesToExport | Should -BeNullOrEmpty
        $Data.AliasesToExport | Should -BeNullOrEmpty
    }

    It 'has a version with release notes for it, a licence and a project page' {
        $Data.ModuleVersion | Should -Match '^\d+\.\d+\.\d+$'
        $psData = $Data.PrivateData.PSData
        $psData.LicenseUri | Should -Match '^https://'
        $psData.ProjectUri | Should -Match '^https://'
        $psData.ReleaseNotes | Should -Match ([regex]::Escape($Data.ModuleVersion))
        $changelog = Get-Content -LiteralPath (Join-Path $Module.ModuleBase 'CHANGELOG.md') -Raw
        $changelog | Should -Match "(?m)^## $([regex]::Escape($Data.ModuleVersion))\b"
        Get-Content -LiteralPath (Join-Path $Module.ModuleBase 'LICENSE') -Raw | Should -Match 'Apache License'
        Test-Path -LiteralPath (Join-Path $Module.ModuleBase 'README.md') | Should -BeTrue
    }
}

Describe '<Name> output' -ForEach $CmdletNames {
    It 'declares [OutputType] with the module''s own model types' {
        $types = @((Get-Command $Name).OutputType)
        $types.Count | Should -BeGreaterThan 0
        foreach ($type in $types) { $type.Name | Should -Match '^PoetryCaAuth\.Model\.' }
    }
}

Describe 'Table views' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'shows repositories as a table of name, domain, account, region, repository and origin' {
        $repository = Get-CodeArtifactRepository -Url $Id.RepositoryUrl -Name 'ca-main'
        $repository.PSTypeNames[0] | Should -Be 'PoetryCaAuth.Model.CodeArtifactRepository'

        $lines = @(($repository | Format-Table | Out-String -Width 200) -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Name\s+Domain\s+DomainOwner\s+Region\s+Repository\s+Origin\s*$'
        $lines[2] | Should -Match '^ca-main\s+my-domain\s+111122223333\s+us-west-2\s+pypi-store\s+Url\s*$'
        # The default view is that same table.
        ($repository | Out-String -Width 200) | Should -Match 'Name\s+Domain\s+DomainOwner\s+Region\s+Repository\s+Origin'
    }

    It 'shows refresh results as a table with when the token expires and what was done, and never the token' -Tag 'Poetry' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca-main'; Url = $Id.RepositoryUrl }
            @{ Name = 'ca-other'; Url = $OtherUrl }
        ) | Out-Null
        $results = Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop
        $token = Get-StoredPassword -SourceName 'ca-main'
        $token | Should -Match '^eyJ'

        $table = $results | Format-Table | Out-String -Width 200
        $lines = @($table -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Name\s+Domain\s+DomainOwner\s+Region\s+Expires\s+Action\s+Target\s*$'
        $expires = $results[0].Expiration.ToLocalTime().ToString('yyyy-MM-dd HH:mm')
        $lines[2] | Should -Match ('^ca-main\s+my-domain\s+111122223333\s+us-west-2\s+' + [regex]::Escape($expires) + '\s+Stored\s+Poetry\s*$')
        $lines[3] | Should -Match '^ca-other\s+other-domain\s+444455556666\s+eu-west-1\s+.+\s+Stored\s+Poetry\s*$'

        # No view, default or full, holds a secret: not the token, not the secret key.
        $everything = ($results | Out-String -Width 400) + ($results | Format-List * | Out-String -Width 400) + $table
        $everything | Should -Not -Match ([regex]::Escape($token))
        $everything | Should -Not -Match ([regex]::Escape($Id.SecretAccessKey))
    }
}

Describe 'Tab completion' {
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

    It 'completes -ProfileName from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, without sso-session sections' {
        Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value "[default]`nregion = us-west-2`n[profile dev]`nsso_session = corp`n[sso-session corp]`n[profile team admin]`n"
        Set-Content -LiteralPath $env:AWS_SHARED_CREDENTIALS_FILE -Value "[ci-deploy]`naws_access_key_id = AKIAEXAMPLE`n[dev]`n"

        $all = Get-Completion 'Update-PoetryCodeArtifactToken -ProfileName '
        $all.CompletionText | Should -Be @('ci-deploy', 'default', 'dev', "'team admin'")
        $all.ListItemText | Should -Not -Contain 'corp'
        ($all | Where-Object CompletionText -EQ 'ci-deploy').ToolTip | Should -Match ([regex]::Escape($env:AWS_SHARED_CREDENTIALS_FILE))

        (Get-Completion 'Update-PoetryCodeArtifactToken -ProfileName d').CompletionText | Should -Be @('default', 'dev')
        (Get-Completion 'Update-PoetryCodeArtifactToken -AWSProfileName C').CompletionText | Should -Be @('ci-deploy')
        (Get-Completion "Update-PoetryCodeArtifactToken -ProfileName 'te").CompletionText | Should -Be @("'team admin'")
    }

    It 'completes -ProfileName from the default ~/.aws files when the variables are not set' {
        $env:HOME = $Sandbox.Home
        Set-TestVariable -Name AWS_CONFIG_FILE -Value $null
        Set-TestVariable -Name AWS_SHARED_CREDENTIALS_FILE -Value $null
        New-Item -ItemType Directory -Force (Join-Path $Sandbox.Home '.aws') | Out-Null
        Set-Content -LiteralPath (Join-Path $Sandbox.Home '.aws/config') -Value "[profile from-home]`n"
        try {
            (Get-Completion 'Update-PoetryCodeArtifactToken -ProfileName ').CompletionText | Should -Be @('from-home')
        }
        finally {
            $env:HOME = [Environment]::GetFolderPath('UserProfile')
        }
    }

    It 'completes -Name with the current project''s CodeArtifact sources, for both cmdlets' {
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'team-main'; Url = $Id.RepositoryUrl }
            @{ Name = 'team-mirror'; Url = $OtherUrl }
            @{ Name = 'pypi-proxy'; Url = 'https://pypi.example.com/simple/' }
        ) | Out-Null

        (Get-Completion 'Get-CodeArtifactRepository -Name ').CompletionText | Should -Be @('team-main', 'team-mirror')
        (Get-Completion 'Update-PoetryCodeArtifactToken -Name team-mi').CompletionText | Should -Be @('team-mirror')
        (Get-Completion 'Update-PoetryCodeArtifactToken -Name x').Count | Should -Be 0
        # In a list, names already given are not offered again.
        (Get-Completion 'Get-CodeArtifactRepository -Name team-main,').CompletionText | Should -Be @('team-mirror')
        (Get-Completion 'Update-PoetryCodeArtifactToken -Name team-mirror,team-m').CompletionText | Should -Be @('team-main')
        (Get-Completion 'Update-PoetryCodeArtifactToken -Name team-main').CompletionText | Should -Be @('team-main')
    }

    It 'completes -Name with the sources of the project that -Path names' {
        $other = Join-Path $Sandbox.Root 'other-project'
        New-PoetryProject -Path $other -Source @{ Name = 'elsewhere'; Url = $Id.RepositoryUrl } | Out-Null
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'here'; Url = $Id.RepositoryUrl } | Out-Null

        (Get-Completion "Get-CodeArtifactRepository -Path '$other' -Name ").CompletionText | Should -Be @('elsewhere')
        (Get-Completion 'Get-CodeArtifactRepository -Path ../other-project -Name ').CompletionText | Should -Be @('elsewhere')
    }

    It 'offers nothing, and does not fail, for a malformed pyproject.toml' {
        Set-Content -LiteralPath (Join-Path $Sandbox.Project 'pyproject.toml') -Value "[tool.poetry`nname = "
        (Get-Completion 'Get-CodeArtifactRepository -Name ').Count | Should -Be 0
    }
}

Describe 'Progress' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
    }

    AfterEach {
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'reports progress while <Count> sources are refreshed' -Tag 'Poetry' -TestCases @(
        @{ Count = 2; Expected = $true }
        @{ Count = 1; Expected = $false }
    ) {
        $sources = @(@{ Name = 'first'; Url = $Id.RepositoryUrl }, @{ Name = 'second'; Url = $OtherUrl })[0..($Count - 1)]
        New-PoetryProject -Path $Sandbox.Project -Source $sources | Out-Null

        # A separate runspace of this process collects every progress record in Streams.Progress, as a host would.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($module, $project) Import-Module $module; Update-PoetryCodeArtifactToken -Path $project -PassThru').
                AddArgument((Join-Path $Module.ModuleBase 'PoetryCaAuth.psd1')).AddArgument($Sandbox.Project)
            $results = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            @($results).Count | Should -Be $Count
            $progress = @($ps.Streams.Progress)
        }
        finally { $ps.Dispose() }

        if (-not $Expected) {
            $progress.Count | Should -Be 0 -Because 'one source needs no progress bar'
            return
        }
        $progress.Count | Should -BeGreaterOrEqual 3
        $progress.Activity | Select-Object -Unique | Should -Be 'Updating CodeArtifact tokens for Poetry'
        $progress[0].StatusDescription | Should -Match 'Requesting 2 CodeArtifact token'
        $progress.StatusDescription | Should -Contain "Source 'first'"
        $progress.StatusDescription | Should -Contain "Source 'second'"
        $percent = @($progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object PercentComplete)
        $percent | Should -Be ($percent | Sort-Object) -Because 'the bar only moves forward'
        $progress[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Error records' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'PathNotFound: ObjectNotFound, the path as target, and what to do' {
        $missing = Join-Path $Sandbox.Root 'no-such-project'
        $err = { Get-CodeArtifactRepository -Path $missing } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "PathNotFound,$GetId"
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be $missing
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'PathNotFileSystem: InvalidArgument for a path on another provider' {
        $err = { Get-CodeArtifactRepository -Path 'Env:\' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "PathNotFileSystem,$GetId"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'TomlFileInvalid: InvalidData with the file as target and its line' {
        $file = Join-Path $Sandbox.Project 'pyproject.toml'
        Set-Content -LiteralPath $file -Value "[tool.poetry]`nname = `"x`"`n[[tool.poetry.source]]`nname = `n"
        $err = { Update-PoetryCodeArtifactToken } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "TomlFileInvalid,$UpdateId"
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.TargetObject | Should -Be $file
        $err.Exception.Message | Should -Match 'line 4'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Fix the TOML syntax'
    }

    It 'AwsProfileNotFound: non-terminating, ObjectNotFound, the source as target, how to create the profile' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null

        Update-PoetryCodeArtifactToken -ProfileName 'no-such-profile' -ErrorAction SilentlyContinue -ErrorVariable err

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "AwsProfileNotFound,$UpdateId"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject.Name | Should -Be 'codeartifact'
        $err[0].TargetObject.PSTypeNames[0] | Should -Be 'PoetryCaAuth.Model.CodeArtifactRepository'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'aws configure'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 0
    }

    It 'CodeArtifactUrlInvalid: a piped URL that is not CodeArtifact, named by its source' {
        $err = $null
        [pscustomobject]@{ Name = 'not-ca'; Url = 'https://pypi.example.com/simple/' } |
            Update-PoetryCodeArtifactToken -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -Be "CodeArtifactUrlInvalid,$UpdateId"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be 'not-ca'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'codeartifact'
    }

    It 'can be caught by type in try/catch with -ErrorAction Stop' {
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        $caught = $null
        try { Update-PoetryCodeArtifactToken -ProfileName 'no-such-profile' -ErrorAction Stop }
        catch [System.Management.Automation.ActionPreferenceStopException], [System.Exception] { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be "AwsProfileNotFound,$UpdateId"
        $caught.Exception.GetType().FullName | Should -Be 'PoetryCaAuth.PoetryCaAuthException'
    }
}

Describe '-WhatIf and -Confirm' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        Push-Location $script:Sandbox.Project
        New-PoetryProject -Path $Sandbox.Project -Source @(
            @{ Name = 'ca-main'; Url = $Id.RepositoryUrl }
            @{ Name = 'ca-other'; Url = $OtherUrl }
        ) | Out-Null
        $script:Shim = New-PoetryLoggingShim -Folder $Sandbox.Root
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It '-WhatIf writes nothing and never starts Poetry' {
        $before = @(Get-ChildItem -LiteralPath $env:POETRY_CONFIG_DIR -Recurse -Force)

        $results = Update-PoetryCodeArtifactToken -PoetryPath $Shim.Path -WhatIf -PassThru

        $results.Action | Should -Be @('WhatIf', 'WhatIf')
        Test-Path -LiteralPath $Shim.Log | Should -BeFalse -Because 'starting poetry config would write'
        @(Get-ChildItem -LiteralPath $env:POETRY_CONFIG_DIR -Recurse -Force).FullName | Should -Be $before.FullName
        Test-Path (Get-PoetryAuthFile) | Should -BeFalse
    }

    It '$WhatIfPreference is honoured like -WhatIf' {
        $WhatIfPreference = $true
        try { $results = Update-PoetryCodeArtifactToken -PoetryPath $Shim.Path -PassThru }
        finally { $WhatIfPreference = $false }

        $results.Action | Should -Be @('WhatIf', 'WhatIf')
        Test-Path -LiteralPath $Shim.Log | Should -BeFalse
    }

    It '-Confirm:$false under $ConfirmPreference = Low still stores without asking' -Tag 'Poetry' {
        $ConfirmPreference = 'Low'
        try { $results = Update-PoetryCodeArtifactToken -PoetryPath $Shim.Path -Confirm:$false -PassThru }
        finally { $ConfirmPreference = 'High' }

        $results.Action | Should -Be @('Stored', 'Stored')
        @(Get-Content -LiteralPath $Shim.Log).Count | Should -Be 2
        Get-StoredPassword -SourceName 'ca-other' | Should -Match '^eyJ'
    }
}
