using System.Diagnostics;
using System.Net;
using Amazon.Runtime;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;

namespace PoetryCaAuth.Core.Tests;

public sealed class CodeArtifactClientTests
{
    internal const string CaToken = "eyJ2ZXIiOjEsImlzdSI6MTc2NzI2ODgwMH0.c2VjcmV0LXRva2VuLXBheWxvYWQ.part3.part4.part5";
    private static readonly Uri Endpoint = new("https://codeartifact.us-west-2.amazonaws.com/");
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly List<TimeSpan> _delays = new();

    private static ResolvedCredentials Credentials(string? sessionToken = null) =>
        new(new ImmutableCredentials(SigV4SignerTests.AccessKey, SigV4SignerTests.SecretKey, sessionToken), "profile 'dev'");

    private CodeArtifactClient Client(FakeHttpHandler handler, int maxAttempts = 3, TimeSpan? timeout = null) =>
        new(new CodeArtifactClientOptions
        {
            MaxAttempts = maxAttempts,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
            UtcNow = () => Now,
            Delay = (wait, _) =>
            {
                lock (_delays) _delays.Add(wait);
                return Task.CompletedTask;
            },
        }, new HttpClient(handler));

    private static Task<AuthorizationTokenResult> GetToken(CodeArtifactClient client, int duration = 43200, string? sessionToken = null,
        CancellationToken cancel = default) =>
        client.GetAuthorizationTokenAsync(Endpoint, "us-west-2", "my-domain", "111122223333", duration, Credentials(sessionToken), cancel);

