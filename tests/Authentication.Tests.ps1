# Every way of signing in to AWS, end to end against local stand-ins: the emulator plays the IAM Identity
# Center portal, SSO OIDC, STS and a container role (reached through the SDK's AWS_ENDPOINT_URL_* overrides),
# a stand-in aws-vault plays aws-vault, and small scripts play credential_process helpers and the browser.
# AWS config, credentials and the SSO cache live in the test's own temp folder (HOME points there).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-CodeArtifactEmulator -LifetimeSeconds 1800
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:Other = Get-CodeArtifactEmulatorIdentity -Account 444455556666
    $script:CmdletId = 'PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
    $script:ModuleManifest = Join-Path (Get-Module PoetryCaAuth).ModuleBase 'PoetryCaAuth.psd1'
    $script:StartUrl = 'https://corp.awsapps.com/start'
    $script:VaultStandIn = Join-Path $PSScriptRoot 'helpers/aws_vault_standin.py'
    $script:MfaSerial = 'arn:aws:iam::111122223333:mfa/emulator-user'
    if (-not ('PoetryCaAuthTests.AnsweringHost' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'helpers/AnsweringHost.cs') -ErrorAction Stop
    }

    function Set-AwsConfig([string] $Text) { Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value $Text }
    function Set-AwsCredentials([string] $Text) { Set-Content -LiteralPath $env:AWS_SHARED_CREDENTIALS_FILE -Value $Text }
    function Set-InlineSsoDevProfile {
        # Profile 'dev' in the older inline form, as 'aws configure sso' wrote it before sso-session existed.
        Set-AwsConfig @"
[profile dev]
sso_start_url = $StartUrl
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Developer
"@
    }

    function Get-SsoCacheFile([string] $Key) {
        # The AWS CLI v2 and the SDKs name the file after the SHA-1 of the session name (or of the start URL).
        $hash = [Security.Cryptography.SHA1]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes($Key))
        Join-Path $env:HOME ('.aws/sso/cache/' + (-join ($hash | ForEach-Object { $_.ToString('x2') })) + '.json')
    }

    function Write-SsoCache {
        <# Leaves an SSO cache file as 'aws sso login' would; -WithRefresh adds the registration and refresh token. #>
        param([string] $Key, [psobject] $Session, [switch] $WithRefresh)
        $data = [ordered]@{ startUrl = $StartUrl; region = 'us-east-1'; accessToken = $Session.accessToken; expiresAt = $Session.expiresAt }
        if ($WithRefresh) {
            $data.refreshToken = $Session.refreshToken
            $data.clientId = $Session.clientId
            $data.clientSecret = $Session.clientSecret
            $data.registrationExpiresAt = $Session.registrationExpiresAt
        }
        $file = Get-SsoCacheFile $Key
        New-Item -ItemType Directory -Force -Path (Split-Path $file) | Out-Null
        $data | ConvertTo-Json | Set-Content -LiteralPath $file
        $file
    }

    function New-BrowserStandIn {
        <# A $BROWSER that records the URL it is given and then "clicks" approve (visits it) or deny (admin call). #>
        param([ValidateSet('Approve', 'Deny')] [string] $Answer = 'Approve')
        $record = Join-Path $Sandbox.Root 'browser-url.txt'
        $action = if ($Answer -eq 'Approve') {
            'urllib.request.urlopen(sys.argv[1]).read()'
        } else {
            "urllib.request.urlopen(urllib.request.Request('$($Emulator.Endpoint)/__emulator/sso/deny', data=b'{}', method='POST')).read()"
        }
        $script = Join-Path $Sandbox.Root 'browser'
        Set-Content -LiteralPath $script -Value @"
#!/bin/sh
printf '%s' "`$1" > '$record'
exec python3 -c "import sys, urllib.request; $action" "`$1"
"@
        chmod +x $script
        $env:BROWSER = $script
        $record
    }

    function Invoke-UpdateInChild {
        <#
            Runs Update-PoetryCodeArtifactToken in a child pwsh (the real console host), optionally with
            -NonInteractive, bounded by a timeout. Returns ExitCode, Output (all of stdout and stderr), Seconds
            and Result: the actions and errors (id, message, recommended action) the child reported.
        #>
        param([string] $Arguments = '', [switch] $NonInteractive, [int] $TimeoutSeconds = 120, [hashtable] $Environment = @{})
        $scriptFile = Join-Path $Sandbox.Root ('child-' + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $scriptFile -Value @"
`$ErrorActionPreference = 'Continue'
Import-Module '$ModuleManifest'
Set-Location -LiteralPath '$($Sandbox.Project)'
`$results = Update-PoetryCodeArtifactToken $Arguments -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
'RESULT:' + (ConvertTo-Json -Compress -Depth 4 -InputObject @{
    Actions = @(`$results | ForEach-Object { [string]`$_.Action })
    Errors  = @(`$failures | ForEach-Object { @{ Id = `$_.FullyQualifiedErrorId; Category = [string]`$_.CategoryInfo.Category; Message = `$_.Exception.Message; Action = `$_.ErrorDetails.RecommendedAction } })
})
"@
        $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
        $pwshArguments = [System.Collections.Generic.List[string]]::new()
        $pwshArguments.Add('-NoProfile')
        if ($NonInteractive) { $pwshArguments.Add('-NonInteractive') }
        $pwshArguments.AddRange([string[]]@('-File', $scriptFile))
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # CI variables are already cleared for every test (BeforeEach); -Environment sets any a case needs.
        $run = Invoke-CodeArtifactTestProcess -FilePath $pwsh -ArgumentList $pwshArguments.ToArray() -TimeoutSeconds $TimeoutSeconds -Environment $Environment
        $line = @($run.StdOut -split "`r?`n" | Where-Object { $_ -like 'RESULT:*' }) | Select-Object -Last 1
        [pscustomobject]@{
            ExitCode = $run.ExitCode
            Output   = $run.StdOut + $run.StdErr
            Seconds  = $watch.Elapsed.TotalSeconds
            Result   = if ($line) { $line.Substring(7) | ConvertFrom-Json } else { throw "The child reported no result. Output: $($run.StdOut)$($run.StdErr)" }
        }
    }

    function Assert-NoSecret {
        <# No key, session token, SSO token or CodeArtifact token in the text. #>
        param([string] $Text, [string[]] $Secret = @())
        foreach ($s in $Secret + @($Id.SecretAccessKey, $Other.SecretAccessKey)) {
            if ($s) { $Text | Should -Not -Match ([regex]::Escape($s)) }
        }
        $Text | Should -Not -Match 'IQoJb3JpZ2luX2Vj'   # how every emulator session token starts
        $Text | Should -Not -Match 'eyJ2ZXIiOjEs'       # how every emulator CodeArtifact token starts
    }

    function Get-Request([string] $Operation) {
        @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator -Operation $Operation)
    }
}

AfterAll {
    if ($script:Emulator) { Stop-CodeArtifactEmulator -Emulator $script:Emulator }
}

Describe 'Signing in to AWS' {
    BeforeEach {
        Save-TestEnvironment
        $script:Sandbox = New-TestSandbox -Emulator $Emulator
        Reset-CodeArtifactEmulator -Emulator $Emulator
        # Credentials come from profiles here, never from the environment.
        foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'BROWSER', 'DISPLAY', 'WAYLAND_DISPLAY', 'AWS_VAULT') {
            Set-TestVariable -Name $name -Value $null
        }
        # A CI job never prompts; the prompting cases here must not look like one when the tests run in CI.
        foreach ($name in 'CI', 'GITHUB_ACTIONS', 'TF_BUILD', 'GITLAB_CI', 'JENKINS_URL', 'BUILDKITE', 'CODEBUILD_BUILD_ID', 'TEAMCITY_VERSION',
            'CIRCLECI', 'BITBUCKET_BUILD_NUMBER', 'APPVEYOR', 'TRAVIS', 'DRONE') {
            Set-TestVariable -Name $name -Value $null
        }
        # The SDK keeps the SSO cache under the home folder: the sandbox's, never the user's.
        $env:HOME = $Sandbox.Home
        $env:AWS_ENDPOINT_URL_SSO = $Emulator.Endpoint
        $env:AWS_ENDPOINT_URL_SSO_OIDC = $Emulator.Endpoint
        $env:AWS_ENDPOINT_URL_STS = $Emulator.Endpoint
        Set-AwsCredentials @"
[base]
aws_access_key_id = $($Id.AccessKeyId)
aws_secret_access_key = $($Id.SecretAccessKey)
"@
        New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'codeartifact'; Url = $Id.RepositoryUrl } | Out-Null
        Push-Location $Sandbox.Project
    }

    AfterEach {
        Pop-Location
        Restore-TestEnvironment
        Remove-TestSandbox $Sandbox
    }

    Context 'IAM Identity Center (SSO)' {
        It 'uses a valid cached sign-in (sso-session form) without any prompt' -Tag 'Poetry' {
            Set-AwsConfig @"
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[sso-session corp]
sso_start_url = $StartUrl
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"@
            $session = New-CodeArtifactEmulatorSsoSession -Emulator $Emulator -StartUrl $StartUrl
            Write-SsoCache -Key 'corp' -Session $session | Out-Null

            $all = Update-PoetryCodeArtifactToken -AuthMethod Sso -ProfileName dev -PassThru -Verbose *>&1

            $result = $all | Where-Object { $_.PSTypeNames -contains 'PoetryCaAuth.Model.TokenRefreshResult' }
            $result.Action | Should -Be 'Stored'
            @($all | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).Count | Should -Be 0
            @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator | Where-Object kind -EQ 'oidc').Count | Should -Be 0
            $roleCall = Get-Request GetRoleCredentials
            $roleCall.Count | Should -Be 1
            $roleCall[0].status | Should -Be 200
            (Get-Request GetAuthorizationToken)[0].accessKeyId | Should -Be $roleCall[0].accessKeyId
            ($all | Out-String) | Should -Match "profile 'dev' \(IAM Identity Center, cached sign-in\)"
            Get-StoredPassword -SourceName 'codeartifact' | Should -Match '^eyJ'
            Assert-NoSecret -Text ($all | Out-String) -Secret $session.accessToken
        }

        It 'refreshes an expired sign-in with its refresh token, without a prompt' {
            Set-AwsConfig @"
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[sso-session corp]
sso_start_url = $StartUrl
sso_region = us-east-1
"@
            $session = New-CodeArtifactEmulatorSsoSession -Emulator $Emulator -StartUrl $StartUrl -ExpiresIn -600
            $cache = Write-SsoCache -Key 'corp' -Session $session -WithRefresh

            $all = Update-PoetryCodeArtifactToken -ProfileName dev -PassThru *>&1

            ($all | Where-Object { $_.PSTypeNames -contains 'PoetryCaAuth.Model.TokenRefreshResult' }).Action | Should -Be 'Stored'
            @($all | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).Count | Should -Be 0
            (Get-Request CreateToken).grantType | Should -Be 'refresh_token'
            (Get-Request StartDeviceAuthorization).Count | Should -Be 0
            (Get-Content -LiteralPath $cache -Raw | ConvertFrom-Json).accessToken | Should -Not -Be $session.accessToken
            Assert-NoSecret -Text ($all | Out-String) -Secret $session.accessToken, $session.refreshToken
        }

        It 'starts a sign-in when the cached one has expired: shows the code, opens the browser, waits for the approval' -Tag 'Poetry' {
            Set-InlineSsoDevProfile
            $old = New-CodeArtifactEmulatorSsoSession -Emulator $Emulator -StartUrl $StartUrl -ExpiresIn -600
            $cache = Write-SsoCache -Key $StartUrl -Session $old
            $browserRecord = New-BrowserStandIn -Answer Approve

            $run = Invoke-UpdateInChild -Arguments '-ProfileName dev'

            $run.Result.Errors | Should -BeNullOrEmpty
            $run.Result.Actions | Should -Be 'Stored'
            $device = Get-Request StartDeviceAuthorization
            $device.Count | Should -Be 1
            $userCode = $device[0].userCode
            $run.Output | Should -Match "needs an IAM Identity Center sign-in \($([regex]::Escape($StartUrl))\)"
            $run.Output | Should -Match ([regex]::Escape("/device?user_code=$userCode"))
            $run.Output | Should -Match "confirm the code: $userCode"
            Get-Content -LiteralPath $browserRecord -Raw | Should -Be "$($Emulator.Endpoint)/device?user_code=$userCode"
            (Get-Request GetRoleCredentials)[0].status | Should -Be 200
            $newToken = (Get-Content -LiteralPath $cache -Raw | ConvertFrom-Json).accessToken
            $newToken | Should -Not -Be $old.accessToken
            Get-StoredPassword -SourceName 'codeartifact' | Should -Match '^eyJ'
            Assert-NoSecret -Text $run.Output -Secret $newToken, $old.accessToken
        }

        It 'fails at once, with what to run, when no sign-in is cached and the session is non-interactive' {
            Set-InlineSsoDevProfile
            $run = Invoke-UpdateInChild -Arguments '-AuthMethod Sso -ProfileName dev' -NonInteractive

            $run.Result.Errors.Count | Should -Be 1
            $run.Result.Errors[0].Id | Should -Be "AwsSsoLoginRequired,$CmdletId"
            $run.Result.Errors[0].Category | Should -Be 'AuthenticationError'
            $run.Result.Errors[0].Message | Should -Match "profile 'dev' is missing or has expired.*non-interactive"
            $run.Result.Errors[0].Action | Should -Match ([regex]::Escape('aws sso login --profile dev'))
            $run.Seconds | Should -BeLessThan 60
            @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator | Where-Object kind -EQ 'oidc').Count | Should -Be 0
        }

        It 'fails at once in a CI job started without -NonInteractive (<Variable>), instead of waiting for an approval' -ForEach @(
            @{ Variable = 'GITHUB_ACTIONS'; Value = 'true' }
            @{ Variable = 'TF_BUILD'; Value = 'True' }
            @{ Variable = 'CI'; Value = 'true' }
        ) {
            Set-InlineSsoDevProfile
            $old = New-CodeArtifactEmulatorSsoSession -Emulator $Emulator -StartUrl $StartUrl -ExpiresIn -600
            Write-SsoCache -Key $StartUrl -Session $old | Out-Null
            $browserRecord = New-BrowserStandIn -Answer Approve

            $run = Invoke-UpdateInChild -Arguments '-ProfileName dev' -Environment @{ $Variable = $Value }

            $run.Result.Errors.Count | Should -Be 1
            $run.Result.Errors[0].Id | Should -Be "AwsSsoLoginRequired,$CmdletId"
            $run.Result.Errors[0].Message | Should -Match ([regex]::Escape("this is a CI job ($Variable is set)"))
            $run.Seconds | Should -BeLessThan 60
            @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator | Where-Object kind -EQ 'oidc').Count | Should -Be 0
            Test-Path -LiteralPath $browserRecord | Should -BeFalse
            Assert-NoSecret -Text $run.Output -Secret $old.accessToken
        }

        It 'reports a sign-in that was not approved before its code expired' {
            Set-InlineSsoDevProfile
            Set-CodeArtifactEmulatorSso -Emulator $Emulator -Setting @{ deviceCodeExpiresIn = 3; pollInterval = 1 } | Out-Null

            $run = Invoke-UpdateInChild -Arguments '-ProfileName dev'

            # No BROWSER and no graphical session: the address is only shown.
            $run.Output | Should -Match 'Open this address in a browser \(there is no graphical session here\)'
            $run.Result.Errors[0].Id | Should -Be "AwsSsoLoginTimedOut,$CmdletId"
            $run.Result.Errors[0].Category | Should -Be 'OperationTimeout'
            $run.Result.Errors[0].Message | Should -Match "sign-in for AWS profile 'dev' was not approved before its code expired"
            Test-Path (Get-PoetryAuthFile) | Should -BeFalse
        }

        It 'reports a sign-in the user declined' {
            Set-InlineSsoDevProfile
            New-BrowserStandIn -Answer Deny | Out-Null

            $run = Invoke-UpdateInChild -Arguments '-ProfileName dev'

            $run.Result.Errors[0].Id | Should -Be "AwsSsoLoginFailed,$CmdletId"
            $run.Result.Errors[0].Message | Should -Match "sign-in for AWS profile 'dev' was declined"
        }

        It 'names the account and role when the permission set is not assigned' {
            Set-AwsConfig @"
[profile admin]
sso_start_url = $StartUrl
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Administrator
"@
            Write-SsoCache -Key $StartUrl -Session (New-CodeArtifactEmulatorSsoSession -Emulator $Emulator -StartUrl $StartUrl) | Out-Null

            Update-PoetryCodeArtifactToken -ProfileName admin -ErrorAction SilentlyContinue -ErrorVariable err

            $err[0].FullyQualifiedErrorId | Should -Be "AwsSsoRoleAccessDenied,$CmdletId"
            $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err[0].Exception.Message | Should -Match "role 'Administrator' in account 111122223333"
        }

        It 'refuses -AuthMethod Sso for a profile that is not an IAM Identity Center profile' {
            Set-AwsConfig "[profile plain]`nsource_profile = base`nrole_arn = arn:aws:iam::111122223333:role/codeartifact-reader"

            Update-PoetryCodeArtifactToken -AuthMethod Sso -ProfileName plain -ErrorAction SilentlyContinue -ErrorVariable err

            $err[0].FullyQualifiedErrorId | Should -Be "AwsProfileNotSso,$CmdletId"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].ErrorDetails.RecommendedAction | Should -Match 'aws configure sso --profile plain'
            @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        }

        It 'follows the Python tool''s settings: POETRY_CA_AUTH_METHOD=sso and POETRY_CA_DEFAULT_AWS_PROFILE' {
            Set-AwsConfig @"
[profile team]
sso_start_url = $StartUrl
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Developer
"@
            Write-SsoCache -Key $StartUrl -Session (New-CodeArtifactEmulatorSsoSession -Emulator $Emulator -StartUrl $StartUrl) | Out-Null
            $env:POETRY_CA_AUTH_METHOD = 'sso'
            $env:POETRY_CA_DEFAULT_AWS_PROFILE = 'team'

            $verbose = Update-PoetryCodeArtifactToken -Verbose 4>&1 | Out-String

            $verbose | Should -Match "profile 'team' \(IAM Identity Center, cached sign-in\) \(POETRY_CA_DEFAULT_AWS_PROFILE\)"
            (Get-Request GetRoleCredentials)[0].owner | Should -Be '444455556666'
            Get-StoredPassword -SourceName 'codeartifact' | Should -Match '^eyJ'
        }
    }

    Context 'aws-vault' {
        BeforeEach {
            $bin = New-Item -ItemType Directory -Force (Join-Path $Sandbox.Root 'bin')
            $script:VaultLog = Join-Path $Sandbox.Root 'aws-vault.log'
            Set-Content -LiteralPath (Join-Path $bin 'aws-vault') -Value "#!/bin/sh`nexec python3 '$VaultStandIn' `"`$@`""
            chmod +x (Join-Path $bin 'aws-vault')
            $env:PATH = "$bin$([IO.Path]::PathSeparator)$env:PATH"
            $env:FAKE_AWS_VAULT_LOG = $VaultLog
            $env:FAKE_AWS_VAULT_KEYRING = Join-Path $Sandbox.Root 'keyring.json'
            @{ profiles = @{
                    'vault-dev'    = @{ accessKeyId = $Id.AccessKeyId; secretAccessKey = $Id.SecretAccessKey }
                    'vault-other'  = @{ accessKeyId = $Other.AccessKeyId; secretAccessKey = $Other.SecretAccessKey }
                    'vault-mfa'    = @{ accessKeyId = $Id.AccessKeyId; secretAccessKey = $Id.SecretAccessKey; mfaCode = '654321' }
                    'vault-broken' = @{ fail = "aws-vault: error: exec: keyring is locked; last output: AWS_SECRET_ACCESS_KEY=$($Id.SecretAccessKey)" }
                }
            } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $env:FAKE_AWS_VAULT_KEYRING
        }

        AfterEach {
            Remove-Item Env:FAKE_AWS_VAULT_LOG, Env:FAKE_AWS_VAULT_KEYRING, Env:FAKE_AWS_VAULT_VERSION, Env:FAKE_AWS_VAULT_NO_JSON -ErrorAction SilentlyContinue
        }

        It 'aws-vault <Version> gives its credentials through <Form>' -Tag 'Poetry' -TestCases @(
            @{ Version = 'v7.2.0'; Form = 'export --format=json'; Expected = '["export","--format=json","vault-dev"]' }
            @{ Version = 'v6.6.2'; Form = 'exec --json'; Expected = '["exec","--json","vault-dev"]' }
            @{ Version = 'v4.2.1'; Form = 'exec -- env'; Expected = '["exec","vault-dev","--","env"]' }
        ) {
            $env:FAKE_AWS_VAULT_VERSION = $Version

            $all = Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-dev -PassThru -Verbose *>&1

            ($all | Where-Object { $_.PSTypeNames -contains 'PoetryCaAuth.Model.TokenRefreshResult' }).Action | Should -Be 'Stored'
            $calls = @(Get-Content -LiteralPath $VaultLog)
            $calls[0] | Should -Be '["--version"]'
            $calls[1] | Should -Be $Expected
            $calls.Count | Should -Be 2
            (Get-Request GetAuthorizationToken)[0].accessKeyId | Should -Be $Id.AccessKeyId
            ($all | Out-String) | Should -Match "aws-vault profile 'vault-dev' \(aws-vault $([regex]::Escape($Version))"
            Assert-NoSecret -Text ($all | Out-String)
        }

        It 'falls back to exec -- env when this build turns the JSON forms down, and takes only AWS_* values' {
            $env:FAKE_AWS_VAULT_NO_JSON = '1'
            $env:POETRY_CA_AUTH_METHOD = 'vault'
            $env:POETRY_CA_DEFAULT_AWS_PROFILE = 'vault-other'
            New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'team'; Url = $Other.RepositoryUrl } | Out-Null

            (Update-PoetryCodeArtifactToken -PassThru).Action | Should -Be 'Stored'

            @(Get-Content -LiteralPath $VaultLog) | Select-Object -Skip 1 |
                Should -Be @('["export","--format=json","vault-other"]', '["exec","--json","vault-other"]', '["exec","vault-other","--","env"]')
            (Get-Request GetAuthorizationToken)[0].accessKeyId | Should -Be $Other.AccessKeyId
        }

        It 'says so when aws-vault is not installed' {
            $env:PATH = ($env:PATH -split [IO.Path]::PathSeparator | Where-Object { $_ -notlike "$($Sandbox.Root)*" }) -join [IO.Path]::PathSeparator

            Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-dev -ErrorAction SilentlyContinue -ErrorVariable err

            $err[0].FullyQualifiedErrorId | Should -Be "AwsVaultNotFound,$CmdletId"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Match 'needs aws-vault, and it was not found on PATH'
        }

        It 'says so when aws-vault does not know the profile' {
            Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName nobody -ErrorAction SilentlyContinue -ErrorVariable err

            $err[0].FullyQualifiedErrorId | Should -Be "AwsVaultProfileNotFound,$CmdletId"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Match "does not know the profile 'nobody'.*credentials missing"
            $err[0].ErrorDetails.RecommendedAction | Should -Match 'aws-vault add nobody'
        }

        It 'shows aws-vault''s own error with secrets masked' {
            $streams = Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-broken -Verbose -ErrorAction SilentlyContinue -ErrorVariable err *>&1 | Out-String

            $err[0].FullyQualifiedErrorId | Should -Be "AwsVaultFailed,$CmdletId"
            $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err[0].Exception.Message | Should -Match "aws-vault failed for profile 'vault-broken' \(exit code 1.*keyring is locked"
            $err[0].Exception.Message | Should -Match 'AWS_SECRET_ACCESS_KEY=\*\*\*'
            Assert-NoSecret -Text ($streams + ($err | Out-String) + $err[0].Exception.Message)
        }

        It 'passes -MfaCode to aws-vault, and shows its refusal without one' {
            Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-mfa -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be "AwsMfaCodeRequired,$CmdletId"
            $err[0].Exception.Message | Should -Match "aws-vault needs an MFA code for profile 'vault-mfa'.*MFA prompt failed"
            $err[0].ErrorDetails.RecommendedAction | Should -Match '-MfaCode'

            Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-mfa -MfaCode 000000 -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be "AwsMfaCodeRejected,$CmdletId"

            (Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-mfa -MfaCode 654321 -PassThru).Action | Should -Be 'Stored'
            @(Get-Content -LiteralPath $VaultLog)[-1] | Should -Be '["export","--format=json","--mfa-token=654321","vault-mfa"]'
        }

        It 'does not call aws-vault itself for a profile whose credential_process already runs it' {
            Set-AwsConfig "[profile vault-proc]`ncredential_process = aws-vault export --format=json vault-dev"

            $verbose = Update-PoetryCodeArtifactToken -AuthMethod Vault -ProfileName vault-proc -Verbose -ErrorAction Stop 4>&1 | Out-String

            @(Get-Content -LiteralPath $VaultLog) | Should -Be @('["export","--format=json","vault-dev"]')
            $verbose | Should -Match 'whose credential_process already runs aws-vault'
            Get-StoredPassword -SourceName 'codeartifact' | Should -Match '^eyJ'
        }
    }

    Context 'assume-role profiles with MFA' {
        BeforeEach {
            Set-AwsConfig @"
[profile mfa-role]
role_arn = arn:aws:iam::111122223333:role/codeartifact-mfa
source_profile = base
mfa_serial = $MfaSerial
"@
        }

        It 'takes the code from -MfaCode, for scripts' -Tag 'Poetry' {
            $all = Update-PoetryCodeArtifactToken -ProfileName mfa-role -MfaCode 123456 -PassThru -Verbose *>&1

            ($all | Where-Object { $_.PSTypeNames -contains 'PoetryCaAuth.Model.TokenRefreshResult' }).Action | Should -Be 'Stored'
            $assume = Get-Request AssumeRole
            $assume.Count | Should -Be 1
            $assume[0].mfa | Should -Be 'given'
            $assume[0].accessKeyId | Should -Be $Id.AccessKeyId
            (Get-Request GetAuthorizationToken)[0].accessKeyId | Should -Be $assume[0].assumedAccessKeyId
            Assert-NoSecret -Text ($all | Out-String)
        }

        It 'asks for the code through the PowerShell host, hidden' {
            $testHost = [PoetryCaAuthTests.AnsweringHost]::new('123456')
            $runspace = [runspacefactory]::CreateRunspace($testHost)
            $runspace.Open()
            try {
                $ps = [powershell]::Create()
                $ps.Runspace = $runspace
                $null = $ps.AddScript({
                        param($Manifest, $Project)
                        Import-Module $Manifest
                        Set-Location -LiteralPath $Project
                        Update-PoetryCodeArtifactToken -ProfileName mfa-role -PassThru
                    }).AddArgument($ModuleManifest).AddArgument($Sandbox.Project)
                $results = $ps.Invoke()
                $errors = @($ps.Streams.Error)
            }
            finally {
                $runspace.Dispose()
            }

            $errors | Should -BeNullOrEmpty
            $results[0].Action | Should -Be 'Stored'
            $testHost.Answers.SecureReads | Should -Be 1
            $testHost.Answers.PlainReads | Should -Be 0
            ($testHost.Answers.Written -join '') | Should -Match ([regex]::Escape("MFA code for $MfaSerial (AWS profile 'mfa-role')"))
            (Get-Request AssumeRole)[0].mfa | Should -Be 'given'
        }

        It 'gives a non-interactive session without a code a clear error, never a hang' {
            $run = Invoke-UpdateInChild -Arguments '-ProfileName mfa-role' -NonInteractive -TimeoutSeconds 90

            $run.Result.Errors.Count | Should -Be 1
            $run.Result.Errors[0].Id | Should -Be "AwsMfaCodeRequired,$CmdletId"
            $run.Result.Errors[0].Message | Should -Match ([regex]::Escape("profile 'mfa-role' needs an MFA code for $MfaSerial"))
            $run.Result.Errors[0].Action | Should -Match '-MfaCode'
            $run.Seconds | Should -BeLessThan 60
            (Get-Request AssumeRole).Count | Should -Be 0
        }

        It 'reports a code STS does not accept' {
            Update-PoetryCodeArtifactToken -ProfileName mfa-role -MfaCode 000000 -ErrorAction SilentlyContinue -ErrorVariable err

            $err[0].FullyQualifiedErrorId | Should -Be "AwsMfaCodeRejected,$CmdletId"
            $err[0].Exception.Message | Should -Match "MFA code for AWS profile 'mfa-role' \($([regex]::Escape($MfaSerial))\) was not accepted"
            Test-Path (Get-PoetryAuthFile) | Should -BeFalse
        }

        It 'refuses an -MfaCode that is not six digits' {
            { Update-PoetryCodeArtifactToken -ProfileName mfa-role -MfaCode 12ab56 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,PoetryCaAuth.Commands.UpdatePoetryCodeArtifactTokenCommand'
        }
    }

    Context 'credential_process' {
        BeforeEach {
            $script:Helper = Join-Path $Sandbox.Root 'credential-helper'
        }

        It 'uses the keys a credential_process helper prints' {
            Set-Content -LiteralPath $Helper -Value @"
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "$($Other.AccessKeyId)", "SecretAccessKey": "$($Other.SecretAccessKey)"}'
"@
            chmod +x $Helper
            Set-AwsConfig "[profile granted]`ncredential_process = $Helper --profile team"
            New-PoetryProject -Path $Sandbox.Project -Source @{ Name = 'team'; Url = $Other.RepositoryUrl } | Out-Null

            $verbose = Update-PoetryCodeArtifactToken -ProfileName granted -Verbose -ErrorAction Stop 4>&1 | Out-String

            $verbose | Should -Match "profile 'granted' \(credential_process\)"
            (Get-Request GetAuthorizationToken)[0].accessKeyId | Should -Be $Other.AccessKeyId
            Get-StoredPassword -SourceName 'team' | Should -Match '^eyJ'
        }

        It 'shows the helper''s failure with the profile''s name, secrets masked' {
            Set-Content -LiteralPath $Helper -Value @"
#!/bin/sh
echo "granted: a browser sign-in is needed; cached SessionToken=IQoJb3JpZ2luX2VjSECRET0000000000" >&2
exit 3
"@
            chmod +x $Helper
            Set-AwsConfig "[profile granted]`ncredential_process = $Helper"

            Update-PoetryCodeArtifactToken -ProfileName granted -ErrorAction SilentlyContinue -ErrorVariable err

            $err[0].FullyQualifiedErrorId | Should -Be "AwsCredentialProcessFailed,$CmdletId"
            $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err[0].Exception.Message | Should -Match "credential_process of AWS profile 'granted' failed.*exit value 3.*a browser sign-in is needed"
            $err[0].Exception.Message | Should -Match 'SessionToken=\*\*\*'
            Assert-NoSecret -Text (($err | Out-String) + $err[0].Exception.Message)
        }
    }

    Context 'a profile per source' {
        BeforeEach {
            Set-AwsConfig @"
[profile acct-b]
role_arn = arn:aws:iam::444455556666:role/codeartifact-reader
source_profile = base
"@
            New-PoetryProject -Path $Sandbox.Project -Source @(
                @{ Name = 'one'; Url = $Id.RepositoryUrl }
                @{ Name = 'one-mirror'; Url = ($Id.RepositoryUrl -replace '/simple/$', '/') }
                @{ Name = 'two'; Url = $Other.RepositoryUrl }
            ) | Out-Null
        }

        AfterEach {
            $PSDefaultParameterValues.Remove('Update-PoetryCodeArtifactToken:ProfileName')
        }

        It 'stores sources of two accounts in one run, each with the profile the table in $PSDefaultParameterValues gives it' -Tag 'Poetry' {
            $PSDefaultParameterValues['Update-PoetryCodeArtifactToken:ProfileName'] = @{ 'one*' = 'base'; '444455556666' = 'acct-b' }

            $all = Update-PoetryCodeArtifactToken -PassThru -Verbose *>&1

            $results = $all | Where-Object { $_.PSTypeNames -contains 'PoetryCaAuth.Model.TokenRefreshResult' }
            $results.Action | Should -Be @('Stored', 'Stored', 'Stored')
            $tokens = Get-Request GetAuthorizationToken
            $tokens.Count | Should -Be 2   # one per domain/account/identity, not per source
            ($tokens | Where-Object domain -EQ 'my-domain').accessKeyId | Should -Be $Id.AccessKeyId
            $assumed = (Get-Request AssumeRole)[0]
            $assumed.role | Should -Be 'arn:aws:iam::444455556666:role/codeartifact-reader'
            ($tokens | Where-Object domain -EQ 'other-domain').accessKeyId | Should -Be $assumed.assumedAccessKeyId
            $text = $all | Out-String
            $text | Should -Match "Source 'one': credentials from profile 'base' \(-ProfileName table, source name pattern key 'one\*'\)"
            $text | Should -Match "Source 'two': credentials from profile 'acct-b' \(-ProfileName table, account key '444455556666'\)"
            Get-StoredPassword -SourceName 'one' | Should -Match '^eyJ'
            Get-StoredPassword -SourceName 'one-mirror' | Should -Be (Get-StoredPassword -SourceName 'one')
            Get-StoredPassword -SourceName 'two' | Should -Match '^eyJ'
            Get-StoredPassword -SourceName 'two' | Should -Not -Be (Get-StoredPassword -SourceName 'one')
            Assert-NoSecret -Text $text
        }

        It 'lets a ProfileName on a piped object win over the table, and the table serve the others' {
            $PSDefaultParameterValues['Update-PoetryCodeArtifactToken:ProfileName'] = @{ '*' = 'acct-b' }
            $repositories = Get-CodeArtifactRepository
            ($repositories | Where-Object Name -EQ 'one').ProfileName = 'base'
            ($repositories | Where-Object Name -EQ 'one-mirror').ProfileName = 'base'

            $verbose = $repositories | Update-PoetryCodeArtifactToken -Verbose -ErrorAction Stop 4>&1 | Out-String

            $verbose | Should -Match "Source 'one': credentials from profile 'base' \(the source's ProfileName\)"
            $verbose | Should -Match "Source 'two': credentials from profile 'acct-b' \(-ProfileName table, fallback key '\*'\)"
            ((Get-Request GetAuthorizationToken) | Where-Object domain -EQ 'my-domain').accessKeyId | Should -Be $Id.AccessKeyId
        }

        It 'binds ProfileName from CSV rows as before' {
            $rows = 'Name,Url,ProfileName', "one,$($Id.RepositoryUrl),base", "two,$($Other.RepositoryUrl),acct-b" | ConvertFrom-Csv

            ($rows | Update-PoetryCodeArtifactToken -PassThru -ErrorAction Stop).Action | Should -Be @('Stored', 'Stored')
            (Get-Request AssumeRole).Count | Should -Be 1
        }

        It 'refuses an unusable -ProfileName before any request: <Case>' -TestCases @(
            @{ Case = 'an empty profile name in the table'; Value = @{ 'one' = '' } }
            @{ Case = 'a list'; Value = @('base', 'acct-b') }
        ) {
            { Update-PoetryCodeArtifactToken -ProfileName $Value -ErrorAction Stop } | Should -Throw -ErrorId "ProfileNameInvalid,$CmdletId"
            @(Get-CodeArtifactEmulatorRequest -Emulator $Emulator).Count | Should -Be 0
        }
    }

    Context 'what the environment already provides' {
        It 'uses the SDK''s default chain for the method none: here a container role' {
            $env:POETRY_CA_AUTH_METHOD = 'none'
            $env:AWS_CONTAINER_CREDENTIALS_FULL_URI = "$($Emulator.Endpoint)/container/credentials"

            $verbose = Update-PoetryCodeArtifactToken -Verbose -ErrorAction Stop 4>&1 | Out-String

            $verbose | Should -Match "the AWS SDK's default credential chain"
            $role = Get-Request ContainerCredentials
            $role.Count | Should -Be 1
            (Get-Request GetAuthorizationToken)[0].accessKeyId | Should -Be $role[0].accessKeyId
        }
    }
}
