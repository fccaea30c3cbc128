#Requires -Version 7.2
<#
.SYNOPSIS
    Compiles the platyPS-schema markdown help in docs/<culture>/ into what Get-Help reads: one MAML file for the
    cmdlets (named by the "external help file" front matter, PoetryCaAuth.dll-Help.xml) and about_*.help.txt
    topics. platyPS is not available here; this covers the schema our docs use.
.DESCRIPTION
    Cmdlet markdown (platyPS schema 2.0.0):
      front matter; # Name; ## SYNOPSIS; ## SYNTAX with one ### <Set>[ (Default)] and code block per parameter set;
      ## DESCRIPTION; ## EXAMPLES with ### <title>, code blocks and text; ## PARAMETERS with ### -<Name>, text and
      one ```yaml block per group of parameter sets (Type, Parameter Sets, Aliases, Accepted values, Required,
      Position, Default value, Accept pipeline input, Accept wildcard characters); ## INPUTS / ## OUTPUTS with
      ### <type> and text; ## NOTES; ## RELATED LINKS with [text](uri) lines.
    About markdown: # about_Name, then ## HEADINGS (### sub-headings allowed) with text, lists, tables and code.

    A structural problem (a missing section, a parameter without a yaml block) stops the build with the file
    name; whether every parameter is documented is checked by tests/Help.Tests.ps1 against the real cmdlets.
.EXAMPLE
    ./tools/ConvertTo-MamlHelp.ps1 -SourcePath docs/en-US -OutputPath output/PoetryCaAuth/0.1.0/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

#region Markdown reading

function Split-MarkdownSection {
    <# Splits lines at headings of one level (outside code fences): ordered Title -> lines. #>
    param([string[]] $Lines, [int] $Level)
    $marker = ('#' * $Level) + ' '
    $sections = [ordered]@{}
    $current = $null
    $body = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            if ($null -ne $current) { $sections[$current] = $body.ToArray() }
            $current = $line.Substring($marker.Length).Trim()
            $body = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $body.Add($line) }
    }
    if ($null -ne $current) { $sections[$current] = $body.ToArray() }
    $sections
}

function Get-MarkdownBlock {
    <#
    .SYNOPSIS
        Turns markdown lines into blocks: Code (Language, Text), Table (Lines), List items and Paragraphs (Text,
        soft-wrapped lines joined with spaces).
    #>
    param([string[]] $Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $code = $null
    $language = ''
    $flush = {
        if ($paragraph.Count -gt 0) {
            $text = ($paragraph -join ' ').Trim()
            $kind = if ($text -match '^([-*]|\d+\.)\s') { 'ListItem' } else { 'Paragraph' }
            $blocks.Add([pscustomobject]@{ Kind = $kind; Text = $text; Language = '' })
            $paragraph.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($null -ne $code) {
            if ($line -match '^\s*```\s*$') {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = ($code -join "`n"); Language = $language })
                $code = $null
            }
            else { $code.Add($line) }
            continue
        }
        if ($line -match '^\s*```\s*(?<lang>\S*)\s*$') {
            & $flush
            $code = [System.Collections.Generic.List[string]]::new()
            $language = $Matches.lang
            continue
        }
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*\|') {
            & $flush
            $last = if ($blocks.Count) { $blocks[$blocks.Count - 1] } else { $null }
            if ($last -and $last.Kind -eq 'Table') { $last.Text += "`n" + $line.Trim() }
            else { $blocks.Add([pscustomobject]@{ Kind = 'Table'; Text = $line.Trim(); Language = '' }) }
            continue
        }
        if ($line -match '^\s*(?<marker>[-*]|\d+\.)\s+(?<text>.*)$') {
            & $flush
            $paragraph.Add($line.Trim())
            continue
        }
        $paragraph.Add($line.Trim())
    }
    & $flush
    if ($null -ne $code) { throw 'A code block is not closed.' }
    $blocks
}

function ConvertTo-PlainText {
    <# Inline markdown for Get-Help's plain text: links become "text (uri)", or "text" for other help pages. #>
    param([string] $Text)
    $Text = [regex]::Replace($Text, '\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)', {
            param($m)
            $uri = $m.Groups['uri'].Value
            if ($uri -eq '' -or $uri -like '*.md') { $m.Groups['text'].Value } else { "$($m.Groups['text'].Value) ($uri)" }
        })
    $Text -replace '\*\*(.+?)\*\*', '$1'
}

