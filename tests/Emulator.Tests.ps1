#Requires -Version 5.1
<#
    Proves the local CodeArtifact emulator behaves like the service, using independent clients:
    the AWS CLI (botocore's own SigV4 signer), .NET HttpClient / Invoke-WebRequest through the
    emulator as an HTTP proxy, and pip. Nothing here is skipped: missing tools fail loudly.
#>

BeforeAll {
    Import-Module (Join-Path (Join-Path $PSScriptRoot 'helpers') 'Emulator.psm1') -Force

    if (-not (Get-Command aws -CommandType Application -ErrorAction SilentlyContinue)) {
        throw "The AWS CLI ('aws') is not on PATH. The emulator tests need it as an independent SigV4 client."
    }
    $script:Python = Get-CodeArtifactEmulatorPython   # throws when python3 is missing
    $script:Id = Get-CodeArtifactEmulatorIdentity
    $script:IndexHost = 'my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com'
    $script:IndexBase = "http://$script:IndexHost/pypi/pypi-store/simple"
    $script:NoFile = Join-Path ([System.IO.Path]::GetTempPath()) ('no-aws-config-' + [guid]::NewGuid().ToString('N'))

    function Invoke-Aws {
        <# Runs `aws codeartifact ...` against the emulator with credentials only in the child's environment. #>
        param(
            [Parameter(Mandatory)] $Emulator,
            [Parameter(Mandatory)] [string[]] $Arguments,
            [string] $Region = 'us-west-2',
            [hashtable] $Environment = @{}
        )
        $envVars = @{
            AWS_ACCESS_KEY_ID           = $script:Id.AccessKeyId
            AWS_SECRET_ACCESS_KEY       = $script:Id.SecretAccessKey
            AWS_SESSION_TOKEN           = $null
            AWS_SECURITY_TOKEN          = $null
            AWS_PROFILE                 = $null
            AWS_DEFAULT_PROFILE         = $null
            AWS_ENDPOINT_URL            = $null
            AWS_CONFIG_FILE             = $script:NoFile
            AWS_SHARED_CREDENTIALS_FILE = $script:NoFile
            AWS_EC2_METADATA_DISABLED   = 'true'
            AWS_MAX_ATTEMPTS            = '1'
            AWS_RETRY_MODE              = 'standard'
            AWS_PAGER                   = ''
            HTTP_PROXY                  = $null   # also clears http_proxy (see Invoke-CodeArtifactTestProcess)
            HTTPS_PROXY                 = $null
            ALL_PROXY                   = $null
        }
        foreach ($k in $Environment.Keys) { $envVars[$k] = $Environment[$k] }
        $allArgs = @('codeartifact') + $Arguments + @('--region', $Region, '--endpoint-url', $Emulator.Endpoint, '--output', 'json')
        $r = Invoke-CodeArtifactTestProcess -FilePath aws -ArgumentList $allArgs -Environment $envVars -TimeoutSeconds 90
        $json = $null
        if ($r.ExitCode -eq 0 -and $r.StdOut.Trim()) { $json = $r.StdOut | ConvertFrom-Json }
        $code = if ($r.StdErr -match 'An error occurred \(([A-Za-z]+)\)') { $Matches[1] } else { $null }
        [pscustomobject]@{ ExitCode = $r.ExitCode; Json = $json; ErrorCode = $code; StdErr = $r.StdErr }
    }

    function Get-Token {
        param([Parameter(Mandatory)] $Emulator, [string] $Domain = 'my-domain', [string] $Owner = '111122223333',
              [string] $Region = 'us-west-2')
        $r = Invoke-Aws -Emulator $Emulator -Region $Region -Arguments @('get-authorization-token', '--domain', $Domain, '--domain-owner', $Owner)
        if ($r.ExitCode -ne 0) { throw "get-authorization-token failed: $($r.StdErr)" }
        $r.Json.authorizationToken
    }

    function Invoke-IndexRequest {
        <#
            A request with .NET HttpClient: through the emulator as an HTTP proxy when -ProxyUrl is
            given (absolute-form request line), else direct with no proxy at all.
        #>
        param([Parameter(Mandatory)] [string] $Uri, [string] $ProxyUrl, [string] $User, [string] $Password,
              [string] $Method = 'GET')
        if ($PSVersionTable.PSVersion.Major -lt 6) { Add-Type -AssemblyName System.Net.Http }
        $handler = New-Object System.Net.Http.HttpClientHandler
        if ($ProxyUrl) {
            $handler.Proxy = New-Object System.Net.WebProxy($ProxyUrl)
            $handler.UseProxy = $true
        } else {
            $handler.UseProxy = $false
        }
        $handler.AllowAutoRedirect = $false
        $client = New-Object System.Net.Http.HttpClient($handler)
        try {
            $client.Timeout = [TimeSpan]::FromSeconds(15)
            $req = New-Object System.Net.Http.HttpRequestMessage((New-Object System.Net.Http.HttpMethod($Method)), $Uri)
            if ($User) {
                $b64 = [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes("${User}:$Password"))
                $req.Headers.Authorization = New-Object System.Net.Http.Headers.AuthenticationHeaderValue('Basic', $b64)
            }
            $resp = $client.SendAsync($req).GetAwaiter().GetResult()
            $bytes = $resp.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
            $headers = @{}
            foreach ($h in $resp.Headers) { $headers[$h.Key] = $h.Value -join ',' }
            [pscustomobject]@{
                StatusCode      = [int]$resp.StatusCode
                Headers         = $headers
                WwwAuthenticate = ($resp.Headers.WwwAuthenticate | ForEach-Object { $_.ToString() }) -join ', '
                ContentType     = "$($resp.Content.Headers.ContentType)"
                Bytes           = $bytes
                Text            = [System.Text.Encoding]::UTF8.GetString($bytes)
            }
        } finally { $client.Dispose() }
    }

    function Get-Sha256Hex([byte[]] $Bytes) {
        $sha = [System.Security.Cryptography.SHA256]::Create()
        try { -join ($sha.ComputeHash($Bytes) | ForEach-Object { $_.ToString('x2') }) } finally { $sha.Dispose() }
    }

    function ConvertFrom-Base64Url([string] $Text) {
        $s = $Text.Replace('-', '+').Replace('_', '/')
        switch ($s.Length % 4) { 2 { $s += '==' } 3 { $s += '=' } }
        [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s))
    }

    function Get-UnixNow { ([DateTimeOffset]::UtcNow).ToUnixTimeMilliseconds() / 1000.0 }

    function ConvertTo-UnixSecond($Value) {
        <# The wire format is epoch seconds (a JSON number); AWS CLI v1 passes it through, v2 renders ISO-8601. #>
        $n = 0.0
        if ([double]::TryParse("$Value", [Globalization.NumberStyles]::Float, [Globalization.CultureInfo]::InvariantCulture, [ref]$n)) { return $n }
        [DateTimeOffset]::Parse("$Value", [Globalization.CultureInfo]::InvariantCulture).ToUnixTimeMilliseconds() / 1000.0
    }
}