    [Fact]
    public async Task Success_SendsASignedPostAndParsesTheTokenAndAFractionalEpoch()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Token(CaToken, "1767268800.25"));
        CodeArtifactClient client = Client(handler);

        AuthorizationTokenResult result = await GetToken(client, sessionToken: SigV4SignerTests.SessionToken);

        Assert.Equal(CaToken, result.Token.Reveal());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, 250, TimeSpan.Zero), result.Expiration);
        RecordedRequest request = Assert.Single(handler.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/authorization-token", request.Uri.AbsolutePath);
        Assert.Equal(("my-domain", "111122223333", "43200"),
            (request.Query("domain"), request.Query("domain-owner"), request.Query("duration")));
        Assert.Equal("", request.Body);
        Assert.Equal("20260101T000000Z", request.Headers["X-Amz-Date"]);
        Assert.Equal(SigV4SignerTests.SessionToken, request.Headers["X-Amz-Security-Token"]);
        Assert.StartsWith("PoetryCaAuth/", request.Headers["User-Agent"]);
        // The Authorization header is exactly what the documented algorithm gives for this request.
        Assert.Equal(SigV4SignerTests.ExpectedAuthorization("POST", "/v1/authorization-token",
                "domain=my-domain&domain-owner=111122223333&duration=43200",
                new[]
                {
                    ("host", "codeartifact.us-west-2.amazonaws.com"), ("x-amz-date", "20260101T000000Z"),
                    ("x-amz-security-token", SigV4SignerTests.SessionToken),
                }, "", SigV4SignerTests.AccessKey, SigV4SignerTests.SecretKey, Now, "us-west-2", "codeartifact"),
            request.Headers["Authorization"]);
        Assert.Equal(1, client.RequestsSent);
    }

    [Theory]
    [InlineData("\"2026-01-01T12:00:00Z\"", "2026-01-01T12:00:00+00:00")]
    [InlineData("\"2026-01-01T13:30:00+01:30\"", "2026-01-01T12:00:00+00:00")]
    [InlineData("1767268800", "2026-01-01T12:00:00+00:00")]
    [InlineData("1767268800.999", "2026-01-01T12:00:00.999+00:00")]
    [InlineData("\"not a date\"", "2026-01-01T12:00:00+00:00")]   // unreadable: now + duration
    [InlineData("null", "2026-01-01T12:00:00+00:00")]
    public async Task Expiration_AcceptsEpochNumbersAndIsoStrings(string json, string expected)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Token(CaToken, json));

        AuthorizationTokenResult result = await GetToken(Client(handler));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result.Expiration);
    }

    [Fact]
    public async Task Expiration_Missing_WithDurationZero_AssumesOneHour()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.OK, $"{{\"authorizationToken\":\"{CaToken}\"}}"));

        AuthorizationTokenResult result = await GetToken(Client(handler), duration: 0);

        Assert.Equal(new DateTimeOffset(Now).AddHours(1), result.Expiration);
        Assert.Equal("0", handler.Requests[0].Query("duration"));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "ThrottlingException")]
    [InlineData(HttpStatusCode.InternalServerError, "InternalServerException")]
    [InlineData(HttpStatusCode.ServiceUnavailable, null)]
    public async Task RetryableAnswers_AreRetried_ThenSucceed(HttpStatusCode status, string? type)
    {
        var handler = new FakeHttpHandler(r => r.Index < 3 ? FakeHttpHandler.Json(status, "{\"message\":\"busy\"}", type) : FakeHttpHandler.Token(CaToken));
        CodeArtifactClient client = Client(handler, maxAttempts: 3);

        AuthorizationTokenResult result = await GetToken(client);

        Assert.Equal(CaToken, result.Token.Reveal());
        Assert.Equal(3, handler.Count);
        Assert.Equal(2, _delays.Count);
        Assert.All(_delays, d => Assert.True(d >= TimeSpan.Zero && d <= TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "ThrottlingException", ErrorKind.Throttled, "CodeArtifactThrottled")]
    [InlineData(HttpStatusCode.InternalServerError, "InternalServerException", ErrorKind.ServiceError, "CodeArtifactServiceError")]
    public async Task RetryableAnswers_GiveUpAfterMaxAttempts_WithAClearError(HttpStatusCode status, string type, ErrorKind kind, string id)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(status, type, "still busy"));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler, maxAttempts: 4)));

        Assert.Equal(4, handler.Count);
        Assert.Equal((kind, id), (e.Kind, e.ErrorId));
        Assert.Contains("gave up after 4 attempts", e.Message);
        Assert.Contains("still busy", e.Message);
        Assert.Contains("my-domain", e.Message);
    }

    [Fact]
    public async Task DroppedConnections_AreRetried_ThenReported()
    {
        var handler = new FakeHttpHandler((_, _) => throw new HttpRequestException("Connection reset by peer",
            new IOException("The response ended prematurely.")));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler, maxAttempts: 3)));

        Assert.Equal(3, handler.Count);
        Assert.Equal((ErrorKind.Connection, "CodeArtifactUnreachable"), (e.Kind, e.ErrorId));
        Assert.Contains("codeartifact.us-west-2.amazonaws.com", e.Message);
        Assert.Contains("The response ended prematurely.", e.Message);
        Assert.Contains("gave up after 3 attempts", e.Message);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task ADroppedConnectionThenSuccess_Succeeds()
    {
        var handler = new FakeHttpHandler((r, _) => r.Index == 1
            ? throw new HttpRequestException("Connection reset by peer")
            : Task.FromResult(FakeHttpHandler.Token(CaToken)));

        AuthorizationTokenResult result = await GetToken(Client(handler));

        Assert.Equal(CaToken, result.Token.Reveal());
        Assert.Equal(2, handler.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "AccessDeniedException", "CodeArtifactAccessDenied")]
    [InlineData(HttpStatusCode.NotFound, "ResourceNotFoundException", "CodeArtifactDomainNotFound")]
    [InlineData(HttpStatusCode.BadRequest, "ValidationException", "CodeArtifactRequestInvalid")]
    [InlineData(HttpStatusCode.Forbidden, "UnrecognizedClientException", "AwsCredentialsInvalid")]
    public async Task NonRetryableAnswers_AreNotRetried(HttpStatusCode status, string type, string id)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(status, type + ":http://internal.amazon.com/coral/", "nope"));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler, maxAttempts: 5)));

        Assert.Equal(1, handler.Count);
        Assert.Empty(_delays);
        Assert.Equal(id, e.ErrorId);
        Assert.DoesNotContain("gave up", e.Message);
    }

    [Fact]
    public async Task AccessDenied_NamesTheIdentityArnFromTheAnswer()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.Forbidden, "AccessDeniedException",
            "User: arn:aws:sts::111122223333:assumed-role/ReadOnly/alice is not authorized to perform: codeartifact:GetAuthorizationToken"));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler)));

        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.StartsWith("arn:aws:sts::111122223333:assumed-role/ReadOnly/alice may not", e.Message);
    }

    [Fact]
    public async Task TimeoutPerAttempt_IsEnforced_AndReported()
    {
        var handler = new FakeHttpHandler(async (_, cancel) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancel);
            return FakeHttpHandler.Token(CaToken);
        });
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() =>
            GetToken(Client(handler, maxAttempts: 2, timeout: TimeSpan.FromMilliseconds(150))));

        Assert.Equal(2, handler.Count);
        Assert.Equal((ErrorKind.Timeout, "CodeArtifactTimeout"), (e.Kind, e.ErrorId));
        Assert.Contains("did not answer", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ASlowFirstAttemptThenAFastOne_Succeeds()
    {
        var handler = new FakeHttpHandler(async (r, cancel) =>
        {
            if (r.Index == 1) await Task.Delay(Timeout.InfiniteTimeSpan, cancel);
            return FakeHttpHandler.Token(CaToken);
        });

        AuthorizationTokenResult result = await GetToken(Client(handler, timeout: TimeSpan.FromMilliseconds(150)));

        Assert.Equal(CaToken, result.Token.Reveal());
    }

    [Fact]
    public async Task CallerCancellation_IsNotReportedAsATimeout()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new FakeHttpHandler(async (_, token) =>
        {
            cancel.Cancel();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return FakeHttpHandler.Token(CaToken);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GetToken(Client(handler), cancel: cancel.Token));
        Assert.Equal(1, handler.Count);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("<html>proxy login</html>")]
    public async Task MalformedJson_IsReportedAsAnInvalidResponse(string body)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.OK, body));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler, maxAttempts: 2)));

        Assert.Equal((ErrorKind.ServiceError, "CodeArtifactResponseInvalid"), (e.Kind, e.ErrorId));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"authorizationToken\":\"\"}")]
    [InlineData("{\"authorizationToken\":42}")]
    [InlineData("[]")]
    public async Task JsonWithoutAToken_IsReportedAsAnInvalidResponse(string body)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.OK, body));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler)));

        Assert.Equal("CodeArtifactResponseInvalid", e.ErrorId);
        Assert.Contains("without an authorizationToken", e.Message);
        Assert.Equal(1, handler.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ClockSkew_IsCorrectedOnce_FromTheServerTimeInTheMessage(int maxAttempts)
    {
        var handler = new FakeHttpHandler(r => r.Headers["X-Amz-Date"] == "20260101T001500Z"
            ? FakeHttpHandler.Token(CaToken)
            : FakeHttpHandler.Error(HttpStatusCode.Forbidden, "InvalidSignatureException",
                "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)"));

        AuthorizationTokenResult result = await GetToken(Client(handler, maxAttempts));

        Assert.Equal(CaToken, result.Token.Reveal());
        Assert.Equal(new[] { "20260101T000000Z", "20260101T001500Z" }, handler.Requests.Select(r => r.Headers["X-Amz-Date"]));
        Assert.Empty(_delays);
    }

    [Fact]
    public async Task ClockSkew_IsLearnedFromTheDateHeader_WhenTheMessageHasNoTime()
    {
        var handler = new FakeHttpHandler(r =>
        {
            if (r.Headers["X-Amz-Date"] == "20251231T230000Z") return FakeHttpHandler.Token(CaToken);
            HttpResponseMessage response = FakeHttpHandler.Error(HttpStatusCode.Forbidden, "InvalidSignatureException", "Signature not yet current");
            response.Headers.Date = new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero);
            return response;
        });

        AuthorizationTokenResult result = await GetToken(Client(handler));

        Assert.Equal(CaToken, result.Token.Reveal());
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task ClockSkew_ThatPersistsAfterCorrection_IsReportedNotLooped()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.Forbidden, "InvalidSignatureException",
            "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)"));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler, maxAttempts: 3)));

        Assert.Equal(2, handler.Count);
        Assert.Equal((ErrorKind.Authentication, "AwsSignatureRejected"), (e.Kind, e.ErrorId));
        Assert.Contains("clock", e.RecommendedAction);
    }

    [Theory]
    [InlineData(899)]
    [InlineData(43201)]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public async Task InvalidDurations_AreRefusedBeforeAnyRequest(int duration)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Token(CaToken));

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() => GetToken(Client(handler), duration));

        Assert.Equal(("TokenDurationInvalid", ErrorKind.InvalidArgument), (e.ErrorId, e.Kind));
        Assert.Equal(duration, e.Target);
        Assert.Equal(0, handler.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(900)]
    [InlineData(3600)]
    [InlineData(43200)]
    public async Task ValidDurations_AreSentAsGiven(int duration)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Token(CaToken));

        await GetToken(Client(handler), duration);

        Assert.Equal(duration.ToString(System.Globalization.CultureInfo.InvariantCulture), handler.Requests[0].Query("duration"));
    }

    [Fact]
    public async Task GetRepositoryEndpoint_SendsAGetAndReturnsTheEndpoint()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.OK,
            "{\"repositoryEndpoint\":\"https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/\"}"));

        string endpoint = await Client(handler).GetRepositoryEndpointAsync(Endpoint, "us-west-2", "my-domain", "111122223333", "my-repo",
            Credentials(), CancellationToken.None);

        Assert.Equal("https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/", endpoint);
        RecordedRequest request = handler.Requests[0];
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/repository/endpoint", request.Uri.AbsolutePath);
        Assert.Equal(("my-repo", "pypi"), (request.Query("repository"), request.Query("format")));
    }

    [Fact]
    public async Task AnEndpointWithABasePath_KeepsIt()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Token(CaToken));
        var client = Client(handler);

        await client.GetAuthorizationTokenAsync(new Uri("http://localhost:4566/proxy/ca"), "us-west-2", "my-domain", "111122223333",
            900, Credentials(), CancellationToken.None);

        Assert.Equal("http://localhost:4566/proxy/ca/v1/authorization-token", handler.Requests[0].Uri.GetLeftPart(UriPartial.Path));
    }

    private static readonly Dictionary<string, Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> Failures = new()
    {
        { "403 AccessDenied", (_, _) => Task.FromResult(FakeHttpHandler.Error(HttpStatusCode.Forbidden, "AccessDeniedException", "denied")) },
        { "403 signature", (_, _) => Task.FromResult(FakeHttpHandler.Error(HttpStatusCode.Forbidden, "InvalidSignatureException", "The request signature we calculated does not match")) },
        { "skew twice", (_, _) => Task.FromResult(FakeHttpHandler.Error(HttpStatusCode.Forbidden, "InvalidSignatureException", "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)")) },
        { "500", (_, _) => Task.FromResult(FakeHttpHandler.Error(HttpStatusCode.InternalServerError, "InternalServerException", "oops")) },
        { "dropped", (_, _) => throw new HttpRequestException("reset") },
        { "malformed", (_, _) => Task.FromResult(FakeHttpHandler.Json(HttpStatusCode.OK, "{\"authorizationToken\":\"" + CaToken + "\"")) },
        { "token not a string", (_, _) => Task.FromResult(FakeHttpHandler.Json(HttpStatusCode.OK, "{\"authorizationToken\":[\"" + CaToken + "\"]}")) },
        { "timeout", async (_, c) => { await Task.Delay(Timeout.InfiniteTimeSpan, c); return FakeHttpHandler.Token(CaToken); } },
    };

    public static TheoryData<string> FailureScenarios() => new(Failures.Keys);

    [Theory]
    [MemberData(nameof(FailureScenarios))]
    public async Task NoErrorEverCarriesTheTokenOrTheSecretKey(string scenario)
    {
        var handler = new FakeHttpHandler(Failures[scenario]);

        var e = await Assert.ThrowsAsync<PoetryCaAuthException>(() =>
            GetToken(Client(handler, maxAttempts: 2, timeout: TimeSpan.FromMilliseconds(150)), sessionToken: SigV4SignerTests.SessionToken));

        string everything = e + "\n" + e.RecommendedAction + "\n" + e.Target;
        Assert.False(everything.Contains(CaToken), scenario + ": the CodeArtifact token leaked");
        Assert.False(everything.Contains(SigV4SignerTests.SecretKey), scenario + ": the secret key leaked");
        Assert.False(everything.Contains(SigV4SignerTests.SessionToken), scenario + ": the session token leaked");
    }
}