function Get-Paragraph {
    <# Text paragraphs (lists and tables kept as their own paragraphs) as plain strings. #>
    param([string[]] $Lines)
    foreach ($block in (Get-MarkdownBlock $Lines)) {
        if ($block.Kind -eq 'Code') { $block.Text } else { ConvertTo-PlainText $block.Text }
    }
}

function Read-Yaml {
    param([string] $Text)
    $map = [ordered]@{}
    foreach ($line in $Text -split "`n") {
        if ($line -match '^(?<key>[A-Za-z ]+):\s*(?<value>.*)$') { $map[$Matches.key.Trim()] = $Matches.value.Trim() }
    }
    $map
}

function Read-CmdletMarkdown {
    param([string] $Path)
    $lines = Get-Content -LiteralPath $Path
    $front = @{}
    if ($lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        foreach ($line in $lines[1..($end - 1)]) {
            if ($line -match '^(?<k>[^:]+):\s*(?<v>.*)$') { $front[$Matches.k.Trim()] = $Matches.v.Trim() }
        }
        $lines = $lines[($end + 1)..($lines.Count - 1)]
    }
    $title = Split-MarkdownSection -Lines $lines -Level 1
    if ($title.Count -ne 1) { throw "$Path must have exactly one '# <Cmdlet>' heading." }
    $name = @($title.Keys)[0]
    $sections = Split-MarkdownSection -Lines $title[0] -Level 2
    foreach ($required in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS') {
        if (-not $sections.Contains($required)) { throw "$Path has no '## $required' section." }
    }

    $sets = foreach ($entry in (Split-MarkdownSection -Lines $sections['SYNTAX'] -Level 3).GetEnumerator()) {
        $code = @(Get-MarkdownBlock $entry.Value | Where-Object Kind -EQ 'Code') | Select-Object -First 1
        [pscustomobject]@{
            Name  = ($entry.Key -replace '\s*\(Default\)\s*$', '')
            Order = if ($code) { @([regex]::Matches($code.Text, '(?<=[\[\s])-(\w+)') | ForEach-Object { $_.Groups[1].Value }) } else { @() }
        }
    }
    if (-not $sets) {
        # One parameter set: the SYNTAX section is a bare code block.
        $code = @(Get-MarkdownBlock $sections['SYNTAX'] | Where-Object Kind -EQ 'Code') | Select-Object -First 1
        $sets = @([pscustomobject]@{ Name = '(All)'; Order = if ($code) { @([regex]::Matches($code.Text, '(?<=[\[\s])-(\w+)') | ForEach-Object { $_.Groups[1].Value }) } else { @() } })
    }

    $examples = foreach ($entry in (Split-MarkdownSection -Lines $sections['EXAMPLES'] -Level 3).GetEnumerator()) {
        $blocks = @(Get-MarkdownBlock $entry.Value)
        [pscustomobject]@{
            Title   = $entry.Key
            Code    = (@($blocks | Where-Object Kind -EQ 'Code' | ForEach-Object Text) -join "`n`n")
            Remarks = @($blocks | Where-Object Kind -NE 'Code' | ForEach-Object { ConvertTo-PlainText $_.Text })
        }
    }

    $parameters = foreach ($entry in (Split-MarkdownSection -Lines $sections['PARAMETERS'] -Level 3).GetEnumerator()) {
        if ($entry.Key -eq 'CommonParameters') { continue }
        if ($entry.Key -notmatch '^-(?<name>\w+)$') { throw "$Path`: '### $($entry.Key)' is not a parameter heading (### -Name)." }
        $blocks = @(Get-MarkdownBlock $entry.Value)
        $yaml = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' } | ForEach-Object { Read-Yaml $_.Text })
        if (-not $yaml) { throw "$Path`: parameter -$($Matches.name) has no yaml block." }
        [pscustomobject]@{
            Name        = $Matches.name
            Description = @($blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Language -eq 'yaml') } | ForEach-Object {
                    if ($_.Kind -eq 'Code') { $_.Text } else { ConvertTo-PlainText $_.Text } })
            Yaml        = $yaml
        }
    }

    $typed = {
        param($lines)
        foreach ($entry in (Split-MarkdownSection -Lines $lines -Level 3).GetEnumerator()) {
            [pscustomobject]@{ Type = $entry.Key; Description = @(Get-Paragraph $entry.Value) }
        }
    }
    $links = if ($sections.Contains('RELATED LINKS')) {
        foreach ($m in [regex]::Matches(($sections['RELATED LINKS'] -join "`n"), '\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)')) {
            [pscustomobject]@{ Text = $m.Groups['text'].Value; Uri = if ($m.Groups['uri'].Value -like '*.md') { '' } else { $m.Groups['uri'].Value } }
        }
    }

    [pscustomobject]@{
        Path        = $Path
        HelpFile    = $front['external help file']
        Name        = $name
        Synopsis    = (@(Get-Paragraph $sections['SYNOPSIS']) -join ' ')
        Description = @(Get-Paragraph $sections['DESCRIPTION'])
        Sets        = @($sets)
        Examples    = @($examples)
        Parameters  = @($parameters)
        Inputs      = @(& $typed $sections['INPUTS'])
        Outputs     = @(& $typed $sections['OUTPUTS'])
        Notes       = if ($sections.Contains('NOTES')) { @(Get-Paragraph $sections['NOTES']) } else { @() }
        Links       = @($links)
        OnlineUri   = $front['online version']
    }
}