Describe 'CodeArtifact emulator: API through the AWS CLI' {
    BeforeAll { $script:Emu = Start-CodeArtifactEmulator -LifetimeSeconds 600 }
    AfterAll { if ($script:Emu) { Stop-CodeArtifactEmulator -Emulator $script:Emu } }

    It 'issues a realistic token for a correctly signed request' {
        $before = Get-UnixNow
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain', '--domain-owner', '111122223333')
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $token = $r.Json.authorizationToken
        $token | Should -Match '^eyJ[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+){4}$'
        $token.Length | Should -BeGreaterOrEqual 1100
        $token.Length | Should -BeLessOrEqual 1500   # real tokens run about 1,100 to 1,500 characters
        $header = ConvertFrom-Base64Url ($token.Split('.')[0]) | ConvertFrom-Json
        $header.alg | Should -Be 'A128GCMKW'
        $header.enc | Should -Be 'A128GCM'
        $header.exp - $header.isu | Should -Be 43200
        $exp = ConvertTo-UnixSecond $r.Json.expiration
        $exp | Should -BeGreaterOrEqual ($before + 43200 - 1)
        $exp | Should -BeLessOrEqual ((Get-UnixNow) + 43200 + 1)
        [math]::Floor($exp) | Should -Be $header.exp
    }

    It 'honours --duration-seconds and defaults the owner to the caller account' {
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain', '--duration-seconds', '900')
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $exp = ConvertTo-UnixSecond $r.Json.expiration
        [math]::Abs($exp - (Get-UnixNow) - 900) | Should -BeLessThan 10
    }

    It 'returns the repository endpoint (standard and dual-stack)' {
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-repository-endpoint', '--domain', 'my-domain', '--domain-owner', '111122223333', '--repository', 'pypi-store', '--format', 'pypi')
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.repositoryEndpoint | Should -BeExactly 'https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/'
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-repository-endpoint', '--domain', 'my-domain', '--repository', 'pypi-store', '--format', 'pypi', '--endpoint-type', 'dualstack')
        $r.Json.repositoryEndpoint | Should -BeExactly 'https://my-domain-111122223333.codeartifact.us-west-2.on.aws/pypi/pypi-store/'
    }

    It 'finds the second default domain only in its own region' {
        $r = Invoke-Aws -Emulator $Emu -Region 'eu-west-1' -Arguments @('get-repository-endpoint', '--domain', 'other-domain', '--domain-owner', '444455556666', '--repository', 'team-repo', '--format', 'pypi')
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.repositoryEndpoint | Should -BeExactly 'https://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/'
        $r = Invoke-Aws -Emulator $Emu -Region 'us-west-2' -Arguments @('get-authorization-token', '--domain', 'other-domain', '--domain-owner', '444455556666')
        $r.ErrorCode | Should -Be 'ResourceNotFoundException'
    }

    It 'rejects a wrong secret key with InvalidSignatureException' {
        $r = Invoke-Aws -Emulator $Emu -Environment @{ AWS_SECRET_ACCESS_KEY = 'not-the-right-secret' } -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ExitCode | Should -Not -Be 0
        $r.ErrorCode | Should -Be 'InvalidSignatureException'
        $r.StdErr | Should -Match 'The request signature we calculated does not match the signature you provided'
    }

    It 'rejects an unknown access key with UnrecognizedClientException' {
        $r = Invoke-Aws -Emulator $Emu -Environment @{ AWS_ACCESS_KEY_ID = 'AKIAUNKNOWNKEY000000' } -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ErrorCode | Should -Be 'UnrecognizedClientException'
        $r.StdErr | Should -Match 'The security token included in the request is invalid'
    }

    It 'rejects a duration outside 0 and 900..43200 with ValidationException' {
        foreach ($d in '100', '43201') {
            $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain', '--duration-seconds', $d)
            $r.ErrorCode | Should -Be 'ValidationException' -Because "duration $d"
        }
    }

    It 'rejects a malformed domain name with ValidationException' {
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'My_Domain')
        $r.ErrorCode | Should -Be 'ValidationException'
        $r.StdErr | Should -Match "at 'domain' failed to satisfy constraint"
    }

    It 'answers ResourceNotFoundException for an unknown domain or repository' {
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'no-such-domain', '--domain-owner', '111122223333')
        $r.ErrorCode | Should -Be 'ResourceNotFoundException'
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-repository-endpoint', '--domain', 'my-domain', '--repository', 'no-such-repo', '--format', 'pypi')
        $r.ErrorCode | Should -Be 'ResourceNotFoundException'
    }

    It 'answers unsigned requests with the service error shape' {
        $r = Invoke-IndexRequest -Method POST -Uri "$($Emu.Endpoint)/v1/authorization-token?domain=my-domain&domain-owner=111122223333"
        $r.StatusCode | Should -Be 403
        $r.ContentType | Should -Match '^application/json'
        $r.Headers['x-amzn-ErrorType'] | Should -BeExactly 'MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.coral.service/'
        $r.Headers['x-amzn-RequestId'] | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        ($r.Text | ConvertFrom-Json).message | Should -Be 'Missing Authentication Token'
    }

    It 'logs API requests with operation, domain, region and key id' {
        $log = @(Get-CodeArtifactEmulatorRequest -Emulator $Emu -Operation GetAuthorizationToken)
        $log.Count | Should -BeGreaterThan 0
        $ok = @($log | Where-Object { $_.status -eq 200 })[0]
        $ok.kind | Should -Be 'api'
        $ok.domain | Should -Be 'my-domain'
        $ok.owner | Should -Be '111122223333'
        $ok.region | Should -Be 'us-west-2'
        $ok.accessKeyId | Should -Be $Id.AccessKeyId
        @($log | Where-Object { $_.errorType -eq 'InvalidSignatureException' }).Count | Should -BeGreaterThan 0
    }
}

