# Loads the cmdlets. On PowerShell 7 they live in a private AssemblyLoadContext so our AWSSDK can sit
# beside another version loaded by AWS.Tools; Windows PowerShell 5.1 loads them directly.
$binPath = Join-Path $PSScriptRoot 'bin'

if ($PSEdition -eq 'Core') {
    if (-not ('PoetryCaAuth.Loader.LoadContext' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'loader/PoetryCaAuth.Loader.dll')
    }
    $cmdletAssembly = [PoetryCaAuth.Loader.LoadContext]::Initialize($binPath)
}
else {
    $cmdletAssembly = [System.Reflection.Assembly]::LoadFrom((Join-Path $binPath 'PoetryCaAuth.dll'))
}

$innerModule = Import-Module -Assembly $cmdletAssembly -PassThru -DisableNameChecking

# Import-Module -Assembly makes a nested module whose cmdlets would not be exported on a re-import with
# -Force (PowerShell issue #20710); adding them to this module's exports directly avoids that.
$addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
    'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
    $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
}