#endregion

#region MAML writing

$script:Ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function Write-Element {
    param([System.Xml.XmlWriter] $Writer, [string] $Prefix, [string] $Name, [string] $Text)
    $Writer.WriteElementString($Prefix, $Name, $script:Ns[$Prefix], $Text)
}

function Write-Paragraphs {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $script:Ns.maml)
    foreach ($p in $Paragraphs) { Write-Element $Writer 'maml' 'para' $p }
    $Writer.WriteEndElement()
}

function Test-YamlSet {
    <# Whether a yaml block applies to a parameter set. #>
    param($Yaml, [string] $Set)
    $sets = @(($Yaml['Parameter Sets'] ?? '(All)') -split ',' | ForEach-Object Trim)
    $Set -eq '(All)' -or $sets -contains '(All)' -or $sets -contains $Set
}

function Get-MergedYaml {
    <# The parameters section shows one entry per parameter: required only when required in every set,
       pipeline input as the union over all sets, the first fixed position. #>
    param([object[]] $Yaml)
    $merged = [ordered]@{}
    foreach ($key in $Yaml[0].Keys) { $merged[$key] = $Yaml[0][$key] }
    $merged['Required'] = if (@($Yaml | Where-Object { $_['Required'] -ne 'True' }).Count -eq 0) { 'True' } else { 'False' }
    $kinds = @($Yaml | ForEach-Object { if ($_['Accept pipeline input'] -match '\((?<k>[^)]+)\)') { $Matches.k -split ',\s*' } } | Select-Object -Unique)
    $merged['Accept pipeline input'] = if ($kinds) { "True ($((@('ByValue', 'ByPropertyName') | Where-Object { $_ -in $kinds }) -join ', '))" } else { 'False' }
    $positions = @($Yaml | ForEach-Object { $_['Position'] } | Where-Object { $_ -ne 'Named' })
    $merged['Position'] = if ($positions) { $positions[0] } else { 'Named' }
    $merged
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, $Yaml, [switch] $InSyntax)
    $type = $Yaml['Type']
    $isSwitch = $type -eq 'SwitchParameter'
    $position = if ($Yaml['Position'] -and $Yaml['Position'] -ne 'Named') { $Yaml['Position'] } else { 'named' }
    $Writer.WriteStartElement('command', 'parameter', $script:Ns.command)
    $Writer.WriteAttributeString('required', ($Yaml['Required'] -eq 'True').ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', ($type -like '*`[`]').ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', ($Yaml['Accept wildcard characters'] -eq 'True').ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', ($Yaml['Accept pipeline input'] ?? 'False'))
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $(if ($Yaml['Aliases']) { $Yaml['Aliases'] } else { 'none' }))
    Write-Element $Writer 'maml' 'name' $Parameter.Name
    Write-Paragraphs $Writer $Parameter.Description
    $accepted = @(($Yaml['Accepted values'] ?? '') -split ',' | ForEach-Object Trim | Where-Object { $_ })
    if ($accepted) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:Ns.command)
        foreach ($value in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:Ns.command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $script:Ns.command, 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    if (-not ($InSyntax -and $isSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:Ns.command)
        $Writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:Ns.dev)
    Write-Element $Writer 'maml' 'name' $type
    Write-Element $Writer 'maml' 'uri' ''
    $Writer.WriteEndElement()
    Write-Element $Writer 'dev' 'defaultValue' ($Yaml['Default value'] ?? 'None')
    $Writer.WriteEndElement()
}

