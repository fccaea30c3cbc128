using System.Text;
using PoetryCaAuth;
using PoetryCaAuth.Core.Tests.Lifecycle;
using PoetryCaAuth.Lifecycle;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Targets;
using Xunit;

namespace PoetryCaAuth.Core.Tests.Targets;

public sealed class CredentialVariableNamesTests
{
    // Poetry: Config.get splits "http-basic.NAME.password" at dots, uppercases each part, '-' -> '_'.
    [Theory]
    [InlineData("codeartifact", "POETRY_HTTP_BASIC_CODEARTIFACT_PASSWORD")]
    [InlineData("my-repo", "POETRY_HTTP_BASIC_MY_REPO_PASSWORD")]
    [InlineData("my.repo", "POETRY_HTTP_BASIC_MY_REPO_PASSWORD")]
    [InlineData("My_Repo", "POETRY_HTTP_BASIC_MY_REPO_PASSWORD")]
    [InlineData("CodeArtifact-Prod.Main", "POETRY_HTTP_BASIC_CODEARTIFACT_PROD_MAIN_PASSWORD")]
    [InlineData("a..b", "POETRY_HTTP_BASIC_A__B_PASSWORD")]
    [InlineData("with space", "POETRY_HTTP_BASIC_WITH SPACE_PASSWORD")] // Poetry keeps other characters
    public void PoetryPassword(string source, string expected) => Assert.Equal(expected, CredentialVariableNames.PoetryPassword(source));

    [Fact]
    public void PoetryUserName() => Assert.Equal("POETRY_HTTP_BASIC_MY_REPO_USERNAME", CredentialVariableNames.PoetryUserName("my-repo"));

    // uv: IndexName::to_env_var: ASCII alphanumerics uppercased, anything else '_'.
    [Theory]
    [InlineData("internal", "UV_INDEX_INTERNAL_PASSWORD")]
    [InlineData("my-index", "UV_INDEX_MY_INDEX_PASSWORD")]
    [InlineData("my.index", "UV_INDEX_MY_INDEX_PASSWORD")]
    [InlineData("Team_Index2", "UV_INDEX_TEAM_INDEX2_PASSWORD")]
    [InlineData("with space", "UV_INDEX_WITH_SPACE_PASSWORD")]
    public void UvPassword(string index, string expected) => Assert.Equal(expected, CredentialVariableNames.UvPassword(index));

    [Fact]
    public void UvUserName() => Assert.Equal("UV_INDEX_MY_INDEX_USERNAME", CredentialVariableNames.UvUserName("my-index"));

    [Theory]
    [InlineData("POETRY_HTTP_BASIC_A_PASSWORD", true)]
    [InlineData("POETRY_HTTP_BASIC_WITH SPACE_PASSWORD", false)]
    [InlineData("POETRY_HTTP_BASIC_A+B_PASSWORD", false)]
    [InlineData("1ABC", false)]
    public void Portability(string name, bool portable) => Assert.Equal(portable, CredentialVariableNames.IsPortable(name));
}

public sealed class CredentialVariablePlanTests
{
    private static CodeArtifactRepository Repo(string name, SourceOrigin origin = SourceOrigin.PyProject, string? url = null) => new()
    {
        Name = name, Domain = "my-domain", DomainOwner = "111122223333", Region = "us-west-2", Repository = "pypi-store", Origin = origin,
        Url = url ?? "https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/pypi-store/simple/",
    };

    [Fact]
    public void DefaultsByOrigin()
    {
        CodeArtifactRepository poetry = Repo("p"), uv = Repo("u", SourceOrigin.UvIndex);
        CredentialVariablePlan plan = CredentialVariablePlan.Build(new[] { poetry, uv }, null);
        Assert.Equal(new[] { "POETRY_HTTP_BASIC_P_USERNAME", "POETRY_HTTP_BASIC_P_PASSWORD" }, plan.For(poetry).Select(v => v.Name));
        Assert.Equal(new[] { "UV_INDEX_U_USERNAME", "UV_INDEX_U_PASSWORD" }, plan.For(uv).Select(v => v.Name));
    }

