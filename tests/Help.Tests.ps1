# Help completeness, read back through Get-Help from the compiled MAML (en-US/PoetryCaAuth.dll-Help.xml) and
# about topic. Cmdlets and parameters come from the loaded module, not from a list: a parameter or cmdlet added
# without help fails here until docs/en-US is updated (tools/New-MarkdownHelpStub.ps1 writes the skeleton).
# Hidden parameters ([Parameter(DontShow = $true)] in every set) are plumbing and stay out of help and of these checks.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot '../tools/HelpMetadata.psm1') -Force
    $module = Get-Module PoetryCaAuth
    $script:CmdletCases = @($module.ExportedCmdlets.Values | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
    $script:ParameterCases = @(foreach ($cmd in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
            foreach ($name in (Get-CmdletParameterHelpFact -Command $cmd | ForEach-Object Name | Select-Object -Unique)) {
                @{ Command = $cmd.Name; Parameter = $name }
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $PSScriptRoot '../tools/HelpMetadata.psm1') -Force
    $script:Docs = Join-Path $PSScriptRoot '../docs/en-US'

    function Get-HelpText {
        # Get-Help's description objects are arrays of paragraphs with a Text property.
        param($Value)
        (@($Value) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n"
    }
}

Describe 'The compiled help of <Name>' -ForEach $CmdletCases {
    BeforeAll {
        $script:Command = Get-Command $Name
        $script:Help = Get-Help $Name -Full
    }

    It 'is read from the module''s en-US/PoetryCaAuth.dll-Help.xml' {
        # The CmdletInfo names the file (by the cmdlet assembly's name; later a full path once Get-Help resolved it).
        Split-Path -Leaf $Command.HelpFile | Should -Be 'PoetryCaAuth.dll-Help.xml'
        Test-Path -LiteralPath (Join-Path (Get-Module PoetryCaAuth).ModuleBase 'en-US/PoetryCaAuth.dll-Help.xml') | Should -BeTrue
        # Without MAML, Get-Help falls back to the syntax as the synopsis; with it, the markdown's sentence comes back.
        $Help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + ' \[')
    }

    It 'has a synopsis and a description' {
        $Help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -Match '\{\{'
        (Get-HelpText $Help.description).Length | Should -BeGreaterThan 100
    }

    It 'has at least two examples, each with code and an explanation, also through -Examples' {
        $examples = @((Get-Help $Name -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Match $Name.Split('-')[1]
            (Get-HelpText $example.remarks).Trim() | Should -Not -BeNullOrEmpty
            $example.title | Should -Not -Match '\{\{'
        }
    }

    It 'names its output types' {
        $documented = @($Help.returnValues.returnValue | ForEach-Object { $_.type.name })
        foreach ($type in $Command.OutputType) { $documented | Should -Contain $type.Name }
    }

    It 'has one syntax line per parameter set, with the parameters and required flags the cmdlet really has' {
        # Common and hidden (DontShow) parameters are left out, as in the PARAMETERS section (tools/HelpMetadata.psm1).
        $items = @($Help.syntax.syntaxItem)
        $items.Count | Should -Be $Command.ParameterSets.Count
        foreach ($set in $Command.ParameterSets) {
            $real = @(Get-HelpSetParameter -Command $Command -ParameterSet $set | Sort-Object Name)
            $key = ($real.Name -join ',')
            $item = $items | Where-Object { (@($_.parameter.name | Sort-Object) -join ',') -eq $key }
            $item | Should -Not -BeNullOrEmpty -Because "parameter set '$($set.Name)' has $key"
            foreach ($p in $real) {
                $documented = $item.parameter | Where-Object name -EQ $p.Name
                $documented.required | Should -Be ([string]$p.IsMandatory).ToLowerInvariant() -Because "-$($p.Name) in set '$($set.Name)'"
                $expectedPosition = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
                $documented.position | Should -Be $expectedPosition -Because "-$($p.Name) in set '$($set.Name)'"
            }
        }
    }

    It 'comes from docs/en-US/<Name>.md with no placeholder left' {
        $file = Join-Path $Docs "$Name.md"
        Test-Path -LiteralPath $file | Should -BeTrue
        Get-Content -LiteralPath $file -Raw | Should -Not -Match '\{\{'
    }
}

Describe 'The help of <Command> -<Parameter>' -ForEach $ParameterCases {
    It 'describes the parameter' {
        $help = Get-Help $Command -Parameter $Parameter -ErrorAction SilentlyContinue
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Command.md needs a '### -$Parameter' section"
        $text = Get-HelpText $help.description
        $text.Length | Should -BeGreaterThan 20
        $text | Should -Not -Match '\{\{'
    }

    It 'states the type, aliases, pipeline input and wildcards the cmdlet has' {
        $facts = @(Get-CmdletParameterHelpFact -Command (Get-Command $Command) | Where-Object Name -EQ $Parameter)
        $help = Get-Help $Command -Parameter $Parameter -ErrorAction SilentlyContinue
        $help | Should -Not -BeNullOrEmpty

        $help.type.name | Should -Be $facts[0].Type
        $aliases = if ($help.aliases -eq 'none') { @() } else { @($help.aliases -split ',\s*') }
        ($aliases | Sort-Object) -join ',' | Should -Be (($facts[0].Aliases | Sort-Object) -join ',')
        $kinds = @($facts | ForEach-Object { if ($_.PipelineInput -match '\((?<k>[^)]+)\)') { $Matches.k -split ',\s*' } } | Select-Object -Unique)
        $expectedPipeline = if ($kinds) { "True ($((@('ByValue', 'ByPropertyName') | Where-Object { $_ -in $kinds }) -join ', '))" } else { 'False' }
        $help.pipelineInput | Should -Be $expectedPipeline
        $help.globbing | Should -Be ([string]$facts[0].Wildcards).ToLowerInvariant()
    }
}

Describe 'about_PoetryCaAuth' {
    BeforeAll {
        $script:About = Get-Help about_PoetryCaAuth | Out-String
    }

    It 'is found by Get-Help from the module''s en-US folder' {
        Test-Path (Join-Path (Get-Module PoetryCaAuth).ModuleBase 'en-US/about_PoetryCaAuth.help.txt') | Should -BeTrue
        $About | Should -Match 'SHORT DESCRIPTION'
        $About | Should -Match 'Signs Poetry in to AWS CodeArtifact'
    }

    It 'explains the flow, the settings and troubleshooting' {
        $About | Should -Match 'THE FLOW'
        $About | Should -Match 'SETTINGS'
        $About | Should -Match 'TROUBLESHOOTING'
        $About | Should -Match 'GetAuthorizationToken'
        $About | Should -Match 'poetry config http-basic'
    }

    It 'names every environment variable the module reads' -ForEach @(
        'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
        'AWS_ENDPOINT_URL_CODEARTIFACT', 'AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'POETRY_CA_AUTH_METHOD',
        'POETRY_CA_DEFAULT_AWS_PROFILE', 'POETRY_CONFIG_DIR', 'POETRY_HOME', 'POETRY_KEYRING_ENABLED'
    ) {
        $About | Should -Match ([regex]::Escape($_))
    }

    It 'names every parameter of Update-PoetryCodeArtifactToken' {
        foreach ($name in (Get-CmdletParameterHelpFact -Command (Get-Command Update-PoetryCodeArtifactToken) | ForEach-Object Name | Select-Object -Unique)) {
            $About | Should -Match "-$name\b" -Because 'the SETTINGS section lists the parameters'
        }
    }

    It 'lists every error id the module raises, with its category' {
        # Read from the source, so that a new id without an entry in docs/en-US/about_PoetryCaAuth.md fails here.
        $source = (Get-ChildItem (Join-Path $PSScriptRoot '../src/PoetryCaAuth') -Recurse -Filter *.cs |
                Where-Object FullName -NotMatch '[\\/](bin|obj)[\\/]' | ForEach-Object { Get-Content -LiteralPath $_.FullName -Raw }) -join "`n"
        $patterns = 'PoetryCaAuthException\(\s*ErrorKind\.\w+,\s*"(\w+)"', 'ErrorRecords\.Create\(\s*"(\w+)"', 'new ErrorRecord\([^";]*?"(\w+)"'
        $ids = @($patterns | ForEach-Object { [regex]::Matches($source, $_) } | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        $ids.Count | Should -BeGreaterThan 40 -Because 'the patterns must still find the ids in the source'
        foreach ($id in $ids) {
            $About | Should -Match "(?m)^\s*-?\s*$id \(\w+\):" -Because "$id is raised by the module"
        }
    }
}
