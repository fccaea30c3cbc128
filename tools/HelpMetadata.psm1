# The parameter facts that cmdlet help states, read from a loaded cmdlet, in the words platyPS uses in its
# markdown yaml blocks. Shared by tools/New-MarkdownHelpStub.ps1 (writes them) and tests/Help.Tests.ps1
# (checks the markdown and the compiled help still agree with the cmdlet).
# Hidden parameters ([Parameter(DontShow = $true)] in every set they belong to) are plumbing, not part of what
# the cmdlet promises: they are left out everywhere here, as platyPS does with -ExcludeDontShow.
Set-StrictMode -Version 3.0

# Parameters every cmdlet has; their help comes from PowerShell (about_CommonParameters), not from us.
$script:CommonParameters = @([System.Management.Automation.Cmdlet]::CommonParameters)

function Get-HelpTypeName {
    param([Parameter(Mandatory)] [type] $Type)
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { $Type = $nullable }
    if ($Type.IsArray) { return (Get-HelpTypeName $Type.GetElementType()) + '[]' }
    # Short names for System types (as platyPS writes them); full names for ours, which users look up.
    if ($Type.Namespace -eq 'System') { return $Type.Name }
    return $Type.FullName
}

function Test-HelpHiddenParameter {
    <#
    .SYNOPSIS
        Whether a parameter is hidden from help: every ParameterAttribute it has says DontShow. A parameter
        hidden in one set but shown in another stays documented.
    #>
    param([Parameter(Mandatory)] $Parameter)   # ParameterMetadata or CommandParameterInfo: both have Attributes
    $declared = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    $declared.Count -gt 0 -and @($declared | Where-Object { -not $_.DontShow }).Count -eq 0
}

function Get-HelpSetParameter {
    <#
    .SYNOPSIS
        The parameters (CommandParameterInfo) that help documents in one parameter set: no common parameters, and
        no hidden ones, judged over all of the parameter's sets exactly as Get-CmdletParameterHelpFact does.
    #>
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command,
        [Parameter(Mandatory)] [System.Management.Automation.CommandParameterSetInfo] $ParameterSet
    )
    @($ParameterSet.Parameters | Where-Object {
            $_.Name -notin $script:CommonParameters -and -not (Test-HelpHiddenParameter $Command.Parameters[$_.Name])
        })
}

function Get-CmdletParameterHelpFact {
    <#
    .SYNOPSIS
        One object per documented parameter and parameter set: Name, Type, ParameterSet, Aliases, Required,
        Position, PipelineInput, Wildcards, EnumValues. Common parameters are left out; WhatIf and Confirm
        are kept, because they are part of what the cmdlet promises. Hidden (DontShow) parameters are left out.
    #>
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $sets = @($Command.ParameterSets | ForEach-Object Name)
    foreach ($parameter in $Command.Parameters.Values) {
        if ($parameter.Name -in $script:CommonParameters) { continue }
        if (Test-HelpHiddenParameter $parameter) { continue }
        $type = $parameter.ParameterType
        $enumType = [Nullable]::GetUnderlyingType($type)
        if (-not $enumType) { $enumType = if ($type.IsArray) { $type.GetElementType() } else { $type } }
        $enumValues = if ($enumType.IsEnum) { [string[]][enum]::GetNames($enumType) } else { @() }
        $wildcards = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $aliases = @($parameter.Aliases)
        foreach ($entry in $parameter.ParameterSets.GetEnumerator()) {
            $meta = $entry.Value
            $pipeline = @()
            if ($meta.ValueFromPipeline) { $pipeline += 'ByValue' }
            if ($meta.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
            [pscustomobject]@{
                Name          = $parameter.Name
                Type          = Get-HelpTypeName $type
                IsSwitch      = $type -eq [System.Management.Automation.SwitchParameter]
                ParameterSet  = $entry.Key   # '__AllParameterSets' for every set
                AllSets       = $sets
                Aliases       = $aliases
                Required      = [bool]$meta.IsMandatory
                Position      = if ($meta.Position -ge 0) { [string]$meta.Position } else { 'Named' }
                PipelineInput = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
                Wildcards     = $wildcards
                EnumValues    = $enumValues
            }
        }
    }
}

function ConvertTo-HelpParameterSetText {
    # platyPS writes '(All)' for a parameter in every set.
    param([string[]] $Sets, [string[]] $AllSets)
    if ($Sets -contains '__AllParameterSets') { return '(All)' }
    if ($AllSets.Count -gt 0 -and @($AllSets | Where-Object { $_ -notin $Sets }).Count -eq 0) { return '(All)' }
    return ($Sets -join ', ')
}

Export-ModuleMember -Function Get-HelpTypeName, Test-HelpHiddenParameter, Get-HelpSetParameter, Get-CmdletParameterHelpFact, ConvertTo-HelpParameterSetText
