using System.Net;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Core.Tests;

public sealed class CodeArtifactErrorTests
{
    private static readonly RequestContext Context = new("GetAuthorizationToken",
        new Uri("https://codeartifact.us-west-2.amazonaws.com/"), "us-west-2", "my-domain", "111122223333", "profile 'dev'");

    [Theory]
    [InlineData(403, "AccessDeniedException", ErrorKind.PermissionDenied, "CodeArtifactAccessDenied")]
    [InlineData(403, "ExpiredTokenException", ErrorKind.Authentication, "AwsCredentialsExpired")]
    [InlineData(400, "ExpiredToken", ErrorKind.Authentication, "AwsCredentialsExpired")]
    [InlineData(403, "UnrecognizedClientException", ErrorKind.Authentication, "AwsCredentialsInvalid")]
    [InlineData(403, "InvalidClientTokenId", ErrorKind.Authentication, "AwsCredentialsInvalid")]
    [InlineData(403, "InvalidSignatureException", ErrorKind.Authentication, "AwsSignatureRejected")]
    [InlineData(403, "SignatureDoesNotMatch", ErrorKind.Authentication, "AwsSignatureRejected")]
    [InlineData(403, "MissingAuthenticationTokenException", ErrorKind.Authentication, "AwsCredentialsInvalid")]
    [InlineData(404, "ResourceNotFoundException", ErrorKind.NotFound, "CodeArtifactDomainNotFound")]
    [InlineData(400, "ValidationException", ErrorKind.InvalidArgument, "CodeArtifactRequestInvalid")]
    [InlineData(429, "ThrottlingException", ErrorKind.Throttled, "CodeArtifactThrottled")]
    [InlineData(400, "ThrottlingException", ErrorKind.Throttled, "CodeArtifactThrottled")]
    [InlineData(429, null, ErrorKind.Throttled, "CodeArtifactThrottled")]
    [InlineData(500, "InternalServerException", ErrorKind.ServiceError, "CodeArtifactServiceError")]
    [InlineData(503, null, ErrorKind.ServiceError, "CodeArtifactServiceError")]
    [InlineData(502, "BadGateway", ErrorKind.ServiceError, "CodeArtifactServiceError")]
    [InlineData(409, "ConflictException", ErrorKind.ServiceError, "CodeArtifactRequestFailed")]
    [InlineData(418, null, ErrorKind.ServiceError, "CodeArtifactRequestFailed")]
    public void EachErrorType_MapsToItsKindAndId(int status, string? code, ErrorKind kind, string errorId)
    {
        PoetryCaAuthException e = CodeArtifactErrorMapper.Map(ServiceError.Create(status, code, "service detail"), Context);

        Assert.Equal(kind, e.Kind);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains("service detail", e.Message);
        Assert.Equal("my-domain-111122223333", e.Target);
        Assert.False(string.IsNullOrWhiteSpace(e.RecommendedAction));
    }

    [Theory]
    [InlineData("AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.codeartifact/", "AccessDeniedException")]
    [InlineData("aws.protocoltests.restjson#ValidationException", "ValidationException")]
    [InlineData("com.amazonaws.codeartifact#ThrottlingException:http://x", "ThrottlingException")]
    [InlineData("", "Http404")]
    [InlineData(null, "Http404")]
    public void Create_NormalisesTheErrorCode(string? raw, string expected)
    {
        Assert.Equal(expected, ServiceError.Create(404, raw, null).Code);
    }

