using PoetryCaAuth.Credentials;
using PoetryCaAuth.Platform;
using Xunit;

namespace PoetryCaAuth.Core.Tests;

/// <summary>Profile names for -ProfileName tab completion, read from real files in a temp folder.</summary>
public sealed class AwsProfileNamesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pca-profiles-" + Guid.NewGuid().ToString("N"));

    public AwsProfileNamesTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ConfigFileListsDefaultAndProfileSectionsOnly()
    {
        string[] lines =
        {
            "# a comment with [profile commented]",
            "[default]",
            "region = us-west-2",
            "[profile dev]",
            "sso_session = corp",
            "[sso-session corp]",
            "sso_start_url = https://example.awsapps.com/start",
            "[services local]",
            "codeartifact =",
            "  endpoint_url = http://127.0.0.1:9",
            "[profile   spaced-out  ]",
            "[profile \"with space\"]",
            "[profiledev]",
            "[plugins]",
            "[ profile ci ]",
            "; [profile also-commented]",
        };

        Assert.Equal(new[] { "default", "dev", "spaced-out", "with space", "ci" }, AwsProfileNames.ParseConfig(lines));
    }

    [Fact]
    public void CredentialsFileListsEverySection()
    {
        string[] lines = { "[default]", "aws_access_key_id = AKIAEXAMPLE", "[ci-deploy]", "", "[Prod]", "[ ]" };

        Assert.Equal(new[] { "default", "ci-deploy", "Prod" }, AwsProfileNames.ParseCredentials(lines));
    }

    [Fact]
    public void ListHonoursAwsConfigFileAndAwsSharedCredentialsFile()
    {
        string config = Write("elsewhere/my-config", "[profile from-config]\n[default]\n[sso-session corp]\n");
        string credentials = Write("elsewhere/my-credentials", "[from-credentials]\n[default]\n");
        // Files at the default location must be ignored when the variables point elsewhere.
        Write("home/.aws/config", "[profile not-this-one]\n");
        var env = new ProfileEnv(Path.Combine(_root, "home"))
        {
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
        };

        IReadOnlyList<AwsProfileEntry> entries = AwsProfileNames.List(env);

        Assert.Equal(new[] { "from-config", "default", "from-credentials" }, entries.Select(e => e.Name));
        Assert.Equal(new[] { AwsProfileFile.Config, AwsProfileFile.Config, AwsProfileFile.Credentials }, entries.Select(e => e.File));
        Assert.Equal(credentials, entries[2].Path);
    }

    [Fact]
    public void ListFallsBackToTheHomeFolderFiles()
    {
        Write("home/.aws/config", "[profile home-config]\n");
        Write("home/.aws/credentials", "[home-credentials]\n[home-config]\n");

        IReadOnlyList<AwsProfileEntry> entries = AwsProfileNames.List(new ProfileEnv(Path.Combine(_root, "home")));

        Assert.Equal(new[] { "home-config", "home-credentials" }, entries.Select(e => e.Name));
    }

    [Fact]
    public void ListExpandsALeadingTildeAsTheAwsCliDoes()
    {
        Write("home/custom/config", "[profile tilde]\n");
        var env = new ProfileEnv(Path.Combine(_root, "home")) { ["AWS_CONFIG_FILE"] = "~/custom/config" };

        Assert.Equal(new[] { "tilde" }, AwsProfileNames.List(env).Select(e => e.Name));
    }

    [Fact]
    public void ListKeepsNamesThatDifferOnlyInCase()
    {
        Write("home/.aws/credentials", "[dev]\n[DEV]\n");

        Assert.Equal(new[] { "dev", "DEV" }, AwsProfileNames.List(new ProfileEnv(Path.Combine(_root, "home"))).Select(e => e.Name));
    }

    [Fact]
    public void MissingOrUnreadableFilesGiveNoNamesRatherThanAnError()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a-folder-not-a-file"));
        var env = new ProfileEnv(Path.Combine(_root, "no-home"))
        {
            ["AWS_CONFIG_FILE"] = Path.Combine(_root, "missing"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_root, "a-folder-not-a-file"),
        };

        Assert.Empty(AwsProfileNames.List(env));
    }

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Only the variables a test sets exist; HOME is the test's folder.</summary>
    private sealed class ProfileEnv : HostEnvironment
    {
        private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);
        private readonly string _home;

        public ProfileEnv(string home) => _home = home;

        public string this[string name]
        {
            set => _variables[name] = value;
        }

        public override OSKind OS => OperatingSystem.IsWindows() ? OSKind.Windows : OSKind.Linux;

        public override string? GetVariable(string name) => _variables.TryGetValue(name, out string? v) ? v : null;

        public override string HomeDirectory => _home;
    }
}
