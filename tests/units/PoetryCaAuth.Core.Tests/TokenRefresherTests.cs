using System.Net;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Refresh;

namespace PoetryCaAuth.Core.Tests;

public sealed class TokenRefresherTests
{
    private const string SecretKey = "refresher/secret+KEY/EXAMPLEKEYEXAMPLEKEY";

    private readonly FakeHostEnvironment _env = new FakeHostEnvironment()
        .With("AWS_ACCESS_KEY_ID", "AKIAREFRESHEREXAMPLE")
        .With("AWS_SECRET_ACCESS_KEY", SecretKey);

    private readonly FakeTarget _target = new();
    private readonly FakeObserver _observer = new();

    private static string TokenFor(string domain, string host) => $"eyJ.token-for-{domain}-at-{host}.x.y.z";

    /// <summary>CodeArtifact as a function: domains named "bad..." are denied, others get a token naming domain and host.</summary>
    private static FakeHttpHandler CodeArtifact() => new(r =>
    {
        string domain = r.Query("domain");
        return domain.StartsWith("bad", StringComparison.Ordinal)
            ? FakeHttpHandler.Error(HttpStatusCode.Forbidden, "AccessDeniedException", $"not allowed on {domain}")
            : FakeHttpHandler.Token(TokenFor(domain, r.Uri.Host), "1767268800");
    });

    private static RefreshItem Item(string name, string domain, string owner = "111122223333", string region = "us-west-2",
        string? endpointUrl = null) =>
        new(new CodeArtifactRepository { Name = name, Domain = domain, DomainOwner = owner, Region = region, Repository = "repo-" + name },
            endpointUrl: endpointUrl);

    private (List<RefreshOutcome> Outcomes, FakeHttpHandler Handler, TokenRefresher Refresher) Run(params RefreshItem[] items) =>
        Run(new RefreshOptions(), items);

    private (List<RefreshOutcome> Outcomes, FakeHttpHandler Handler, TokenRefresher Refresher) Run(RefreshOptions options, params RefreshItem[] items)
    {
        FakeHttpHandler handler = CodeArtifact();
        var client = new CodeArtifactClient(new CodeArtifactClientOptions { Delay = (_, _) => Task.CompletedTask }, new HttpClient(handler));
        var refresher = new TokenRefresher(_env, new AwsCredentialResolver(_env), client);
        List<RefreshOutcome> outcomes = refresher.Refresh(items, _target, options, _observer).ToList();
        return (outcomes, handler, refresher);
    }

    [Fact]
    public void TwoSourcesInOneDomain_ShareOneTokenRequest()
    {
        var (outcomes, handler, refresher) = Run(Item("a", "shared"), Item("b", "shared"));

        Assert.Equal(1, handler.Count);
        Assert.Equal(1, refresher.TokenRequests);
        Assert.All(outcomes, o => Assert.Equal(RefreshAction.Stored, o.Result.Action));
        string token = TokenFor("shared", "codeartifact.us-west-2.amazonaws.com");
        Assert.Equal(new[] { ("a", token), ("b", token) }, _target.Stored.Select(s => (s.Name, s.Token)));
        Assert.Contains(_observer.Verbose, v => v.Contains("'b'") && v.Contains("shares the token"));
    }

    [Fact]
    public void TwoDomains_TwoRequests_EachSourceGetsItsOwnDomainsToken()
    {
        var (outcomes, handler, _) = Run(Item("a", "one"), Item("b", "two"), Item("c", "one"));

        Assert.Equal(2, handler.Count);
        Assert.Equal(new[] { "one", "two" }, handler.Requests.Select(r => r.Query("domain")).OrderBy(d => d));
        Assert.Equal(new[] { "a", "b", "c" }, outcomes.Select(o => o.Repository.Name)); // input order
        Assert.Equal(new[] { "one", "two", "one" }, _target.Stored.Select(s => s.Token.Split('-')[2]));
    }

    [Theory]
    [InlineData("111122223333", "us-east-1")] // same domain name, another region
    [InlineData("444455556666", "us-west-2")] // same domain name, another owner
    public void SameDomainName_InAnotherRegionOrAccount_IsAnotherRequest(string owner, string region)
    {
        var (_, handler, _) = Run(Item("a", "shared"), Item("b", "shared", owner, region));

        Assert.Equal(2, handler.Count);
        Assert.Contains(handler.Requests, r => r.Uri.Host == $"codeartifact.{region}.amazonaws.com" && r.Query("domain-owner") == owner);
    }