    [Theory]
    [InlineData("User: arn:aws:sts::111122223333:assumed-role/Dev/alice@example.com is not authorized to perform: codeartifact:GetAuthorizationToken on resource: arn:aws:codeartifact:us-west-2:111122223333:domain/my-domain",
        "arn:aws:sts::111122223333:assumed-role/Dev/alice@example.com")]
    [InlineData("User: arn:aws:iam::444455556666:user/bob is not authorized to perform: sts:GetServiceBearerToken, because no identity-based policy allows it",
        "arn:aws:iam::444455556666:user/bob")]
    [InlineData("User: arn:aws-us-gov:iam::444455556666:user/gov, is not authorized", "arn:aws-us-gov:iam::444455556666:user/gov")]
    public void AccessDenied_NamesTheIdentityFromTheMessage(string message, string arn)
    {
        PoetryCaAuthException e = CodeArtifactErrorMapper.Map(ServiceError.Create(403, "AccessDeniedException", message), Context);

        Assert.StartsWith(arn + " may not", e.Message);
        Assert.Contains(arn, e.RecommendedAction);
        Assert.Contains("domain 'my-domain' (owner 111122223333, region us-west-2)", e.Message);
    }

    [Fact]
    public void AccessDenied_WithoutAnArn_NamesTheCredentialSource()
    {
        PoetryCaAuthException e = CodeArtifactErrorMapper.Map(ServiceError.Create(403, "AccessDeniedException", "Access denied"), Context);

        Assert.StartsWith("profile 'dev' may not", e.Message);
    }

    [Theory]
    [InlineData(429, "ThrottlingException", true)]
    [InlineData(400, "ThrottlingException", true)]
    [InlineData(400, "TooManyRequestsException", true)]
    [InlineData(408, "RequestTimeout", true)]
    [InlineData(500, "InternalServerException", true)]
    [InlineData(502, null, true)]
    [InlineData(503, "ServiceUnavailableException", true)]
    [InlineData(504, null, true)]
    [InlineData(403, "AccessDeniedException", false)]
    [InlineData(403, "InvalidSignatureException", false)]
    [InlineData(404, "ResourceNotFoundException", false)]
    [InlineData(400, "ValidationException", false)]
    [InlineData(409, "ConflictException", false)]
    public void RetryableClassification(int status, string? code, bool retryable)
    {
        Assert.Equal(retryable, ServiceError.Create(status, code, "m").IsRetryable);
    }

    [Theory]
    [InlineData("InvalidSignatureException", "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)", true)]
    [InlineData("InvalidSignatureException", "Signature not yet current: 20260101T003000Z is still later than 20260101T002000Z (20260101T001500Z + 5 min.)", true)]
    [InlineData("InvalidSignatureException", "The request signature we calculated does not match the signature you provided.", false)]
    [InlineData("AccessDeniedException", "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z", false)]
    [InlineData("InvalidSignatureException", "", false)]
    public void ClockSkewDetection(string code, string message, bool skew)
    {
        Assert.Equal(skew, ServiceError.Create(403, code, message).IsClockSkew);
    }

    [Fact]
    public void From_ReadsTheHeaderAndTheJsonMessage()
    {
        HttpResponseMessage response = FakeHttpHandler.Json(HttpStatusCode.NotFound,
            "{\"message\":\"Domain not found\",\"resourceType\":\"domain\"}", "ResourceNotFoundException:http://internal/");

        ServiceError error = ServiceError.From(response, "{\"message\":\"Domain not found\",\"resourceType\":\"domain\"}");

        Assert.Equal((404, "ResourceNotFoundException", "Domain not found"), (error.Status, error.Code, error.Message));
    }

    [Theory]
    [InlineData("{\"__type\":\"com.amazonaws#ValidationException\",\"Message\":\"bad duration\"}", "ValidationException", "bad duration")]
    [InlineData("{\"code\":\"ThrottlingException\",\"message\":\"slow down\"}", "ThrottlingException", "slow down")]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "Http400", "")]
    [InlineData("", "Http400", "")]
    [InlineData("[1,2]", "Http400", "")]
    public void From_WithoutTheHeader_FallsBackToTheBodyOrTheStatus(string body, string code, string message)
    {
        var response = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(body) };

        ServiceError error = ServiceError.From(response, body);

        Assert.Equal((code, message), (error.Code, error.Message));
    }
}

