# PoetryCaAuth beside another AWS module in one PowerShell 7 session, in both load orders. The other module is
# a stand-in for AWS.Tools / AWSPowerShell.NetCore built the same way they are: a manifest whose
# RequiredAssemblies loads AWSSDK.Core 3.7 (assembly version 3.3.0.0) into the default load context. Each order
# runs in its own fresh `pwsh -NoProfile`, so the order is real; both modules are USED in it, before and after
# the other one loads: our refresh reaches the emulator, theirs signs nothing but builds credentials, resolves a
# region and calls an SDK utility, all through AWSSDK.Core 3.7 types named from script.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot 'helpers/ChildPwsh.psm1') -Force -DisableNameChecking
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:ModuleManifest = Join-Path (Get-Module PoetryCaAuth).ModuleBase 'PoetryCaAuth.psd1'

    # tools/pester/PesterRestore.csproj downloads AWSSDK.Core 3.7.402 next to Pester (build.ps1 Test restores it).
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $script:OtherSdk = Join-Path $packages 'awssdk.core/3.7.402/lib/netstandard2.0/AWSSDK.Core.dll'
    if (-not (Test-Path -LiteralPath $script:OtherSdk)) {
        throw "AWSSDK.Core 3.7.402 is not in the NuGet cache ($script:OtherSdk): run 'dotnet restore tools/pester/PesterRestore.csproj'."
    }

    $script:Root = Join-Path ([IO.Path]::GetTempPath()) ('pca-isolation-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $other = New-Item -ItemType Directory -Force (Join-Path $script:Root 'OtherAwsModule/3.7.402')
    Copy-Item -LiteralPath $script:OtherSdk -Destination $other
    Set-Content -LiteralPath (Join-Path $other 'OtherAwsModule.psd1') -Value @'
@{
    RootModule = 'OtherAwsModule.psm1'; ModuleVersion = '3.7.402'; GUID = 'a8d0f3e1-5c2b-4e7a-9f61-2b3c4d5e6f70'
    RequiredAssemblies = @('AWSSDK.Core.dll'); FunctionsToExport = @('Test-OtherAwsSdk'); CmdletsToExport = @()
}
'@
    Set-Content -LiteralPath (Join-Path $other 'OtherAwsModule.psm1') -Value @'
function Test-OtherAwsSdk {
    $credentials = [Amazon.Runtime.BasicAWSCredentials]::new('AKIDOTHERMODULE00001', 'other-module-secret')
    $assembly = $credentials.GetType().Assembly
    [pscustomobject]@{
        AccessKey   = $credentials.GetCredentials().AccessKey
        Version     = $assembly.GetName().Version.ToString()
        FileVersion = $assembly.GetCustomAttributes([Reflection.AssemblyFileVersionAttribute], $false)[0].Version
        Region      = [Amazon.RegionEndpoint]::GetBySystemName('eu-west-1').SystemName
        Encoded     = [Amazon.Util.AWSSDKUtils]::UrlEncode('a b/c', $false)
    }
}
'@
    $script:OtherManifest = Join-Path $other 'OtherAwsModule.psd1'

    # Reported by the child after both modules have been used: where each AWSSDK.Core and our assemblies live.
    $script:Inventory = @'
$alc = [System.Runtime.Loader.AssemblyLoadContext]
$loaded = [AppDomain]::CurrentDomain.GetAssemblies()
$sdks = @($loaded | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } | ForEach-Object {
    [pscustomobject]@{
        Version = $_.GetName().Version.ToString(); Context = $alc::GetLoadContext($_).Name; Location = $_.Location
        FileVersion = $_.GetCustomAttributes([Reflection.AssemblyFileVersionAttribute], $false)[0].Version
    } })
$oursInDefault = @($loaded | Where-Object { $alc::GetLoadContext($_) -eq $alc::Default } |
    Where-Object { $_.GetName().Name -match '^(PoetryCaAuth\.Core|Tomlyn|AWSSDK\.(?!Core$).*)$' } | ForEach-Object { $_.GetName().Name })