Describe 'CodeArtifact emulator: faults' {
    BeforeAll { $script:Emu = Start-CodeArtifactEmulator -LifetimeSeconds 600 }
    AfterAll { if ($script:Emu) { Stop-CodeArtifactEmulator -Emulator $script:Emu } }
    AfterEach { Reset-CodeArtifactEmulator -Emulator $Emu }

    It 'clock skew makes the signature expired' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ clockSkewSeconds = 900 } | Out-Null
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ErrorCode | Should -Be 'InvalidSignatureException'
        $r.StdErr | Should -Match 'Signature expired: \d{8}T\d{6}Z is now earlier than'
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ clockSkewSeconds = -900 } | Out-Null
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.StdErr | Should -Match 'Signature not yet current'
    }

    It 'sends a Date header that follows its skewed clock' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ clockSkewSeconds = 7200 } | Out-Null
        $response = Invoke-WebRequest -Uri "$($Emu.Endpoint)/__emulator/health" -NoProxy -TimeoutSec 15
        $date = [DateTimeOffset]::Parse("$($response.Headers['Date'])", [Globalization.CultureInfo]::InvariantCulture)
        ($date - [DateTimeOffset]::UtcNow).TotalSeconds | Should -BeGreaterThan 7100
        ($date - [DateTimeOffset]::UtcNow).TotalSeconds | Should -BeLessThan 7300
    }

    It 'throttles the next N requests with ThrottlingException (HTTP 429)' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ throttle = 1 } | Out-Null
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ErrorCode | Should -Be 'ThrottlingException'
        (Get-CodeArtifactEmulatorRequest -Emulator $Emu -Kind api)[0].status | Should -Be 429
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ExitCode | Should -Be 0 -Because 'the fault applied to one request only'
    }

    It 'answers InternalServerException for error500' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ error500 = 1 } | Out-Null
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ErrorCode | Should -Be 'InternalServerException'
    }

    It 'drops the connection without a response' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ drop = 1 } | Out-Null
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ExitCode | Should -Not -Be 0
        $r.StdErr | Should -Match 'Connection was closed'
    }

    It 'returns a 200 with an unparsable body for malformedJson' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ malformedJson = 1 } | Out-Null
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        if ($r.Json) { $r.Json.PSObject.Properties.Name | Should -Not -Contain 'authorizationToken' }
        (Get-CodeArtifactEmulatorRequest -Emulator $Emu -Kind api)[0].errorType | Should -Be 'MalformedJson'
    }

    It 'delays responses by delayMs' {
        Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ delayMs = 1500; delayCount = 1 } | Out-Null
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $sw.Stop()
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $sw.ElapsedMilliseconds | Should -BeGreaterOrEqual 1500
    }

    It 'refuses unknown fault names' {
        { Set-CodeArtifactEmulatorFault -Emulator $Emu -Fault @{ explode = 1 } } | Should -Throw
    }
}