function Write-CommandHelp {
    param([System.Xml.XmlWriter] $Writer, $Help)
    $verb, $noun = $Help.Name -split '-', 2
    $Writer.WriteStartElement('command', 'command', $script:Ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
        $Writer.WriteAttributeString('xmlns', $prefix, $null, $script:Ns[$prefix])
    }

    $Writer.WriteStartElement('command', 'details', $script:Ns.command)
    Write-Element $Writer 'command' 'name' $Help.Name
    Write-Element $Writer 'command' 'verb' $verb
    Write-Element $Writer 'command' 'noun' $noun
    Write-Paragraphs $Writer @($Help.Synopsis)
    $Writer.WriteEndElement()

    Write-Paragraphs $Writer $Help.Description

    $Writer.WriteStartElement('command', 'syntax', $script:Ns.command)
    foreach ($set in $Help.Sets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:Ns.command)
        Write-Element $Writer 'maml' 'name' $Help.Name
        $inSet = foreach ($parameter in $Help.Parameters) {
            $yaml = @($parameter.Yaml | Where-Object { Test-YamlSet $_ $set.Name }) | Select-Object -First 1
            if ($yaml) { [pscustomobject]@{ Parameter = $parameter; Yaml = $yaml } }
        }
        # The order the SYNTAX block gives, which reads like the real syntax; anything it omits goes last.
        $ordered = $inSet | Sort-Object { $i = [Array]::IndexOf($set.Order, $_.Parameter.Name); if ($i -lt 0) { 1000 } else { $i } }, { $_.Parameter.Name }
        foreach ($item in $ordered) { Write-Parameter $Writer $item.Parameter $item.Yaml -InSyntax }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $script:Ns.command)
    foreach ($parameter in $Help.Parameters) { Write-Parameter $Writer $parameter (Get-MergedYaml $parameter.Yaml) }
    $Writer.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', $Help.Inputs), @('returnValues', 'returnValue', $Help.Outputs))) {
        $Writer.WriteStartElement('command', $kind[0], $script:Ns.command)
        foreach ($item in $kind[2]) {
            $Writer.WriteStartElement('command', $kind[1], $script:Ns.command)
            $Writer.WriteStartElement('dev', 'type', $script:Ns.dev)
            Write-Element $Writer 'maml' 'name' $item.Type
            $Writer.WriteEndElement()
            Write-Paragraphs $Writer $item.Description
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    if ($Help.Notes) {
        $Writer.WriteStartElement('maml', 'alertSet', $script:Ns.maml)
        $Writer.WriteStartElement('maml', 'alert', $script:Ns.maml)
        foreach ($p in $Help.Notes) { Write-Element $Writer 'maml' 'para' $p }
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $script:Ns.command)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:Ns.command)
        Write-Element $Writer 'maml' 'title' "---------- $($example.Title) ----------"
        Write-Element $Writer 'dev' 'code' $example.Code
        $Writer.WriteStartElement('dev', 'remarks', $script:Ns.dev)
        foreach ($p in $example.Remarks) { Write-Element $Writer 'maml' 'para' $p }
        Write-Element $Writer 'maml' 'para' ''   # a blank line before the next example's title
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:Ns.command)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:Ns.maml)
        Write-Element $Writer 'maml' 'linkText' $link.Text
        Write-Element $Writer 'maml' 'uri' $link.Uri
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

#endregion

#region About topics

function Format-Wrapped {
    <# Word-wraps text at 80 columns with an indent (and a hanging indent for list items). #>
    param([string] $Text, [int] $Indent, [int] $Hanging = 0, [int] $Width = 80)
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $start = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if (-not $start -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($line.TrimEnd())
            $line = (' ' * ($Indent + $Hanging)) + $word
        }
        else { $line += $(if ($start) { '' } else { ' ' }) + $word }
        $start = $false
    }
    if ($line.Trim()) { $lines.Add($line.TrimEnd()) }
    $lines
}