    [Fact]
    public void APerSourceEndpoint_IsUsedAndIsItsOwnGroup()
    {
        var (_, handler, _) = Run(Item("a", "shared"), Item("b", "shared", endpointUrl: "https://vpce-1.api.codeartifact.us-west-2.vpce.amazonaws.com"));

        Assert.Equal(2, handler.Count);
        Assert.Equal(TokenFor("shared", "vpce-1.api.codeartifact.us-west-2.vpce.amazonaws.com"), _target.Stored.Single(s => s.Name == "b").Token);
    }

    [Fact]
    public void AFailingDomain_FailsOnlyItsSources_AndIsNeverStored()
    {
        var (outcomes, _, _) = Run(Item("good1", "fine"), Item("bad1", "bad-domain"), Item("good2", "fine"), Item("bad2", "bad-domain"));

        Assert.Equal(new[] { "good1", "good2" }, _target.Stored.Select(s => s.Name));
        RefreshOutcome[] failed = outcomes.Where(o => o.Result.Action == RefreshAction.Failed).ToArray();
        Assert.Equal(new[] { "bad1", "bad2" }, failed.Select(o => o.Repository.Name));
        Assert.All(failed, o =>
        {
            Assert.Equal("CodeArtifactAccessDenied", o.Error!.ErrorId);
            Assert.Contains("bad-domain", o.Result.Message);
            Assert.Null(o.Result.Expiration);
        });
        Assert.All(outcomes.Where(o => o.Result.Action == RefreshAction.Stored), o => Assert.Null(o.Error));
    }

    [Fact]
    public void ATargetFailure_FailsThatSourceOnly()
    {
        _target.FailFor.Add("b");

        var (outcomes, _, _) = Run(Item("a", "d1"), Item("b", "d1"), Item("c", "d1"));

        Assert.Equal(new[] { RefreshAction.Stored, RefreshAction.Failed, RefreshAction.Stored }, outcomes.Select(o => o.Result.Action));
        Assert.Equal("PoetryFailed", outcomes[1].Error!.ErrorId);
        Assert.Equal(new[] { "a", "c" }, _target.Stored.Select(s => s.Name));
    }

    [Fact]
    public void WhatIf_StoresNothing_AsksNothingOfAws_AndSaysWhatItWouldDo()
    {
        _observer.Allow = false;

        var (outcomes, handler, _) = Run(Item("a", "d1"), Item("b", "d2"));

        Assert.Empty(_target.Stored);
        Assert.Empty(handler.Requests);
        Assert.All(outcomes, o =>
        {
            Assert.Equal(RefreshAction.WhatIf, o.Result.Action);
            Assert.Null(o.Error);
            Assert.Contains("Would fetch a token and store it in http-basic.", o.Result.Message);
        });
        Assert.Equal(new[] { "http-basic.a", "http-basic.b" }, _observer.ShouldProcessTargets);
    }

    [Fact]
    public void Results_CarryTheExpirationAndIdentity_ButNeverTheTokenOrTheSecret()
    {
        var (outcomes, _, _) = Run(Item("a", "d1"), Item("b", "bad"));

        string token = TokenFor("d1", "codeartifact.us-west-2.amazonaws.com");
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), outcomes[0].Result.Expiration);
        Assert.Contains("AKIAREFRESHEREXAMPLE", outcomes[0].Result.Identity);
        foreach (RefreshOutcome outcome in outcomes)
        {
            string all = string.Join("|", typeof(TokenRefreshResult).GetProperties().Select(p => p.GetValue(outcome.Result)?.ToString()))
                         + outcome.Error;
            Assert.DoesNotContain(token, all);
            Assert.DoesNotContain(SecretKey, all);
        }

        Assert.DoesNotContain(_observer.Verbose.Concat(_observer.Warnings), m => m.Contains(token) || m.Contains(SecretKey));
    }

    [Fact]
    public void MissingCredentials_FailEverySource_WithoutAnyRequest()
    {
        _env.Variables.Remove("AWS_SECRET_ACCESS_KEY");

        var (outcomes, handler, _) = Run(new RefreshOptions { Method = AuthMethod.Environment }, Item("a", "d1"), Item("b", "d2"));

        Assert.Equal(0, handler.Count);
        Assert.All(outcomes, o => Assert.Equal("AwsEnvironmentCredentialsMissing", o.Error!.ErrorId));
        Assert.Empty(_target.Stored);
    }

    [Theory]
    [InlineData(899)]
    [InlineData(43201)]
    public void AnInvalidDuration_StopsBeforeAnything(int duration)
    {
        var e = Assert.Throws<PoetryCaAuthException>(() => Run(new RefreshOptions { DurationSeconds = duration }, Item("a", "d1")));

        Assert.Equal("TokenDurationInvalid", e.ErrorId);
        Assert.Empty(_target.Stored);
    }

    [Fact]
    public void Progress_EndsWithAllCompleted()
    {
        Run(Item("a", "d1"), Item("b", "d2"), Item("c", "d1"));

        Assert.Equal((3, 3), _observer.Progress.Last());
    }

    private sealed class FakeTarget : ICredentialTarget
    {
        public List<(string Name, string Token, DateTimeOffset Expiration)> Stored { get; } = new();
        public HashSet<string> FailFor { get; } = new();

        public string Name => "Fake";
        public string ActionDescription => "Store token";
        public string DescribeTarget(CodeArtifactRepository repository) => "http-basic." + repository.Name;

        public void Store(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration)
        {
            if (FailFor.Contains(repository.Name))
            {
                throw new PoetryCaAuthException(ErrorKind.PoetryFailed, "PoetryFailed", $"poetry failed for {repository.Name}");
            }

            Stored.Add((repository.Name, token.Reveal(), expiration));
        }
    }

    private sealed class FakeObserver : IRefreshObserver
    {
        public bool Allow { get; set; } = true;
        public List<string> Verbose { get; } = new();
        public List<string> Warnings { get; } = new();
        public List<string> ShouldProcessTargets { get; } = new();
        public List<(int Completed, int Total)> Progress { get; } = new();

        void IRefreshObserver.Verbose(string message) => Verbose.Add(message);
        void IRefreshObserver.Warning(string message) => Warnings.Add(message);
        void IRefreshObserver.Progress(int completed, int total, string status) => Progress.Add((completed, total));

        public bool ShouldProcess(string target, string action)
        {
            ShouldProcessTargets.Add(target);
            return Allow;
        }
    }
}