Describe 'CodeArtifact emulator: configured identities and policies' {
    BeforeAll {
        $script:SessionExp = [long](Get-UnixNow) + 1234
        $config = @{
            identities = @(
                @{ accessKeyId = 'AKIAEMULATOR00000001'; secretAccessKey = 'emulatorSecretKey0000000000000000000001'; arn = 'arn:aws:iam::111122223333:user/emulator-user'; account = '111122223333' },
                @{ accessKeyId = 'ASIAEMULATORSESSION1'; secretAccessKey = 'sessionSecret0000000000000000000000000001'; sessionToken = 'FwoGZXIvYXdzEmulatorSessionToken'; sessionExpiration = $script:SessionExp; arn = 'arn:aws:sts::111122223333:assumed-role/dev/alice'; account = '111122223333' },
                @{ accessKeyId = 'ASIAEMULATOREXPIRED1'; secretAccessKey = 'expiredSecret0000000000000000000000000001'; sessionToken = 'FwoGZXIvYXdzExpired'; expired = $true; arn = 'arn:aws:sts::111122223333:assumed-role/dev/bob'; account = '111122223333' }
            )
            domains    = @(
                @{ name = 'locked-domain'; owner = '111122223333'; region = 'us-east-1'; allowedArns = @('arn:aws:sts::111122223333:assumed-role/dev/alice')
                   repositories = @(@{ name = 'pypi-store'; packages = @(@{ name = 'locked-pkg'; version = '0.1.0' }) }) }
            )
        }
        $script:ConfigFile = Join-Path ([System.IO.Path]::GetTempPath()) ('ca-emulator-config-' + [guid]::NewGuid().ToString('N') + '.json')
        ConvertTo-Json -InputObject $config -Depth 8 | Set-Content -LiteralPath $script:ConfigFile -Encoding ASCII
        $script:Emu = Start-CodeArtifactEmulator -ConfigPath $script:ConfigFile -LifetimeSeconds 600
        $script:Alice = @{ AWS_ACCESS_KEY_ID = 'ASIAEMULATORSESSION1'; AWS_SECRET_ACCESS_KEY = 'sessionSecret0000000000000000000000000001'; AWS_SESSION_TOKEN = 'FwoGZXIvYXdzEmulatorSessionToken' }
    }
    AfterAll {
        if ($script:Emu) { Stop-CodeArtifactEmulator -Emulator $script:Emu }
        Remove-Item -LiteralPath $script:ConfigFile -ErrorAction SilentlyContinue
    }

    It 'requires the session token of a session identity' {
        $noToken = $Alice.Clone(); $noToken.AWS_SESSION_TOKEN = $null
        $r = Invoke-Aws -Emulator $Emu -Region us-east-1 -Environment $noToken -Arguments @('get-authorization-token', '--domain', 'locked-domain')
        $r.ErrorCode | Should -Be 'UnrecognizedClientException'
        $r = Invoke-Aws -Emulator $Emu -Region us-east-1 -Environment $Alice -Arguments @('get-authorization-token', '--domain', 'locked-domain')
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
    }

    It 'gives duration 0 the lifetime of the session' {
        $r = Invoke-Aws -Emulator $Emu -Region us-east-1 -Environment $Alice -Arguments @('get-authorization-token', '--domain', 'locked-domain', '--duration-seconds', '0')
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        ConvertTo-UnixSecond $r.Json.expiration | Should -Be $SessionExp
    }

    It 'answers ExpiredTokenException for expired credentials' {
        $bob = @{ AWS_ACCESS_KEY_ID = 'ASIAEMULATOREXPIRED1'; AWS_SECRET_ACCESS_KEY = 'expiredSecret0000000000000000000000000001'; AWS_SESSION_TOKEN = 'FwoGZXIvYXdzExpired' }
        $r = Invoke-Aws -Emulator $Emu -Region us-east-1 -Environment $bob -Arguments @('get-authorization-token', '--domain', 'locked-domain')
        $r.ErrorCode | Should -Be 'ExpiredTokenException'
    }

    It 'denies callers outside allowedArns with the service message' {
        $r = Invoke-Aws -Emulator $Emu -Region us-east-1 -Arguments @('get-authorization-token', '--domain', 'locked-domain')
        $r.ErrorCode | Should -Be 'AccessDeniedException'
        $r.StdErr | Should -Match ([regex]::Escape('User: arn:aws:iam::111122223333:user/emulator-user is not authorized to perform: codeartifact:GetAuthorizationToken on resource: arn:aws:codeartifact:us-east-1:111122223333:domain/locked-domain'))
    }

    It 'replaces the default domains with the configured ones' {
        $r = Invoke-Aws -Emulator $Emu -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $r.ErrorCode | Should -Be 'ResourceNotFoundException'
    }
}

