# Install by name: the built module is published to a local folder repository, installed by name with
# PSResourceGet (Install-PSResource) and with PowerShellGet 2 (Install-Module), imported by name in a fresh
# `pwsh -NoProfile` and used against the emulator. Each step runs in a child pwsh whose HOME and XDG folders
# are throw-away, so the user's repositories and modules are never touched, and whose HTTP(S) proxy is a closed
# port, so any attempt to reach the internet (a NuGet provider download, PSGallery) fails the test.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'helpers/ChildPwsh.psm1') -Force -DisableNameChecking
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $built = if ($env:POETRYCAAUTH_TEST_MODULE) { $env:POETRYCAAUTH_TEST_MODULE } else { Join-Path $script:RepoRoot 'output/PoetryCaAuth' }
    $script:Version = (Get-Module PoetryCaAuth).Version.ToString()
    $script:BuiltVersionFolder = Join-Path $built $script:Version

    $script:Root = Join-Path ([IO.Path]::GetTempPath()) ('pca-install-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $script:Repository = New-Item -ItemType Directory -Force (Join-Path $script:Root 'repository')

    function New-IsolatedHome {
        # A home whose PowerShell module, repository and cache folders are all inside it. The XDG folders must
        # exist: .NET answers an empty path for a missing one, and PSResourceGet would then write to the cwd.
        param([string] $Name)
        $folder = Join-Path $script:Root $Name
        $variables = @{
            HOME            = $folder
            XDG_DATA_HOME   = Join-Path $folder '.local/share'
            XDG_CONFIG_HOME = Join-Path $folder '.config'
            XDG_CACHE_HOME  = Join-Path $folder '.cache'
            PSModulePath    = $null
        }
        foreach ($dir in $variables.XDG_DATA_HOME, $variables.XDG_CONFIG_HOME, $variables.XDG_CACHE_HOME) { New-Item -ItemType Directory -Force $dir | Out-Null }
        $variables
    }

    function Get-OfflineEnvironment {
        # Nothing listens on 127.0.0.1:9: every HTTP(S) request through the proxy fails at once.
        param([hashtable] $Environment)
        $offline = $Environment.Clone()
        foreach ($name in 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy') { $offline[$name] = 'http://127.0.0.1:9' }
        $offline['NO_PROXY'] = $null
        $offline['no_proxy'] = $null
        $offline
    }

    $script:PsrHome = New-IsolatedHome -Name 'psresourceget-home'
    $script:PsGetHome = New-IsolatedHome -Name 'powershellget-home'
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
    if ($script:Root) { Remove-Item -LiteralPath $script:Root -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Installing PoetryCaAuth by name from a PowerShell repository' {
    It 'publishes the built module to a local folder repository with Publish-PSResource' {
        $run = Invoke-ChildPwsh -Environment (Get-OfflineEnvironment $PsrHome) -TimeoutSeconds 300 -Script @"
Register-PSResourceRepository -Name PcaTest -Uri '$Repository' -Trusted
Publish-PSResource -Path '$BuiltVersionFolder' -Repository PcaTest
`$found = Find-PSResource -Name PoetryCaAuth -Repository PcaTest
`$Result = [pscustomobject]@{ Name = `$found.Name; Version = `$found.Version.ToString(); Repositories = @(Get-PSResourceRepository | ForEach-Object Name) }
"@
        Assert-ChildSucceeded $run 'Publishing'
        $run.Result.Name | Should -Be 'PoetryCaAuth'
        $run.Result.Version | Should -Be $Version
        Test-Path -LiteralPath (Join-Path $Repository "PoetryCaAuth.$Version.nupkg") | Should -BeTrue
        # The repository was registered in the throw-away home, not in the user's.
        Test-Path -LiteralPath (Join-Path $PsrHome.XDG_DATA_HOME 'PSResourceGet/PSResourceRepository.xml') | Should -BeTrue
    }

    It 'installs it by name with Install-PSResource' {
        $run = Invoke-ChildPwsh -Environment (Get-OfflineEnvironment $PsrHome) -TimeoutSeconds 300 -Script @"
Install-PSResource -Name PoetryCaAuth -Repository PcaTest -Scope CurrentUser -TrustRepository -WarningVariable w
`$installed = Get-InstalledPSResource -Name PoetryCaAuth
`$Result = [pscustomobject]@{ Version = `$installed.Version.ToString(); Location = `$installed.InstalledLocation; Warnings = @(`$w | ForEach-Object { "`$_" }) }
"@
        Assert-ChildSucceeded $run 'Install-PSResource'
        $run.Result.Version | Should -Be $Version
        $run.Result.Location | Should -BeLike "$($PsrHome.HOME)*"
        $run.Result.Warnings | Should -BeNullOrEmpty
    }

    It 'installs it by name with Install-Module (PowerShellGet 2), offline, without a NuGet provider download' {
        $run = Invoke-ChildPwsh -Environment (Get-OfflineEnvironment $PsGetHome) -TimeoutSeconds 300 -Script @"
Import-Module PowerShellGet -MaximumVersion 2.99 -Force
Register-PSRepository -Name PcaTest -SourceLocation '$Repository' -InstallationPolicy Trusted
Install-Module -Name PoetryCaAuth -Repository PcaTest -Scope CurrentUser -WarningVariable w
`$installed = Get-InstalledModule -Name PoetryCaAuth
`$Result = [pscustomobject]@{
    Version = `$installed.Version.ToString(); Location = `$installed.InstalledLocation; Warnings = @(`$w | ForEach-Object { "`$_" })
    PowerShellGet = (Get-Module PowerShellGet).Version.ToString()
}
"@
        Assert-ChildSucceeded $run 'Install-Module'
        $run.Result.PowerShellGet | Should -BeLike '2.*'
        $run.Result.Version | Should -Be $Version
        $run.Result.Location | Should -BeLike "$($PsGetHome.HOME)*"
        $run.Result.Warnings | Should -BeNullOrEmpty
    }

    Context 'imported by name in a fresh pwsh -NoProfile (<Installer>)' -ForEach @(
        @{ Installer = 'Install-PSResource'; HomeName = 'PsrHome' }
        @{ Installer = 'Install-Module'; HomeName = 'PsGetHome' }
    ) {
        BeforeEach {
            Save-TestEnvironment
            $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
            Reset-CodeArtifactEmulator -Emulator $script:Emulator
        }

        AfterEach {
            Restore-TestEnvironment
            Remove-TestSandbox $script:Sandbox
        }

        It 'refreshes a token with Update-PoetryCodeArtifactToken against the emulator' -Tag 'Poetry' {
            New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'installed'; Url = $Id.RepositoryUrl } | Out-Null
            $isolated = (Get-Variable -Name $HomeName -ValueOnly)

            # The child inherits the sandbox (AWS keys, emulator endpoint, Poetry folders) plus the isolated home.
            $run = Invoke-ChildPwsh -Environment $isolated -WorkingDirectory $Sandbox.Project -TimeoutSeconds 300 -Script @'
Import-Module PoetryCaAuth
$module = Get-Module PoetryCaAuth
$refresh = Update-PoetryCodeArtifactToken -PassThru
$Result = [pscustomobject]@{
    ModuleBase = $module.ModuleBase; Version = $module.Version.ToString(); Action = "$($refresh.Action)"; Name = $refresh.Name
    HelpSynopsis = (Get-Help Update-PoetryCodeArtifactToken).Synopsis
}
'@
            Assert-ChildSucceeded $run "Import-Module PoetryCaAuth after $Installer"
            $run.Result.ModuleBase | Should -BeLike "$($isolated.HOME)*" -Because 'the module comes from the installation, not from output/'
            $run.Result.Version | Should -Be $Version
            $run.Result.Name | Should -Be 'installed'
            $run.Result.Action | Should -Be 'Stored'
            $run.Result.HelpSynopsis | Should -Match 'CodeArtifact authorization tokens'
            Get-StoredPassword -SourceName 'installed' | Should -Match '^eyJ'
            @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 1
        }
    }
}