    [Fact]
    public void PipGivesTheFirstSourceTheIndexUrlAndTheOthersTheExtraIndexUrl()
    {
        CodeArtifactRepository a = Repo("a"), b = Repo("b"), c = Repo("c");
        CredentialVariablePlan plan = CredentialVariablePlan.Build(new[] { a, b, c }, new[] { CredentialTool.Pip });
        Assert.Equal(CredentialValueKind.IndexUrl, Assert.Single(plan.For(a)).Kind);
        Assert.Equal("PIP_EXTRA_INDEX_URL", Assert.Single(plan.For(b)).Name);
        Assert.Equal("PIP_EXTRA_INDEX_URL", Assert.Single(plan.For(c)).Name);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void WarnsOncePerToolWhenNamesCollide()
    {
        CredentialVariablePlan plan = CredentialVariablePlan.Build(new[] { Repo("my.repo"), Repo("my-repo"), Repo("other") }, null);
        string warning = Assert.Single(plan.Warnings);
        Assert.Contains("'my.repo' and 'my-repo'", warning);
        Assert.Contains("POETRY_HTTP_BASIC_MY_REPO_PASSWORD", warning);
    }

    [Fact]
    public void RefusesNamesNoShellAccepts()
    {
        CodeArtifactRepository bad = Repo("with space");
        CredentialVariablePlan plan = CredentialVariablePlan.Build(new[] { bad, Repo("fine") }, null);
        Assert.Equal("CredentialVariableNameInvalid", plan.Errors[bad].ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, plan.Errors[bad].Kind);
        Assert.Empty(plan.For(bad));
    }

    [Fact]
    public void PipNeedsAUrlOrARepositoryName()
    {
        var bare = new CodeArtifactRepository { Name = "d", Domain = "d", DomainOwner = "111122223333", Region = "us-west-2" };
        CredentialVariablePlan plan = CredentialVariablePlan.Build(new[] { bare }, new[] { CredentialTool.Pip });
        Assert.Equal("PipIndexUrlUnknown", plan.Errors[bare].ErrorId);
    }
}

public sealed class PipIndexUrlTests
{
    [Theory]
    [InlineData("https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/", "https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/")]
    [InlineData("https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple", "https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/")]
    [InlineData("https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/", "https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/")]
    [InlineData("http://d-111122223333.d.codeartifact.us-west-2.amazonaws.com:8080/pypi/r", "http://d-111122223333.d.codeartifact.us-west-2.amazonaws.com:8080/pypi/r/simple/")]
    public void BaseUrlEndsInSimple(string url, string expected) =>
        Assert.Equal(expected, PipIndexUrl.BaseUrl(new CodeArtifactRepository { Url = url }));

    [Fact]
    public void BaseUrlFromPartsWhenThereIsNoUrl() =>
        Assert.Equal("https://d-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/r/simple/",
            PipIndexUrl.BaseUrl(new CodeArtifactRepository { Domain = "d", DomainOwner = "111122223333", Region = "eu-west-1", Repository = "r" }));

    [Fact]
    public void TheTokenIsPercentEncodedAndFoundAgain()
    {
        const string baseUrl = "https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/";
        var token = new SecretToken("eyJ.a-b_c/d+e=f%g:h@i");
        string url = PipIndexUrl.WithToken(baseUrl, token);
        Assert.Equal("https://aws:eyJ.a-b_c%2Fd%2Be%3Df%25g%3Ah%40i@d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/", url);
        Assert.Equal(token.Reveal(), PipIndexUrl.FindPassword("https://other.example/simple/ " + url, baseUrl));
        Assert.Null(PipIndexUrl.FindPassword(url, "https://d-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/other/simple/"));
    }
}

public sealed class DotEnvFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-dotenv-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static KeyValuePair<string, string>[] Values(params (string, string)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToArray();

    [Fact]
    public void AKeyLineInsideAnotherKeysMultiLineValue_IsPartOfThatValue()
    {
        // A certificate in double quotes and a note in single quotes, each holding a line that looks like our key.
        string text = "CERT=\"-----BEGIN\nPOETRY_HTTP_BASIC_CA_USERNAME=keepme\n-----END \\\" still\"\n" +
                      "NOTE='first\nPOETRY_HTTP_BASIC_CA_PASSWORD=keepme too\nlast'\n" +
                      "POETRY_HTTP_BASIC_CA_PASSWORD = old\n";
        byte[] before = Encoding.UTF8.GetBytes(text);

        string after = Encoding.UTF8.GetString(DotEnvFile.Apply(before, Values(("POETRY_HTTP_BASIC_CA_USERNAME", "aws"), ("POETRY_HTTP_BASIC_CA_PASSWORD", "tok")), false));

        Assert.Equal(text.Replace("POETRY_HTTP_BASIC_CA_PASSWORD = old\n", "POETRY_HTTP_BASIC_CA_PASSWORD=tok\n") + "POETRY_HTTP_BASIC_CA_USERNAME=aws\n", after);
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, ".env");
        File.WriteAllText(path, after);
        Dictionary<string, string> read = DotEnvFile.Read(path);
        Assert.Equal("-----BEGIN\nPOETRY_HTTP_BASIC_CA_USERNAME=keepme\n-----END \" still", read["CERT"]);
        Assert.Equal("first\nPOETRY_HTTP_BASIC_CA_PASSWORD=keepme too\nlast", read["NOTE"]);
        Assert.Equal("aws", read["POETRY_HTTP_BASIC_CA_USERNAME"]);
        Assert.Equal("tok", read["POETRY_HTTP_BASIC_CA_PASSWORD"]);
    }

