# Loads the cmdlets. On PowerShell 7 they live in a private AssemblyLoadContext so our AWSSDK can sit
# beside another version loaded by AWS.Tools; Windows PowerShell 5.1 loads them directly.
# This runs in every shell whose profile imports the module, so it avoids what is slow at start-up
# (bench/results.md): no cmdlet that would auto-load another module (Join-Path loads
# Microsoft.PowerShell.Management), and no lookup of a type name that is not loaded yet (-as [type]
# on a miss searches every assembly).
$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')

if ($PSEdition -eq 'Core') {
    # The loader is loaded once per process; a re-import (-Force, or another copy of the module) reuses it.
    $loader = [System.AppDomain]::CurrentDomain.GetData('PoetryCaAuth.Loader')
    if (-not $loader) {
        $loader = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'loader', 'PoetryCaAuth.Loader.dll'))
        [System.AppDomain]::CurrentDomain.SetData('PoetryCaAuth.Loader', $loader)
    }
    $cmdletAssembly = $loader.GetType('PoetryCaAuth.Loader.LoadContext').GetMethod('Initialize').Invoke($null, [object[]]@([string]$binPath))
}
else {
    $cmdletAssembly = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($binPath, 'PoetryCaAuth.dll'))
}

$innerModule = Import-Module -Assembly $cmdletAssembly -PassThru -DisableNameChecking

# Import-Module -Assembly makes a nested module whose cmdlets would not be exported on a re-import with
# -Force (PowerShell issue #20710); adding them to this module's exports directly avoids that.
# 36 = [System.Reflection.BindingFlags]'Instance, NonPublic', without parsing the string at every start.
$addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]36)
foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
    $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
}
