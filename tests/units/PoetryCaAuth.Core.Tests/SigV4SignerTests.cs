using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using PoetryCaAuth.CodeArtifact;

namespace PoetryCaAuth.Core.Tests;

/// <summary>
/// The signer is checked against an independent implementation of the documented SigV4 algorithm
/// (canonical request, string to sign, derived key, HMAC-SHA256), itself checked on AWS's published examples.
/// </summary>
public sealed class SigV4SignerTests
{
    internal const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    internal const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    internal const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+session/token==";

    private static readonly DateTime SignedAt = new(2026, 1, 15, 8, 30, 0, DateTimeKind.Utc);
    private static readonly Uri TokenUri =
        new("https://codeartifact.us-west-2.amazonaws.com/v1/authorization-token?domain=my-domain&domain-owner=111122223333&duration=43200");

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    internal static byte[] SigningKey(string secret, string date, string region, string service) =>
        Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), region), service), "aws4_request");

    /// <summary>The documented algorithm, written out: returns the Authorization header value.</summary>
    internal static string ExpectedAuthorization(string method, string canonicalPath, string canonicalQuery,
        IEnumerable<(string Name, string Value)> headers, string payload, string accessKey, string secret, DateTime at,
        string region, string service)
    {
        var sorted = headers.Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        string signedHeaders = string.Join(";", sorted.Select(h => h.Name));
        string canonicalRequest = method + "\n" + canonicalPath + "\n" + canonicalQuery + "\n" +
                                  string.Concat(sorted.Select(h => h.Name + ":" + h.Value + "\n")) + "\n" +
                                  signedHeaders + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));
        string date = at.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string scope = $"{date}/{region}/{service}/aws4_request";
        string stringToSign = "AWS4-HMAC-SHA256\n" + at.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "\n" +
                              scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        string signature = Hex(Hmac(SigningKey(secret, date, region, service), stringToSign));
        return $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    [Fact]
    public void ReferenceImplementation_MatchesAwsPublishedExamples()
    {
        // "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d",
            Hex(SigningKey(SecretKey, "20120215", "us-east-1", "iam")));

        // The SigV4 test suite's "get-vanilla" case.
        string expected = ExpectedAuthorization("GET", "/", "",
            new[] { ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z") }, "",
            "AKIDEXAMPLE", SecretKey, new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc), "us-east-1", "service");
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
                     "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", expected);
    }

    [Fact]
    public void GetAuthorizationToken_WithLongTermKeys_MatchesTheDocumentedAlgorithm()
    {
        IDictionary<string, string> headers = SigV4RequestSigner.Sign("POST", TokenUri, "us-west-2",
            new ImmutableCredentials(AccessKey, SecretKey, null), SignedAt);

        string expected = ExpectedAuthorization("POST", "/v1/authorization-token",
            "domain=my-domain&domain-owner=111122223333&duration=43200",
            new[] { ("host", "codeartifact.us-west-2.amazonaws.com"), ("x-amz-date", "20260115T083000Z") }, "",
            AccessKey, SecretKey, SignedAt, "us-west-2", "codeartifact");
        Assert.Equal(expected, headers["Authorization"]);
        Assert.Equal("20260115T083000Z", headers["X-Amz-Date"]);
        Assert.False(headers.ContainsKey("X-Amz-Security-Token"));
        Assert.DoesNotContain(SecretKey, string.Concat(headers.Values));
    }

    [Fact]
    public void GetAuthorizationToken_WithASessionToken_SignsTheTokenHeader()
    {
        IDictionary<string, string> headers = SigV4RequestSigner.Sign("POST", TokenUri, "us-west-2",
            new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt);

        string expected = ExpectedAuthorization("POST", "/v1/authorization-token",
            "domain=my-domain&domain-owner=111122223333&duration=43200",
            new[]
            {
                ("host", "codeartifact.us-west-2.amazonaws.com"), ("x-amz-date", "20260115T083000Z"),
                ("x-amz-security-token", SessionToken),
            }, "", AccessKey, SecretKey, SignedAt, "us-west-2", "codeartifact");
        Assert.Equal(expected, headers["Authorization"]);
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", headers["Authorization"]);
        Assert.Equal(SessionToken, headers["X-Amz-Security-Token"]);
    }

    [Fact]
    public void TheSignatureDependsOnEveryInput()
    {
        var credentials = new ImmutableCredentials(AccessKey, SecretKey, null);
        string Signature(string method, Uri uri, string region, ImmutableCredentials c, DateTime at) =>
            SigV4RequestSigner.Sign(method, uri, region, c, at)["Authorization"];

        string baseline = Signature("POST", TokenUri, "us-west-2", credentials, SignedAt);
        var variants = new[]
        {
            Signature("GET", TokenUri, "us-west-2", credentials, SignedAt),
            Signature("POST", new Uri(TokenUri.AbsoluteUri.Replace("43200", "900")), "us-west-2", credentials, SignedAt),
            Signature("POST", TokenUri, "us-east-1", credentials, SignedAt),
            Signature("POST", TokenUri, "us-west-2", new ImmutableCredentials(AccessKey, SecretKey + "x", null), SignedAt),
            Signature("POST", TokenUri, "us-west-2", credentials, SignedAt.AddSeconds(1)),
        };

        Assert.All(variants, v => Assert.NotEqual(baseline, v));
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void NonDefaultPort_IsPartOfTheSignedHost()
    {
        var uri = new Uri("http://localhost:4566/v1/authorization-token?domain=d1&domain-owner=111122223333&duration=900");
        var at = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

        string actual = SigV4RequestSigner.Sign("POST", uri, "eu-west-1", new ImmutableCredentials(AccessKey, SecretKey, null), at)["Authorization"];

        Assert.Equal(ExpectedAuthorization("POST", "/v1/authorization-token", "domain=d1&domain-owner=111122223333&duration=900",
            new[] { ("host", "localhost:4566"), ("x-amz-date", "20260301T000000Z") }, "", AccessKey, SecretKey, at, "eu-west-1",
            "codeartifact"), actual);
    }

    [Theory]
    [InlineData("?domain=d&duration=900&domain-owner=1", "domain=d&domain-owner=1&duration=900")]
    [InlineData("?b=2&a=1&a=0", "a=0&a=1&b=2")]
    [InlineData("?B=1&a=1&_=1", "B=1&_=1&a=1")]                           // ordinal (byte) order
    [InlineData("?flag&x=1", "flag=&x=1")]
    [InlineData("?k=a%20b&k2=a+b", "k=a%20b&k2=a%2Bb")]
    [InlineData("?k=%7e%2f%3D", "k=~%2F%3D")]
    [InlineData("?k=%C3%A9", "k=%C3%A9")]
    [InlineData("", "")]
    [InlineData("?", "")]
    public void CanonicalQuery_SortsAndEncodes(string query, string expected)
    {
        Assert.Equal(expected, SigV4RequestSigner.CanonicalQuery(query));
    }

    [Theory]
    [InlineData("abcXYZ019-_.~", "abcXYZ019-_.~")]
    [InlineData("a b", "a%20b")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("a+b=c&d", "a%2Bb%3Dc%26d")]
    [InlineData("é", "%C3%A9")]
    [InlineData("*", "%2A")]
    public void Encode_IsRfc3986WithUpperCaseHex(string value, string expected)
    {
        Assert.Equal(expected, SigV4RequestSigner.Encode(value));
    }

    [Theory]
    [InlineData("/v1/authorization-token", "/v1/authorization-token")]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("/a%20b/c", "/a%2520b/c")]   // non-S3 services encode each segment twice
    public void CanonicalPath_DoubleEncodesSegments(string path, string expected)
    {
        Assert.Equal(expected, SigV4RequestSigner.CanonicalPath(path));
    }
}
