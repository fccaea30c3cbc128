using PoetryCaAuth.Credentials;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Core.Tests;

public class CredentialSelectionTests
{
    [Theory]
    [InlineData("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY is not")]
    [InlineData("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID is not")]
    public void HalfAKeyPair_WithNothingElse_SaysWhichHalfIsMissing(string present, string expected)
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/u").With(present, "x");

        var e = Assert.Throws<PoetryCaAuthException>(() => new AwsCredentialResolver(env).Select(null, null));

        Assert.Equal("AwsEnvironmentCredentialsIncomplete", e.ErrorId);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("environment")]
    [InlineData("none")]
    public void AProfileParameter_BeatsAMethodChosenOnlyByTheEnvironment(string setting)
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/u").With("POETRY_CA_AUTH_METHOD", setting);

        AuthSelection s = new AwsCredentialResolver(env).Select(null, "dev");

        Assert.Equal((AuthMethod.Profile, "dev"), (s.Method, s.ProfileName));
        Assert.Contains("POETRY_CA_AUTH_METHOD", s.Reason);
    }

    [Fact]
    public void AnExplicitEnvironmentMethod_StillWins()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/u");

        AuthSelection s = new AwsCredentialResolver(env).Select(AuthMethod.Environment, "dev");

        Assert.Equal(AuthMethod.Environment, s.Method);
    }

    [Fact]
    public void AMalformedCredentialsLine_IsReportedWithoutTheKeyItHolds()
    {
        // The SDK quotes the line it cannot read; here that line holds a secret key (a missing '=').
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        string dir = Path.Combine(Path.GetTempPath(), "pca-cfg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string credentials = Path.Combine(dir, "credentials");
            File.WriteAllText(credentials, "[broken]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key " + secret + "\n");
            var env = new FakeHostEnvironment(OSKind.Linux, dir)
                .With("AWS_CONFIG_FILE", Path.Combine(dir, "config"))
                .With("AWS_SHARED_CREDENTIALS_FILE", credentials);
            var resolver = new AwsCredentialResolver(env);

            var e = Assert.Throws<PoetryCaAuthException>(() => resolver.Resolve(resolver.Select(AuthMethod.Profile, "broken")));

            Assert.Equal("AwsConfigInvalid", e.ErrorId);
            Assert.Contains("aws_secret_access_key", e.Message);
            Assert.DoesNotContain(secret, e.Message + e.RecommendedAction);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AMalformedConfigFile_IsAnErrorNamingIt()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pca-cfg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string config = Path.Combine(dir, "config");
            File.WriteAllText(config, "[profile broken\nregion = us-east-1\n");
            var env = new FakeHostEnvironment(OSKind.Linux, dir)
                .With("AWS_CONFIG_FILE", config)
                .With("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(dir, "credentials"));
            var resolver = new AwsCredentialResolver(env);

            var e = Assert.Throws<PoetryCaAuthException>(() => resolver.Resolve(resolver.Select(AuthMethod.Profile, "broken")));

            Assert.Equal("AwsConfigInvalid", e.ErrorId);
            Assert.Contains(config, e.Message + e.RecommendedAction);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