$engineContexts = @($loaded | Where-Object { $_.GetName().Name -in 'PoetryCaAuth.Core', 'Tomlyn' } | ForEach-Object { $alc::GetLoadContext($_).Name })
'@

    function Assert-BothSdksWork {
        param($Result)
        foreach ($use in $Result.OtherBefore, $Result.OtherAfter) {
            # Script in the session still names and uses the other module's SDK, never ours.
            $use.AccessKey | Should -Be 'AKIDOTHERMODULE00001'
            $use.Version | Should -Be '3.3.0.0'
            $use.FileVersion | Should -Be '3.7.402.0'
            $use.Region | Should -Be 'eu-west-1'
            $use.Encoded | Should -Be 'a%20b%2Fc'
        }
        # Two copies side by side: theirs in the default context, ours (4.x) in PoetryCaAuth's private one.
        $sdks = @($Result.Sdks)
        $sdks.Count | Should -Be 2
        $theirs = $sdks | Where-Object Version -EQ '3.3.0.0'
        $ours = $sdks | Where-Object Version -Like '4.*'
        $theirs.Context | Should -Be 'Default'
        $theirs.Location | Should -BeLike '*OtherAwsModule*'
        $ours.Context | Should -Be 'PoetryCaAuth'
        $ours.Location | Should -BeLike "$((Get-Module PoetryCaAuth).ModuleBase)*"
        # The engine and every third-party assembly sit in the private context; only our thin assemblies with
        # no third-party references (the cmdlets, the bootstrap, the loader) are in the default one.
        @($Result.OursInDefault) | Should -BeNullOrEmpty
        @($Result.EngineContexts) | Should -Be @('PoetryCaAuth', 'PoetryCaAuth')
    }

}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
    if ($script:Root) { Remove-Item -LiteralPath $script:Root -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'PoetryCaAuth beside another AWSSDK.Core in one PowerShell 7 session' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $script:Emulator
        Reset-CodeArtifactEmulator -Emulator $script:Emulator
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'isolated'; Url = $Id.RepositoryUrl } | Out-Null
    }

    AfterEach {
        Restore-TestEnvironment
        Remove-TestSandbox $script:Sandbox
    }

    It 'refreshes a token when AWSSDK.Core 3.7 was loaded first, and the other module keeps working' -Tag 'Poetry' {
        $run = Invoke-ChildPwsh -WorkingDirectory $Sandbox.Project -TimeoutSeconds 240 -Script @"
Import-Module '$OtherManifest'
`$otherBefore = Test-OtherAwsSdk
Import-Module '$ModuleManifest'
`$refresh = Update-PoetryCodeArtifactToken -PassThru
`$otherAfter = Test-OtherAwsSdk
$Inventory
`$Result = [pscustomobject]@{ OtherBefore = `$otherBefore; OtherAfter = `$otherAfter; Action = "`$(`$refresh.Action)"; Sdks = `$sdks; OursInDefault = `$oursInDefault; EngineContexts = `$engineContexts }
"@
        Assert-ChildSucceeded $run 'Other module first, then PoetryCaAuth'
        Assert-BothSdksWork $run.Result
        $run.Result.Action | Should -Be 'Stored'
        Get-StoredPassword -SourceName 'isolated' | Should -Match '^eyJ'
    }

    It 'keeps working when AWSSDK.Core 3.7 is loaded after it, and the other module works too' -Tag 'Poetry' {
        $run = Invoke-ChildPwsh -WorkingDirectory $Sandbox.Project -TimeoutSeconds 240 -Script @"
Import-Module '$ModuleManifest'
`$first = Update-PoetryCodeArtifactToken -PassThru
Import-Module '$OtherManifest'
`$otherBefore = Test-OtherAwsSdk
`$second = Update-PoetryCodeArtifactToken -PassThru -Force
`$otherAfter = Test-OtherAwsSdk
$Inventory
`$Result = [pscustomobject]@{
    OtherBefore = `$otherBefore; OtherAfter = `$otherAfter; Action = "`$(`$first.Action),`$(`$second.Action)"; Sdks = `$sdks; OursInDefault = `$oursInDefault; EngineContexts = `$engineContexts
}
"@
        Assert-ChildSucceeded $run 'PoetryCaAuth first, then the other module'
        Assert-BothSdksWork $run.Result
        $run.Result.Action | Should -Be 'Stored,Stored'
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation GetAuthorizationToken).Count | Should -Be 2
    }
}