public sealed class CodeArtifactEndpointTests
{
    [Fact]
    public void ExplicitUrl_WinsOverEverything()
    {
        var env = new FakeHostEnvironment()
            .With("AWS_ENDPOINT_URL_CODEARTIFACT", "https://service-specific.example/")
            .With("AWS_ENDPOINT_URL", "https://global.example/");

        Uri uri = CodeArtifactEndpoint.Resolve("us-west-2", "https://explicit.example:8443/base/", env, out string source);

        Assert.Equal("https://explicit.example:8443/base/", uri.AbsoluteUri);
        Assert.Equal("-EndpointUrl", source);
    }

    [Fact]
    public void ServiceSpecificVariable_WinsOverTheGlobalOne()
    {
        var env = new FakeHostEnvironment()
            .With("AWS_ENDPOINT_URL_CODEARTIFACT", "https://service-specific.example/")
            .With("AWS_ENDPOINT_URL", "https://global.example/");

        Uri uri = CodeArtifactEndpoint.Resolve("us-west-2", null, env, out string source);

        Assert.Equal("https://service-specific.example/", uri.AbsoluteUri);
        Assert.Equal("AWS_ENDPOINT_URL_CODEARTIFACT", source);
    }

    [Fact]
    public void GlobalVariable_IsUsedWhenAlone()
    {
        var env = new FakeHostEnvironment().With("AWS_ENDPOINT_URL", "http://localhost:4566");

        Uri uri = CodeArtifactEndpoint.Resolve("us-west-2", "  ", env, out string source);

        Assert.Equal("http://localhost:4566/", uri.AbsoluteUri);
        Assert.Equal("AWS_ENDPOINT_URL", source);
    }

    [Theory]
    [InlineData("us-west-2", "https://codeartifact.us-west-2.amazonaws.com/")]
    [InlineData("eu-central-1", "https://codeartifact.eu-central-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://codeartifact.cn-north-1.amazonaws.com.cn/")]
    public void Default_IsTheRegionalEndpoint(string region, string expected)
    {
        Uri uri = CodeArtifactEndpoint.Resolve(region, null, new FakeHostEnvironment(), out string source);

        Assert.Equal(expected, uri.AbsoluteUri);
        Assert.Equal("the public regional endpoint", source);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("1", false)]
    public void IgnoreConfiguredEndpointUrls_SkipsTheVariablesButNotAnExplicitUrl(string value, bool ignored)
    {
        var env = new FakeHostEnvironment()
            .With("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", value)
            .With("AWS_ENDPOINT_URL_CODEARTIFACT", "https://service-specific.example/");

        Uri fromVariables = CodeArtifactEndpoint.Resolve("us-east-1", null, env, out _);
        Uri fromExplicit = CodeArtifactEndpoint.Resolve("us-east-1", "https://explicit.example/", env, out _);

        Assert.Equal(ignored ? "https://codeartifact.us-east-1.amazonaws.com/" : "https://service-specific.example/", fromVariables.AbsoluteUri);
        Assert.Equal("https://explicit.example/", fromExplicit.AbsoluteUri);
    }

    [Theory]
    [InlineData("not a url", null)]
    [InlineData("codeartifact.us-west-2.amazonaws.com", null)]
    [InlineData("ftp://codeartifact.example/", null)]
    [InlineData("https://user:pass@codeartifact.example/", null)]
    [InlineData(null, "/relative/path")]
    [InlineData(null, "file:///etc/passwd")]
    public void InvalidUrls_ThrowEndpointUrlInvalid_NamingTheSource(string? explicitUrl, string? variable)
    {
        var env = new FakeHostEnvironment();
        if (variable != null) env.With("AWS_ENDPOINT_URL_CODEARTIFACT", variable);

        var e = Assert.Throws<PoetryCaAuthException>(() => CodeArtifactEndpoint.Resolve("us-west-2", explicitUrl, env, out _));

        Assert.Equal("EndpointUrlInvalid", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(explicitUrl != null ? "-EndpointUrl" : "AWS_ENDPOINT_URL_CODEARTIFACT", e.Message);
    }
}