    [Fact]
    public void OurOwnMultiLineEntry_IsReplacedWhole()
    {
        byte[] before = Encoding.UTF8.GetBytes("A=1\r\nPOETRY_HTTP_BASIC_CA_PASSWORD=\"line1\r\nline2\"\r\nB=2\r\n");

        string after = Encoding.UTF8.GetString(DotEnvFile.Apply(before, Values(("POETRY_HTTP_BASIC_CA_PASSWORD", "tok")), false));

        Assert.Equal("A=1\r\nPOETRY_HTTP_BASIC_CA_PASSWORD=tok\r\nB=2\r\n", after);
    }

    [Fact]
    public void ADroppedDuplicateOnTheLastLine_LeavesNoBlankLine()
    {
        byte[] before = Encoding.UTF8.GetBytes("KEY=old\nB=2\nKEY=dup");

        string after = Encoding.UTF8.GetString(DotEnvFile.Apply(before, Values(("KEY", "new"), ("USERNAME", "aws")), false));

        Assert.Equal("KEY=new\nB=2\nUSERNAME=aws\n", after);
    }

    [Fact]
    public void UpdatesKeysInPlaceAndKeepsEveryOtherByte()
    {
        // A BOM, CRLF and LF mixed, comments, odd spacing, quotes, non-ASCII and a last line without newline.
        byte[] before = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "# settings ünïcode\r\nFOO = 'bar baz'  # comment\r\n\r\nexport POETRY_HTTP_BASIC_CA_PASSWORD=old\nOTHER=\"x=y\"\n  indented=1\nPOETRY_HTTP_BASIC_CA_PASSWORD=dup\nLAST=no-newline")).ToArray();

        byte[] after = DotEnvFile.Apply(before, Values(("POETRY_HTTP_BASIC_CA_PASSWORD", "new-token"), ("POETRY_HTTP_BASIC_CA_USERNAME", "aws")), export: false);

        byte[] expected = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "# settings ünïcode\r\nFOO = 'bar baz'  # comment\r\n\r\nexport POETRY_HTTP_BASIC_CA_PASSWORD=new-token\nOTHER=\"x=y\"\n  indented=1\nLAST=no-newline\r\nPOETRY_HTTP_BASIC_CA_USERNAME=aws\r\n")).ToArray();
        Assert.Equal(expected, after);
    }

    [Fact]
    public void InvalidUtf8InOtherLinesSurvives()
    {
        byte[] before = { (byte)'A', (byte)'=', 0xFF, 0xFE, (byte)'\n', (byte)'K', (byte)'=', (byte)'1', (byte)'\n' };
        byte[] after = DotEnvFile.Apply(before, Values(("K", "2")), false);
        Assert.Equal(new byte[] { (byte)'A', (byte)'=', 0xFF, 0xFE, (byte)'\n', (byte)'K', (byte)'=', (byte)'2', (byte)'\n' }, after);
    }

    [Fact]
    public void ExportPrefixAndQuoting()
    {
        Assert.Equal("export K=abc.def-_/:@%", DotEnvFile.Format("K", "abc.def-_/:@%", true));
        Assert.Equal("K='url1 url2'", DotEnvFile.Format("K", "url1 url2", false));
        Assert.Equal("K=\"it's \\$x\"", DotEnvFile.Format("K", "it's $x", false));
    }

    [Fact]
    public void ReadsWhatItWrites()
    {
        string path = Path.Combine(_dir, ".env");
        DotEnvFile.Update(path, Values(("A", "plain"), ("B", "two words"), ("C", "it's")), export: true);
        Dictionary<string, string> read = DotEnvFile.Read(path);
        Assert.Equal("plain", read["A"]);
        Assert.Equal("two words", read["B"]);
        Assert.Equal("it's", read["C"]);
    }

    [Fact]
    public void CreatesTheFileOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Path.Combine(_dir, "sub", ".env");
        DotEnvFile.Update(path, Values(("A", "1")), false);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("A=1\n", File.ReadAllText(path));
    }

    [Fact]
    public void TightensALooserExistingFile()
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, ".env");
        File.WriteAllText(path, "X=1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        DotEnvFile.Update(path, Values(("A", "1")), false);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("X=1\nA=1\n", File.ReadAllText(path));
    }

    [Fact]
    public void ASymlinkedFileStaysALink_AndItsTargetIsUpdated()
    {
        if (OperatingSystem.IsWindows()) return;
        string kept = Path.Combine(_dir, "dotfiles");
        Directory.CreateDirectory(kept);
        string target = Path.Combine(kept, "project.env");
        File.WriteAllText(target, "# kept\nX=1\n");
        string project = Path.Combine(_dir, "project");
        Directory.CreateDirectory(project);
        string link = Path.Combine(project, ".env");
        File.CreateSymbolicLink(link, Path.Combine("..", "dotfiles", "project.env"));

        DotEnvFile.Update(link, Values(("A", "1")), false);

        Assert.Equal(Path.Combine("..", "dotfiles", "project.env"), new FileInfo(link).LinkTarget);
        Assert.Equal("# kept\nX=1\nA=1\n", File.ReadAllText(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Empty(Directory.GetFiles(project, "*.tmp", SearchOption.TopDirectoryOnly));
        Assert.Empty(Directory.GetFiles(kept, "*.tmp", SearchOption.TopDirectoryOnly));
    }
}

public sealed class CiOutputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-ci-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private sealed class Lines : IWorkflowCommandWriter
    {
        public List<string> Written { get; } = new();
        public void WriteCommand(string line) => Written.Add(line);
    }

    [Fact]
    public void GitHubMasksEachSecretBeforeAppendingNameValueLines()
    {
        Directory.CreateDirectory(_dir);
        string envFile = Path.Combine(_dir, "github_env");
        File.WriteAllText(envFile, "EARLIER=1\n");
        var output = new Lines();
        var sink = new GitHubActionsSink(envFile, output);

        sink.Write(new[]
        {
            new VariableAssignment("POETRY_HTTP_BASIC_CA_USERNAME", "aws", null),
            new VariableAssignment("POETRY_HTTP_BASIC_CA_PASSWORD", "tok%en", "tok%en"),
            new VariableAssignment("PIP_INDEX_URL", "https://aws:tok%25en@h/simple/", "tok%en"),
        });

        Assert.Equal(new[] { "::add-mask::tok%25en" }, output.Written);
        string nl = Environment.NewLine;
        Assert.Equal("EARLIER=1\nPOETRY_HTTP_BASIC_CA_USERNAME=aws" + nl + "POETRY_HTTP_BASIC_CA_PASSWORD=tok%en" + nl +
                     "PIP_INDEX_URL=https://aws:tok%25en@h/simple/" + nl, File.ReadAllText(envFile));
    }

    [Theory]
    [InlineData("FOO=1", "FOO=1\n")]          // an earlier step's last line without a newline stays its own line
    [InlineData("", "")]                      // an empty file gets no blank first line
    [InlineData("FOO=1\r\n", "FOO=1\r\n")]
    public void GitHubNeverRunsItsFirstLineIntoAnEarlierOne(string before, string expectedPrefix)
    {
        Directory.CreateDirectory(_dir);
        string envFile = Path.Combine(_dir, "github_env_" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(envFile, before);

        new GitHubActionsSink(envFile, new Lines()).Write(new[] { new VariableAssignment("POETRY_HTTP_BASIC_CA_USERNAME", "aws", null) });

        string expected = (expectedPrefix == "FOO=1\n" ? "FOO=1" + Environment.NewLine : expectedPrefix) + "POETRY_HTTP_BASIC_CA_USERNAME=aws" + Environment.NewLine;
        Assert.Equal(expected, File.ReadAllText(envFile));
    }

    [Fact]
    public void GitHubCreatesAMissingEnvFileOwnerOnly()
    {
        Directory.CreateDirectory(_dir);
        string envFile = Path.Combine(_dir, "github_env_missing");

        new GitHubActionsSink(envFile, new Lines()).Write(new[] { new VariableAssignment("POETRY_HTTP_BASIC_CA_PASSWORD", "tok", "tok") });

        Assert.Equal("POETRY_HTTP_BASIC_CA_PASSWORD=tok" + Environment.NewLine, File.ReadAllText(envFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
        }
    }

    [Fact]
    public void GitHubUsesTheDelimiterFormForMultiLineValues()
    {
        string entry = GitHubActionsSink.EnvFileEntry("K", "a\nb");
        string nl = Environment.NewLine;
        Assert.Matches("^K<<(ghadelimiter_[0-9a-f-]{36})" + nl + "a\nb" + nl + "\\1" + nl + "$", entry);
        Assert.Equal("::add-mask::a%0D%0Ab", GitHubActionsSink.MaskCommand("a\r\nb"));
    }

    [Fact]
    public void AzureSetsPasswordsAsSecretVariables()
    {
        var output = new Lines();
        new AzurePipelinesSink(output).Write(new[]
        {
            new VariableAssignment("POETRY_HTTP_BASIC_CA_USERNAME", "aws", null),
            new VariableAssignment("POETRY_HTTP_BASIC_CA_PASSWORD", "tok", "tok"),
        });
        Assert.Equal(new[]
        {
            "##vso[task.setvariable variable=POETRY_HTTP_BASIC_CA_USERNAME]aws",
            "##vso[task.setvariable variable=POETRY_HTTP_BASIC_CA_PASSWORD;issecret=true]tok",
        }, output.Written);
    }

    [Fact]
    public void AzureEscapesAsTheTaskLibDoes()
    {
        Assert.Equal("##vso[task.setvariable variable=A%3BB%5D;issecret=true]x%AZP25y%0D%0Az",
            AzurePipelinesSink.SetVariableCommand("A;B]", "x%y\r\nz", true));
    }
}

public sealed class VariableTargetTests
{
    private static CodeArtifactRepository Repo(string name) => new()
    {
        Name = name, Domain = "my-domain", DomainOwner = "111122223333", Region = "us-west-2", Repository = "pypi-store",
        Url = "https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/" + name + "/simple/",
    };

    [Fact]
    public void ProcessTargetWritesAndRecognisesItsOwnToken()
    {
        var env = new LifecycleTestEnvironment(OSKind.Linux);
        var sink = new ProcessEnvironmentSink(env, env.Set);
        CodeArtifactRepository repo = Repo("ca-main");
        var target = new VariableTarget(sink, CredentialVariablePlan.Build(new[] { repo }, new[] { CredentialTool.Poetry, CredentialTool.Uv, CredentialTool.Pip }));
        var token = new SecretToken("eyJtoken");
        string fingerprint = TokenStateStore.Fingerprint(token.Reveal());

        Assert.Equal(StoredCredentialState.Missing, target.Inspect(repo, fingerprint));
        target.Store(repo, token, DateTimeOffset.UtcNow.AddHours(1));

        Assert.Equal("aws", env.GetVariable("POETRY_HTTP_BASIC_CA_MAIN_USERNAME"));
        Assert.Equal("eyJtoken", env.GetVariable("POETRY_HTTP_BASIC_CA_MAIN_PASSWORD"));
        Assert.Equal("eyJtoken", env.GetVariable("UV_INDEX_CA_MAIN_PASSWORD"));
        Assert.Equal("https://aws:eyJtoken@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/ca-main/simple/", env.GetVariable("PIP_INDEX_URL"));
        Assert.Equal(StoredCredentialState.Present, target.Inspect(repo, fingerprint));
        Assert.Equal("pip", target.SharedGroup(repo));

        env.Set("UV_INDEX_CA_MAIN_PASSWORD", "something-else");
        Assert.Equal(StoredCredentialState.Different, target.Inspect(repo, fingerprint));
    }

    [Fact]
    public void PipExtraIndexUrlAccumulatesEveryOtherSource()
    {
        var env = new LifecycleTestEnvironment(OSKind.Linux);
        CodeArtifactRepository a = Repo("a"), b = Repo("b"), c = Repo("c");
        var target = new VariableTarget(new ProcessEnvironmentSink(env, env.Set), CredentialVariablePlan.Build(new[] { a, b, c }, new[] { CredentialTool.Pip }));
        foreach (CodeArtifactRepository repo in new[] { a, b, c }) target.Store(repo, new SecretToken("t" + repo.Name), DateTimeOffset.UtcNow);

        Assert.EndsWith("/pypi/a/simple/", env.GetVariable("PIP_INDEX_URL"));
        string[] extra = env.GetVariable("PIP_EXTRA_INDEX_URL")!.Split(' ');
        Assert.Equal(2, extra.Length);
        Assert.StartsWith("https://aws:tb@", extra[0]);
        Assert.StartsWith("https://aws:tc@", extra[1]);
        Assert.Equal(StoredCredentialState.Present, target.Inspect(c, TokenStateStore.Fingerprint("tc")));
    }

    [Fact]
    public void StateKeysDifferByTargetLocationAndNaming()
    {
        CodeArtifactRepository repo = Repo("ca");
        var env = new LifecycleTestEnvironment(OSKind.Linux);
        string process = new VariableTarget(new ProcessEnvironmentSink(env), CredentialVariablePlan.Build(new[] { repo }, null)).StateKey(repo);
        string uv = new VariableTarget(new ProcessEnvironmentSink(env), CredentialVariablePlan.Build(new[] { repo }, new[] { CredentialTool.Uv })).StateKey(repo);
        string dotenv = new VariableTarget(new DotEnvSink("/tmp/a/.env", false), CredentialVariablePlan.Build(new[] { repo }, null)).StateKey(repo);
        string dotenv2 = new VariableTarget(new DotEnvSink("/tmp/b/.env", false), CredentialVariablePlan.Build(new[] { repo }, null)).StateKey(repo);
        Assert.Equal(4, new HashSet<string> { process, uv, dotenv, dotenv2 }.Count);
    }
}

public sealed class PoetryDestinationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-pd-" + Guid.NewGuid().ToString("N"));

    public PoetryDestinationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private PoetryDestination Destination(bool noKeyring = false, string? configDir = null) =>
        new(new LifecycleTestEnvironment(OSKind.Linux, new() { ["HOME"] = "/nowhere", ["POETRY_CONFIG_DIR"] = configDir ?? _dir }), noKeyring);

    private static CodeArtifactRepository Repo(string name) => new() { Name = name };

    [Fact]
    public void ReadsAuthTomlAsPoetryWritesIt()
    {
        File.WriteAllText(Path.Combine(_dir, "auth.toml"),
            "[http-basic.ca-main]\nusername = \"aws\"\npassword = \"tok1\"\n\n[http-basic.my.repo]\nusername = \"aws\"\npassword = \"tok2\"\n\n[http-basic.in-keyring]\nusername = \"aws\"\n\n[http-basic.someone]\nusername = \"bob\"\npassword = \"tok3\"\n");
        PoetryDestination destination = Destination();
        Assert.Equal(StoredCredentialState.Present, destination.Inspect(Repo("ca-main"), TokenStateStore.Fingerprint("tok1")));
        Assert.Equal(StoredCredentialState.Different, destination.Inspect(Repo("ca-main"), TokenStateStore.Fingerprint("older")));
        Assert.Equal(StoredCredentialState.Present, destination.Inspect(Repo("my.repo"), TokenStateStore.Fingerprint("tok2")));
        Assert.Equal(StoredCredentialState.Unknown, destination.Inspect(Repo("in-keyring"), "x"));
        Assert.Equal(StoredCredentialState.Missing, Destination(noKeyring: true).Inspect(Repo("in-keyring"), "x"));
        Assert.Equal(StoredCredentialState.Different, destination.Inspect(Repo("someone"), TokenStateStore.Fingerprint("tok3")));
        Assert.Equal(StoredCredentialState.Missing, destination.Inspect(Repo("absent"), "x"));
    }

    [Fact]
    public void AMissingOrBrokenAuthTomlMeansMissing()
    {
        Assert.Equal(StoredCredentialState.Missing, Destination().Inspect(Repo("a"), "x"));
        File.WriteAllText(Path.Combine(_dir, "auth.toml"), "[[[ not toml");
        Assert.Equal(StoredCredentialState.Missing, Destination().Inspect(Repo("a"), "x"));
    }

    [Fact]
    public void TheConfigFolderAndKeyringModeArePartOfTheKey()
    {
        CodeArtifactRepository repo = Repo("a");
        Assert.NotEqual(Destination().StateKey(repo), Destination(configDir: Path.Combine(_dir, "other")).StateKey(repo));
        Assert.NotEqual(Destination().StateKey(repo), Destination(noKeyring: true).StateKey(repo));
        Assert.Contains(_dir, Destination().StateKey(repo));
    }
}