public sealed class AwsCredentialResolverTests
{
    private static FakeHostEnvironment Everything() => new FakeHostEnvironment()
        .With("POETRY_CA_DEFAULT_AWS_PROFILE", "tool-default")
        .With("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE")
        .With("AWS_SECRET_ACCESS_KEY", "env-secret")
        .With("AWS_PROFILE", "aws-profile");

    [Fact]
    public void ProfileNameParameter_WinsOverEverything()
    {
        AuthSelection s = new AwsCredentialResolver(Everything()).Select(null, "explicit");

        Assert.Equal((AuthMethod.Profile, "explicit", "-ProfileName"), (s.Method, s.ProfileName, s.Reason));
    }

    [Fact]
    public void ToolDefaultProfile_WinsOverEnvironmentKeysAndAwsProfile()
    {
        AuthSelection s = new AwsCredentialResolver(Everything()).Select(null, null);

        Assert.Equal((AuthMethod.Profile, "tool-default", "POETRY_CA_DEFAULT_AWS_PROFILE"), (s.Method, s.ProfileName, s.Reason));
    }

    [Fact]
    public void EnvironmentKeys_WinOverAwsProfile()
    {
        FakeHostEnvironment env = Everything();
        env.Variables.Remove("POETRY_CA_DEFAULT_AWS_PROFILE");

        AuthSelection s = new AwsCredentialResolver(env).Select(null, null);

        Assert.Equal((AuthMethod.Environment, null), (s.Method, s.ProfileName));
    }

    [Theory]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_ACCESS_KEY_ID")]
    public void HalfASetOfEnvironmentKeys_DoesNotCount(string removed)
    {
        FakeHostEnvironment env = Everything();
        env.Variables.Remove("POETRY_CA_DEFAULT_AWS_PROFILE");
        env.Variables.Remove(removed);

        AuthSelection s = new AwsCredentialResolver(env).Select(null, null);

        Assert.Equal((AuthMethod.Profile, "aws-profile", "AWS_PROFILE"), (s.Method, s.ProfileName, s.Reason));
    }

    [Fact]
    public void NothingSet_FallsBackToTheDefaultChain()
    {
        AuthSelection s = new AwsCredentialResolver(new FakeHostEnvironment()).Select(null, null);

        Assert.Equal((AuthMethod.None, null), (s.Method, s.ProfileName));
    }

    [Theory]
    [InlineData("sso", AuthMethod.Sso)]
    [InlineData("SSO", AuthMethod.Sso)]
    [InlineData(" vault ", AuthMethod.Vault)]
    [InlineData("environment", AuthMethod.Environment)]
    [InlineData("none", AuthMethod.None)]
    [InlineData("Profile", AuthMethod.Profile)]
    public void AuthMethodSetting_Values(string value, AuthMethod expected)
    {
        Assert.Equal(expected, AwsCredentialResolver.ParseMethodSetting(value));

        FakeHostEnvironment env = Everything().With("POETRY_CA_AUTH_METHOD", value);
        AuthSelection s = new AwsCredentialResolver(env).Select(null, null);
        Assert.Equal(expected, s.Method);
        if (expected is AuthMethod.Environment or AuthMethod.None)
        {
            Assert.Equal((null, "POETRY_CA_AUTH_METHOD"), (s.ProfileName, s.Reason));
        }
        else
        {
            // Profile-based methods take the tool's default profile.
            Assert.Equal(("tool-default", "POETRY_CA_DEFAULT_AWS_PROFILE"), (s.ProfileName, s.Reason));
        }
    }