Describe 'CodeArtifact emulator: PEP 503 index through the HTTP proxy' {
    BeforeAll {
        $script:Emu = Start-CodeArtifactEmulator -LifetimeSeconds 600
        $script:Token = Get-Token -Emulator $script:Emu
        $script:ProjectUrl = "$script:IndexBase/hello-private/"
    }
    AfterAll { if ($script:Emu) { Stop-CodeArtifactEmulator -Emulator $script:Emu } }

    It 'answers 401 with a Basic challenge when no credentials are sent' {
        $r = Invoke-IndexRequest -Uri $ProjectUrl -ProxyUrl $Emu.ProxyUrl
        $r.StatusCode | Should -Be 401
        $r.WwwAuthenticate | Should -Be "Basic realm=`"$IndexHost`""
    }

    It 'answers 401 for a made-up token, a wrong user name or another domain''s token' {
        (Invoke-IndexRequest -Uri $ProjectUrl -ProxyUrl $Emu.ProxyUrl -User aws -Password ('eyJ' + ('A' * 1200))).StatusCode | Should -Be 401
        (Invoke-IndexRequest -Uri $ProjectUrl -ProxyUrl $Emu.ProxyUrl -User 'someone' -Password $Token).StatusCode | Should -Be 401
        $other = Get-Token -Emulator $Emu -Domain 'other-domain' -Owner '444455556666' -Region 'eu-west-1'
        (Invoke-IndexRequest -Uri $ProjectUrl -ProxyUrl $Emu.ProxyUrl -User aws -Password $other).StatusCode | Should -Be 401
        (Invoke-IndexRequest -Uri 'http://other-domain-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/team-repo/simple/hello-other/' -ProxyUrl $Emu.ProxyUrl -User aws -Password $other).StatusCode | Should -Be 200
    }

    It 'serves the project page and a wheel whose sha256 matches the link' {
        $page = Invoke-IndexRequest -Uri $ProjectUrl -ProxyUrl $Emu.ProxyUrl -User aws -Password $Token
        $page.StatusCode | Should -Be 200
        $page.ContentType | Should -Match 'text/html'
        $page.Text -match '<a href="([^"#]+)#sha256=([0-9a-f]{64})"' | Should -BeTrue
        $fileUrl, $sha = $Matches[1], $Matches[2]
        $fileUrl | Should -BeExactly "$IndexBase/hello-private/1.0.0/hello_private-1.0.0-py3-none-any.whl"
        $wheel = Invoke-IndexRequest -Uri $fileUrl -ProxyUrl $Emu.ProxyUrl -User aws -Password $Token
        $wheel.StatusCode | Should -Be 200
        $wheel.ContentType | Should -Match 'octet-stream'
        Get-Sha256Hex $wheel.Bytes | Should -Be $sha
        (Invoke-IndexRequest -Uri $fileUrl -ProxyUrl $Emu.ProxyUrl).StatusCode | Should -Be 401
    }

    It 'works with Invoke-WebRequest -Proxy and accepts the non-slash, non-normalized project name' {
        $b64 = [Convert]::ToBase64String([System.Text.Encoding]::ASCII.GetBytes("aws:$Token"))
        $resp = Invoke-WebRequest -Uri "$IndexBase/Hello_Private" -Proxy $Emu.ProxyUrl -Headers @{ Authorization = "Basic $b64" } -UseBasicParsing
        $resp.StatusCode | Should -Be 200
        $resp.Content | Should -Match 'hello_private-1\.0\.0-py3-none-any\.whl#sha256='
    }

    It 'answers 404 for the root listing and for unknown projects or repositories' {
        (Invoke-IndexRequest -Uri "$IndexBase/" -ProxyUrl $Emu.ProxyUrl -User aws -Password $Token).StatusCode | Should -Be 404
        (Invoke-IndexRequest -Uri "$IndexBase/no-such-project/" -ProxyUrl $Emu.ProxyUrl -User aws -Password $Token).StatusCode | Should -Be 404
        (Invoke-IndexRequest -Uri "http://$IndexHost/pypi/other-repo/simple/hello-private/" -ProxyUrl $Emu.ProxyUrl -User aws -Password $Token).StatusCode | Should -Be 404
    }

    It 'refuses to proxy any other host (403) and never serves admin endpoints through the proxy' {
        $r = Invoke-IndexRequest -Uri 'http://example.com/' -ProxyUrl $Emu.ProxyUrl
        $r.StatusCode | Should -Be 403
        $r.Text | Should -Match 'never forwards'
        (Invoke-IndexRequest -Uri "$($Emu.Endpoint)/__emulator/health" -ProxyUrl $Emu.ProxyUrl).StatusCode | Should -Be 403
        (Invoke-CodeArtifactEmulatorAdmin -Emulator $Emu -Path health).ok | Should -BeTrue
    }

    It 'never writes tokens, secrets or Authorization values into the request log' {
        $params = @{ Uri = "$($Emu.Endpoint)/__emulator/requests"; UseBasicParsing = $true }
        if ($PSVersionTable.PSVersion.Major -ge 6) { $params.NoProxy = $true }
        $raw = (Invoke-WebRequest @params).Content
        $file = Get-Content -LiteralPath $Emu.LogFile -Raw
        foreach ($text in $raw, $file) {
            $text | Should -Match 'IndexProjectPage'
            $text.Contains($Token.Substring(0, 60)) | Should -BeFalse
            $text.Contains($Token.Split('.')[3].Substring(0, 40)) | Should -BeFalse
            $text.Contains($Id.SecretAccessKey) | Should -BeFalse
            $text | Should -Not -Match 'Basic [A-Za-z0-9+/=]{20,}'
            $text | Should -Not -Match 'AWS4-HMAC-SHA256'
        }
    }

    It 'answers 401 once the tokens are expired' {
        Revoke-CodeArtifactEmulatorToken -Emulator $Emu | Should -BeGreaterThan 0
        (Invoke-IndexRequest -Uri $ProjectUrl -ProxyUrl $Emu.ProxyUrl -User aws -Password $Token).StatusCode | Should -Be 401
    }
}

Describe 'CodeArtifact emulator: pip through the HTTP proxy' {
    BeforeAll {
        $script:Emu = Start-CodeArtifactEmulator -LifetimeSeconds 600
        $script:Token = Get-Token -Emulator $script:Emu
        $script:Dest = Join-Path ([System.IO.Path]::GetTempPath()) ('ca-emulator-pip-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $script:Dest | Out-Null
    }
    AfterAll {
        if ($script:Emu) { Stop-CodeArtifactEmulator -Emulator $script:Emu }
        Remove-Item -LiteralPath $script:Dest -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'pip download gets the wheel with credentials in the index URL' {
        $indexUrl = "http://aws:$Token@$IndexHost/pypi/pypi-store/simple/"
        $r = Invoke-CodeArtifactTestProcess -FilePath $Python -TimeoutSeconds 180 -ArgumentList @(
            '-m', 'pip', 'download', '--no-deps', '--no-cache-dir', '--isolated', '--disable-pip-version-check',
            '--trusted-host', $IndexHost, '--index-url', $indexUrl, '-d', $Dest, 'hello-private') -Environment @{
            HTTP_PROXY = $Emu.ProxyUrl; HTTPS_PROXY = $null; ALL_PROXY = $null; NO_PROXY = ''; PIP_NO_INDEX = $null; PIP_INDEX_URL = $null; PIP_EXTRA_INDEX_URL = $null
            PIP_CONFIG_FILE = $null; PIP_KEYRING_PROVIDER = 'disabled'
        }
        $output = ($r.StdOut + $r.StdErr).Replace($Token, '<token>')
        $r.ExitCode | Should -Be 0 -Because $output
        $wheel = Join-Path $Dest 'hello_private-1.0.0-py3-none-any.whl'
        Test-Path -LiteralPath $wheel | Should -BeTrue -Because $output
        $log = @(Get-CodeArtifactEmulatorRequest -Emulator $Emu -Kind index | Where-Object { $_.status -eq 200 })
        $log.operation | Should -Contain 'IndexProjectPage'
        $log.operation | Should -Contain 'IndexDownload'
    }
}

Describe 'CodeArtifact emulator: sign-in services through the AWS CLI' {
    BeforeAll {
        $script:Emu = Start-CodeArtifactEmulator -LifetimeSeconds 600
        # CLI v1 would fetch an https:// parameter value (the start URL) unless told not to.
        $script:CliConfig = Join-Path ([System.IO.Path]::GetTempPath()) ('ca-emulator-cli-' + [guid]::NewGuid().ToString('N'))
        Set-Content -LiteralPath $script:CliConfig -Value "[default]`ncli_follow_urlparam = false"

        function Invoke-AwsCli {
            <# Any `aws` command against the emulator; returns ExitCode, Json, ErrorCode and StdErr like Invoke-Aws. #>
            param([string[]] $Arguments, [hashtable] $Environment = @{})
            $envVars = @{
                AWS_ACCESS_KEY_ID = $script:Id.AccessKeyId; AWS_SECRET_ACCESS_KEY = $script:Id.SecretAccessKey; AWS_SESSION_TOKEN = $null
                AWS_PROFILE = $null; AWS_DEFAULT_PROFILE = $null; AWS_ENDPOINT_URL = $null; AWS_CONFIG_FILE = $script:CliConfig
                AWS_SHARED_CREDENTIALS_FILE = $script:NoFile; AWS_EC2_METADATA_DISABLED = 'true'; AWS_MAX_ATTEMPTS = '1'
                AWS_DEFAULT_REGION = 'us-east-1'; AWS_PAGER = ''; HTTP_PROXY = $null; HTTPS_PROXY = $null; ALL_PROXY = $null
            }
            foreach ($k in $Environment.Keys) { $envVars[$k] = $Environment[$k] }
            $r = Invoke-CodeArtifactTestProcess -FilePath aws -ArgumentList ($Arguments + @('--endpoint-url', $script:Emu.Endpoint, '--output', 'json')) `
                -Environment $envVars -TimeoutSeconds 90
            $json = if ($r.ExitCode -eq 0 -and $r.StdOut.Trim()) { $r.StdOut | ConvertFrom-Json } else { $null }
            $code = if ($r.StdErr -match 'An error occurred \(([A-Za-z]+)\)') { $Matches[1] } else { $null }
            [pscustomobject]@{ ExitCode = $r.ExitCode; Json = $json; ErrorCode = $code; StdErr = $r.StdErr }
        }
    }
    AfterAll {
        if ($script:Emu) { Stop-CodeArtifactEmulator -Emulator $script:Emu }
        Remove-Item -LiteralPath $script:CliConfig -ErrorAction SilentlyContinue
    }

    It 'STS AssumeRole checks the MFA serial and code, and its credentials work for CodeArtifact' {
        $role = @('sts', 'assume-role', '--role-arn', 'arn:aws:iam::111122223333:role/codeartifact-mfa', '--role-session-name', 'tests')
        (Invoke-AwsCli -Arguments $role).ErrorCode | Should -Be 'AccessDenied'
        $mfa = @('--serial-number', 'arn:aws:iam::111122223333:mfa/emulator-user')
        $wrong = Invoke-AwsCli -Arguments ($role + $mfa + @('--token-code', '000000'))
        $wrong.StdErr | Should -Match 'MultiFactorAuthentication failed with invalid MFA one time pass code'

        $ok = Invoke-AwsCli -Arguments ($role + $mfa + @('--token-code', '123456'))
        $ok.ExitCode | Should -Be 0 -Because $ok.StdErr
        $ok.Json.AssumedRoleUser.Arn | Should -Be 'arn:aws:sts::111122223333:assumed-role/codeartifact-mfa/tests'
        $c = $ok.Json.Credentials
        $token = Invoke-Aws -Emulator $Emu -Environment @{ AWS_ACCESS_KEY_ID = $c.AccessKeyId; AWS_SECRET_ACCESS_KEY = $c.SecretAccessKey; AWS_SESSION_TOKEN = $c.SessionToken } `
            -Arguments @('get-authorization-token', '--domain', 'my-domain')
        $token.ExitCode | Should -Be 0 -Because $token.StdErr
        $who = Invoke-AwsCli -Arguments @('sts', 'get-caller-identity') -Environment @{ AWS_ACCESS_KEY_ID = $c.AccessKeyId; AWS_SECRET_ACCESS_KEY = $c.SecretAccessKey; AWS_SESSION_TOKEN = $c.SessionToken }
        $who.Json.Arn | Should -Be $ok.Json.AssumedRoleUser.Arn
    }

    It 'SSO OIDC runs a device authorization: pending until approved, then a token the SSO portal accepts' {
        $client = (Invoke-AwsCli -Arguments @('sso-oidc', 'register-client', '--client-name', 'tests', '--client-type', 'public')).Json
        $client.clientId | Should -Not -BeNullOrEmpty
        $start = Invoke-AwsCli -Arguments @('sso-oidc', 'start-device-authorization', '--client-id', $client.clientId, '--client-secret', $client.clientSecret,
            '--start-url', 'https://corp.awsapps.com/start')
        $start.ExitCode | Should -Be 0 -Because $start.StdErr
        $start.Json.verificationUriComplete | Should -Be "$($Emu.Endpoint)/device?user_code=$($start.Json.userCode)"
        $create = @('sso-oidc', 'create-token', '--client-id', $client.clientId, '--client-secret', $client.clientSecret,
            '--grant-type', 'urn:ietf:params:oauth:grant-type:device_code', '--device-code', $start.Json.deviceCode)
        $pending = Invoke-AwsCli -Arguments $create
        $pending.ErrorCode | Should -Be 'AuthorizationPendingException' -Because $pending.StdErr

        Approve-CodeArtifactEmulatorSignIn -Emulator $Emu -UserCode $start.Json.userCode | Should -Be 1
        $token = Invoke-AwsCli -Arguments $create
        $token.ExitCode | Should -Be 0 -Because $token.StdErr
        $token.Json.tokenType | Should -Be 'Bearer'

        $role = Invoke-AwsCli -Arguments @('sso', 'get-role-credentials', '--account-id', '444455556666', '--role-name', 'Developer', '--access-token', $token.Json.accessToken)
        $role.ExitCode | Should -Be 0 -Because $role.StdErr
        $role.Json.roleCredentials.accessKeyId | Should -Match '^ASIA'
        (Invoke-AwsCli -Arguments @('sso', 'get-role-credentials', '--account-id', '444455556666', '--role-name', 'Developer', '--access-token', 'not-a-token')).ErrorCode |
            Should -Be 'UnauthorizedException'
        (Invoke-AwsCli -Arguments @('sso', 'get-role-credentials', '--account-id', '444455556666', '--role-name', 'Admin', '--access-token', $token.Json.accessToken)).ErrorCode |
            Should -Be 'ForbiddenException'
        # The exchange is logged, never the tokens.
        $log = Invoke-CodeArtifactEmulatorAdmin -Emulator $Emu -Path requests | ConvertTo-Json -Depth 4
        $log | Should -Not -Match ([regex]::Escape($token.Json.accessToken))
        $log | Should -Not -Match ([regex]::Escape($client.clientSecret))
    }

    It 'never issues a client secret or device code that starts with a dash (a command line would take it for an option)' {
        $codes = foreach ($i in 1..150) {
            $client = Invoke-RestMethod -Method Post -Uri "$($Emu.Endpoint)/client/register" -ContentType 'application/json' `
                -Body '{"clientName":"tests","clientType":"public"}'
            $client.clientSecret
            (Invoke-RestMethod -Method Post -Uri "$($Emu.Endpoint)/device_authorization" -ContentType 'application/json' `
                -Body (@{ clientId = $client.clientId; clientSecret = $client.clientSecret; startUrl = 'https://corp.awsapps.com/start' } | ConvertTo-Json)).deviceCode
        }
        @($codes).Count | Should -Be 300
        @($codes | Where-Object { $_ -like '-*' }) | Should -BeNullOrEmpty
    }

    It 'auto-approves after the configured number of polls, and refreshes with the refresh token' {
        Set-CodeArtifactEmulatorSso -Emulator $Emu -Setting @{ autoApproveAfterPolls = 1 } | Out-Null
        try {
            $client = (Invoke-AwsCli -Arguments @('sso-oidc', 'register-client', '--client-name', 'tests', '--client-type', 'public')).Json
            $start = (Invoke-AwsCli -Arguments @('sso-oidc', 'start-device-authorization', '--client-id', $client.clientId, '--client-secret', $client.clientSecret,
                    '--start-url', 'https://corp.awsapps.com/start')).Json
            $create = @('sso-oidc', 'create-token', '--client-id', $client.clientId, '--client-secret', $client.clientSecret,
                '--grant-type', 'urn:ietf:params:oauth:grant-type:device_code', '--device-code', $start.deviceCode)
            $client.clientId | Should -Not -BeNullOrEmpty
            $start.deviceCode | Should -Not -BeNullOrEmpty
            $pending = Invoke-AwsCli -Arguments $create
            $pending.ErrorCode | Should -Be 'AuthorizationPendingException' -Because $pending.StdErr
            $token = (Invoke-AwsCli -Arguments $create).Json
            $token.accessToken | Should -Not -BeNullOrEmpty

            $refreshed = Invoke-AwsCli -Arguments @('sso-oidc', 'create-token', '--client-id', $client.clientId, '--client-secret', $client.clientSecret,
                '--grant-type', 'refresh_token', '--refresh-token', $token.refreshToken)
            $refreshed.ExitCode | Should -Be 0 -Because $refreshed.StdErr
            $refreshed.Json.accessToken | Should -Not -Be $token.accessToken
        }
        finally {
            Reset-CodeArtifactEmulator -Emulator $Emu
        }
    }
}