function ConvertTo-AboutText {
    param([string] $Path)
    $lines = Get-Content -LiteralPath $Path
    $title = Split-MarkdownSection -Lines $lines -Level 1
    if ($title.Count -ne 1) { throw "$Path must start with '# about_<Name>'." }
    $topic = @($title.Keys)[0]
    $sections = Split-MarkdownSection -Lines $title[0] -Level 2
    if (-not $sections.Contains('SHORT DESCRIPTION') -or -not $sections.Contains('LONG DESCRIPTION')) {
        throw "$Path needs '## SHORT DESCRIPTION' and '## LONG DESCRIPTION' sections."
    }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add("    $topic")
    foreach ($section in $sections.GetEnumerator()) {
        $out.Add('')
        $out.Add($section.Key.ToUpperInvariant())
        $inner = Split-MarkdownSection -Lines $section.Value -Level 3
        # Text before the first ### heading, then each sub-heading with its text.
        $first = @()
        foreach ($l in $section.Value) { if ($l.StartsWith('### ')) { break }; $first += $l }
        $parts = @([pscustomobject]@{ Heading = $null; Lines = $first }) +
            @($inner.GetEnumerator() | ForEach-Object { [pscustomobject]@{ Heading = $_.Key; Lines = $_.Value } })
        foreach ($part in $parts) {
            if ($part.Heading) { $out.Add(''); $out.Add("  $($part.Heading)") }
            $previous = $null
            foreach ($block in (Get-MarkdownBlock $part.Lines)) {
                # A blank line between blocks, but not between the items of one list.
                $sameList = $previous -and $previous.Kind -eq 'ListItem' -and $block.Kind -eq 'ListItem'
                if (($previous -or $part.Heading) -and -not $sameList) { $out.Add('') }
                $previous = $block
                switch ($block.Kind) {
                    'Code' { foreach ($l in $block.Text -split "`n") { $out.Add(('        ' + $l).TrimEnd()) } }
                    'Table' {
                        # The header row and the |---|---| rule are left out: the text before a table introduces it.
                        foreach ($l in @($block.Text -split "`n" | Select-Object -Skip 1)) {
                            if ($l -match '^\|[\s\-|:]+\|$') { continue }
                            $cells = @($l.Trim('|') -split '\|' | ForEach-Object { ConvertTo-PlainText $_.Trim() })
                            foreach ($wrapped in (Format-Wrapped -Text ($cells -join ': ') -Indent 4 -Hanging 4)) { $out.Add($wrapped) }
                        }
                    }
                    default {
                        $text = ConvertTo-PlainText $block.Text
                        $hanging = if ($text -match '^(?<m>[-*]|\d+\.)\s') { $Matches.m.Length + 1 } else { 0 }
                        foreach ($wrapped in (Format-Wrapped -Text $text -Indent 4 -Hanging $hanging)) { $out.Add($wrapped) }
                    }
                }
            }
        }
    }
    [pscustomobject]@{ Name = $topic; Text = ($out -join [Environment]::NewLine) + [Environment]::NewLine }
}

#endregion

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$cmdletFiles = Get-ChildItem -LiteralPath $SourcePath -Filter '*.md' | Where-Object Name -NotLike 'about_*'
$byHelpFile = @{}
foreach ($file in $cmdletFiles) {
    $help = Read-CmdletMarkdown -Path $file.FullName
    if (-not $help.HelpFile) { throw "$($file.FullName) has no 'external help file' in its front matter." }
    if (-not $byHelpFile.ContainsKey($help.HelpFile)) { $byHelpFile[$help.HelpFile] = [System.Collections.Generic.List[object]]::new() }
    $byHelpFile[$help.HelpFile].Add($help)
}

foreach ($entry in $byHelpFile.GetEnumerator()) {
    $target = Join-Path $OutputPath $entry.Key
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($target, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', $script:Ns.msh)
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($help in ($entry.Value | Sort-Object Name)) { Write-CommandHelp $writer $help }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }
    Write-Verbose "Wrote $target ($($entry.Value.Count) cmdlets)"
}

foreach ($file in (Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.md')) {
    $about = ConvertTo-AboutText -Path $file.FullName
    $target = Join-Path $OutputPath "$($about.Name).help.txt"
    [System.IO.File]::WriteAllText($target, $about.Text, [System.Text.UTF8Encoding]::new($false))
    Write-Verbose "Wrote $target"
}