    [Fact]
    public void SsoSetting_WithoutAnyProfile_UsesAwsProfileThenDefault()
    {
        var env = new FakeHostEnvironment().With("POETRY_CA_AUTH_METHOD", "sso").With("AWS_PROFILE", "aws-profile");
        Assert.Equal("aws-profile", new AwsCredentialResolver(env).Select(null, null).ProfileName);

        env.Variables.Remove("AWS_PROFILE");
        Assert.Equal("default", new AwsCredentialResolver(env).Select(null, null).ProfileName);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("env")]
    [InlineData("aws-vault")]
    public void AuthMethodSetting_Invalid_Throws(string value)
    {
        var env = new FakeHostEnvironment().With("POETRY_CA_AUTH_METHOD", value);

        var e = Assert.Throws<PoetryCaAuthException>(() => new AwsCredentialResolver(env).Select(null, null));

        Assert.Equal(("AuthMethodSettingInvalid", ErrorKind.InvalidArgument), (e.ErrorId, e.Kind));
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void AnExplicitMethod_WinsOverTheSetting_WhichIsThenNotEvenParsed()
    {
        FakeHostEnvironment env = Everything().With("POETRY_CA_AUTH_METHOD", "bogus");

        AuthSelection s = new AwsCredentialResolver(env).Select(AuthMethod.None, null);

        Assert.Equal((AuthMethod.None, "-AuthMethod"), (s.Method, s.Reason));
    }

    [Fact]
    public void ProfileMethod_WithoutAnyProfileName_Throws()
    {
        var e = Assert.Throws<PoetryCaAuthException>(() => new AwsCredentialResolver(new FakeHostEnvironment()).Select(AuthMethod.Profile, null));

        Assert.Equal("AwsProfileNotSpecified", e.ErrorId);
    }

    [Fact]
    public void EnvironmentCredentials_ComeFromTheHostEnvironment_AndAreDescribedWithoutTheSecret()
    {
        FakeHostEnvironment env = Everything().With("AWS_SESSION_TOKEN", "session-token-value");
        var resolver = new AwsCredentialResolver(env);

        ResolvedCredentials credentials = resolver.Resolve(new AuthSelection(AuthMethod.Environment, null, "test"));

        Assert.Equal("AKIAENVEXAMPLE", credentials.IdentityKey);
        Assert.Equal("env-secret", credentials.Credentials.SecretKey);
        Assert.Equal("session-token-value", credentials.Credentials.Token);
        Assert.DoesNotContain("env-secret", credentials.Description);
        Assert.DoesNotContain("session-token-value", credentials.Description);
        Assert.Same(credentials, resolver.Resolve(new AuthSelection(AuthMethod.Environment, null, "again"))); // cached
    }

    [Fact]
    public void EnvironmentCredentials_Missing_Throw()
    {
        var env = new FakeHostEnvironment().With("AWS_ACCESS_KEY_ID", "AKIAONLY");

        var e = Assert.Throws<PoetryCaAuthException>(() =>
            new AwsCredentialResolver(env).Resolve(new AuthSelection(AuthMethod.Environment, null, "test")));

        Assert.Equal(("AwsEnvironmentCredentialsMissing", ErrorKind.Authentication), (e.ErrorId, e.Kind));
    }
}

public sealed class SecretTokenTests
{
    [Fact]
    public void ToStringAndFormatting_NeverShowTheValue()
    {
        var token = new SecretToken("eyJsecret.value");

        Assert.Equal("***", token.ToString());
        Assert.Equal("token=***", $"token={token}");
        Assert.Equal("eyJsecret.value", token.Reveal());
        Assert.Equal(15, token.Length);
    }

    [Theory]
    [InlineData("abc", "abc", "***")]
    [InlineData("abc", "xabcyabcz abc", "x***y***z ***")]
    [InlineData("abc", "no secret here", "no secret here")]
    [InlineData("abc", "", "")]
    [InlineData("abc", null, "")]
    [InlineData("", "text stays", "text stays")]
    [InlineData("a.b", "a.b axb", "*** axb")] // literal, not a pattern
    public void Mask_ReplacesEveryOccurrence(string value, string? text, string expected)
    {
        Assert.Equal(expected, new SecretToken(value).Mask(text));
    }

    [Fact]
    public void Null_IsRefused()
    {
        Assert.Throws<ArgumentNullException>(() => new SecretToken(null!));
    }
}
