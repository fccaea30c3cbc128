#Requires -Version 7.2
<#
.SYNOPSIS
    Writes the platyPS-style markdown skeleton for cmdlet help: a new docs/en-US/<Cmdlet>.md for a cmdlet that
    has none, and, for an existing file, the sections of parameters it does not document yet (printed, to paste
    in). platyPS itself is not available here; this does the part of New-/Update-MarkdownHelp we need.
.DESCRIPTION
    Imports the BUILT module (run `dotnet pwsh ./build.ps1 Build` first) in this process, so run it as its own
    pwsh: `dotnet pwsh -NoProfile ./tools/New-MarkdownHelpStub.ps1`. Placeholders read `{{ Fill ... }}`;
    tests/Help.Tests.ps1 fails while any is left, and while any parameter has no section. Hidden parameters
    ([Parameter(DontShow = $true)]) get no section and no place in the syntax, as with platyPS -ExcludeDontShow.
.EXAMPLE
    dotnet pwsh -NoProfile ./tools/New-MarkdownHelpStub.ps1 -Command Update-PoetryCodeArtifactToken
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/PoetryCaAuth'),
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs/en-US'),
    [string[]] $Command = @()
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'HelpMetadata.psm1') -Force
$module = Import-Module $ModulePath -PassThru -Force

function Format-ParameterSection {
    param([Parameter(Mandatory)] [object[]] $Facts)
    $first = $Facts[0]
    $lines = @("### -$($first.Name)", "{{ Fill $($first.Name) Description }}", '')
    # One yaml block per distinct set of per-set facts, as platyPS groups them.
    $groups = $Facts | Group-Object { '{0}|{1}|{2}' -f $_.Required, $_.Position, $_.PipelineInput }
    foreach ($group in $groups) {
        $f = $group.Group[0]
        $lines += '```yaml'
        $lines += "Type: $($f.Type)"
        $lines += "Parameter Sets: $(ConvertTo-HelpParameterSetText -Sets @($group.Group.ParameterSet) -AllSets $f.AllSets)"
        $lines += "Aliases: $($f.Aliases -join ', ')".TrimEnd()
        if ($f.EnumValues) { $lines += "Accepted values: $($f.EnumValues -join ', ')" }
        $lines += ''
        $lines += "Required: $($f.Required)"
        $lines += "Position: $($f.Position)"
        $lines += 'Default value: None'
        $lines += "Accept pipeline input: $($f.PipelineInput)"
        $lines += "Accept wildcard characters: $($f.Wildcards)"
        $lines += '```'
        $lines += ''
    }
    $lines -join "`n"
}

function Format-SyntaxLine {
    <# The set's syntax as Get-Command -Syntax gives it, without hidden (DontShow) parameters, which help leaves out. #>
    param($Cmd, $Set)
    $text = $Set.ToString()
    foreach ($p in $Set.Parameters) {
        if (-not (Test-HelpHiddenParameter $Cmd.Parameters[$p.Name])) { continue }
        $n = [regex]::Escape($p.Name)
        # [[-N] <T>], [-N <T>], [-N], -N <T>, -N: whichever form this set uses.
        $text = $text -replace "\s*\[\[-$n\] <[^>]+>\]|\s*\[-$n( <[^>]+>)?\]|\s*-$n( <[^>]+>)?(?=\s|$)", ''
    }
    $text.Trim()
}

$fence = '```'
$commands = $module.ExportedCmdlets.Values | Where-Object { -not $Command -or $_.Name -in $Command } | Sort-Object Name
foreach ($cmd in $commands) {
    $facts = @(Get-CmdletParameterHelpFact -Command $cmd)
    $file = Join-Path $DocsPath "$($cmd.Name).md"
    if (Test-Path -LiteralPath $file) {
        $text = Get-Content -LiteralPath $file -Raw
        $missing = $facts | Group-Object Name | Where-Object { $text -notmatch "(?m)^### -$([regex]::Escape($_.Name))\s*$" }
        foreach ($group in $missing) {
            Write-Output "# Add to the PARAMETERS section of $file (keep the sections in alphabetical order):"
            Write-Output (Format-ParameterSection -Facts $group.Group)
        }
        continue
    }

    $syntax = foreach ($set in $cmd.ParameterSets) {
        $default = if ($set.IsDefault -and $cmd.ParameterSets.Count -gt 1) { ' (Default)' } else { '' }
        $title = if ($cmd.ParameterSets.Count -gt 1) { "### $($set.Name)$default`n" } else { '' }
        "$title$fence`n$($cmd.Name) $(Format-SyntaxLine $cmd $set)`n$fence`n"
    }
    $parameters = $facts | Group-Object Name | Sort-Object Name | ForEach-Object { Format-ParameterSection -Facts $_.Group }
    $outputs = @($cmd.OutputType | ForEach-Object Name) -join ', '
    @"
---
external help file: PoetryCaAuth.dll-Help.xml
Module Name: PoetryCaAuth
online version:
schema: 2.0.0
---

# $($cmd.Name)

## SYNOPSIS
{{ Fill in the Synopsis }}

## SYNTAX

$($syntax -join "`n")
## DESCRIPTION
{{ Fill in the Description }}

## EXAMPLES

### Example 1: {{ Title }}
``````powershell
{{ Add example code here }}
``````

{{ Add example description here }}

## PARAMETERS

$($parameters -join "`n")
### CommonParameters
This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).

## INPUTS

### {{ Input type }}

## OUTPUTS

### $outputs
{{ Fill in the output description }}

## NOTES

## RELATED LINKS

[about_PoetryCaAuth](about_PoetryCaAuth.md)
"@ | Set-Content -LiteralPath $file -Encoding utf8NoBOM
    Write-Output "Wrote $file"
}
