using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Core.Tests;

public sealed class DiscoveryTests : IDisposable
{
    private const string CaUrl = "https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/";
    private const string OtherCaUrl = "https://other-444455556666.d.codeartifact.eu-west-1.amazonaws.com/pypi/internal/simple/";

    private readonly TempDirectory _temp = new();
    private readonly TempDirectory _globalConfig = new();
    private readonly FakeHostEnvironment _env;

    public DiscoveryTests()
    {
        // Every test gets its own (empty) global Poetry config folder, never the real user's.
        _env = new FakeHostEnvironment(OSKind.Linux, _temp.Path) { UseRealFileSystem = true };
        _env.With("POETRY_CONFIG_DIR", _globalConfig.Path);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _globalConfig.Dispose();
    }

    private static string PyProject(params (string Name, string? Url)[] sources)
    {
        var text = new System.Text.StringBuilder("[tool.poetry]\nname = \"demo\"\nversion = \"0.1.0\"\n\n");
        foreach (var (name, url) in sources)
        {
            text.Append("[[tool.poetry.source]]\nname = \"").Append(name).Append("\"\n");
            if (url != null) text.Append("url = \"").Append(url).Append("\"\n");
            text.Append("priority = \"supplemental\"\n\n");
        }

        return text.ToString();
    }

    private DiscoveryResult Discover(string path, DiscoveryScope scope = DiscoveryScope.All) =>
        new RepositoryDiscovery(_env).Discover(path, scope);

    [Fact]
    public void WalksUpFromANestedFolderToTheNearestPyProject()
    {
        _temp.Write("pyproject.toml", PyProject(("outer", OtherCaUrl)));
        string project = _temp.Write("apps/svc/pyproject.toml", PyProject(("inner", CaUrl)));
        string nested = _temp.CreateDirectory("apps/svc/src/pkg/sub");

        DiscoveryResult result = Discover(nested, DiscoveryScope.Project);

        Assert.Equal(project, result.PyProjectFile);
        CodeArtifactRepository repo = Assert.Single(result.Repositories);
        Assert.Equal("inner", repo.Name);
        Assert.Equal("my-domain", repo.Domain);
        Assert.Equal("111122223333", repo.DomainOwner);
        Assert.Equal("us-west-2", repo.Region);
        Assert.Equal("my-repo", repo.Repository);
        Assert.Equal(SourceOrigin.PyProject, repo.Origin);
        Assert.Equal(project, repo.ConfigFile);
        Assert.Equal(CaUrl, repo.Url);
    }

    [Fact]
    public void AFileGivenDirectly_IsReadInsteadOfWalking()
    {
        _temp.Write("pyproject.toml", PyProject(("in-folder", CaUrl)));
        string other = _temp.Write("elsewhere/custom.toml", PyProject(("direct", OtherCaUrl)));

        DiscoveryResult result = Discover(other, DiscoveryScope.Project);

        Assert.Equal(other, result.PyProjectFile);
        Assert.Equal("direct", Assert.Single(result.Repositories).Name);
    }

    [Fact]
    public void NoPyProject_GivesANoteAndNothingElse()
    {
        string empty = _temp.CreateDirectory("nothing/here");
        Assert.Null(RepositoryDiscovery.FindPyProject(empty)); // guard: no pyproject.toml above the temp folder

        DiscoveryResult result = Discover(empty, DiscoveryScope.Project);

        Assert.Null(result.PyProjectFile);
        Assert.Empty(result.Repositories);
        Assert.Contains(result.Notes, n => n.Contains("No pyproject.toml"));
    }

    [Fact]
    public void CodeArtifactSourcesAreKept_OthersArePassedOverWithANote()
    {
        _temp.Write("pyproject.toml", PyProject(
            ("pypi-mirror", "https://pypi.org/simple/"),
            ("ca", CaUrl),
            ("no-url", null),
            ("npm-lookalike", "https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/npm/my-repo/"),
            ("ca2", OtherCaUrl)));

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Equal(new[] { "ca", "ca2" }, result.Repositories.Select(r => r.Name));
        Assert.Contains(result.Notes, n => n.Contains("'pypi-mirror'") && n.Contains("pypi.org"));
        Assert.Contains(result.Notes, n => n.Contains("'no-url'") && n.Contains("no url"));
        Assert.Contains(result.Notes, n => n.Contains("'npm-lookalike'") && n.Contains("npm"));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void PyProjectWithoutSources_GivesANote()
    {
        _temp.Write("pyproject.toml", "[tool.poetry]\nname = \"demo\"\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Empty(result.Repositories);
        Assert.Contains(result.Notes, n => n.Contains("declares no [[tool.poetry.source]]"));
    }

    [Fact]
    public void DuplicateNames_WarnAndTheFirstWins()
    {
        _temp.Write("pyproject.toml", PyProject(("dup", CaUrl), ("dup", OtherCaUrl)));

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        CodeArtifactRepository repo = Assert.Single(result.Repositories);
        Assert.Equal("my-domain", repo.Domain);
        Assert.Contains(result.Warnings, w => w.Contains("'dup'") && w.Contains("more than once"));
    }

    [Fact]
    public void DuplicateNames_FirstWinsEvenWhenTheFirstIsNotCodeArtifact()
    {
        _temp.Write("pyproject.toml", PyProject(("dup", "https://pypi.org/simple/"), ("dup", CaUrl)));

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Empty(result.Repositories);
        Assert.Contains(result.Warnings, w => w.Contains("'dup'") && w.Contains("more than once"));
    }

    [Fact]
    public void EnvironmentReferencesInUrls_AreExpanded()
    {
        _temp.Write("pyproject.toml", PyProject(
            ("from-env", "https://${CA_DOMAIN}-${CA_OWNER}.d.codeartifact.${CA_REGION}.amazonaws.com/pypi/${CA_REPO}/simple/")));
        _env.With("CA_DOMAIN", "envdomain").With("CA_OWNER", "123456789012").With("CA_REGION", "ap-south-1").With("CA_REPO", "envrepo");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        CodeArtifactRepository repo = Assert.Single(result.Repositories);
        Assert.Equal(("envdomain", "123456789012", "ap-south-1", "envrepo"), (repo.Domain, repo.DomainOwner, repo.Region, repo.Repository));
        Assert.Equal("https://envdomain-123456789012.d.codeartifact.ap-south-1.amazonaws.com/pypi/envrepo/simple/", repo.Url);
    }

    [Fact]
    public void EnvironmentReferencesInUrls_UnsetVariable_SkipsWithANote()
    {
        _temp.Write("pyproject.toml", PyProject(
            ("from-env", "https://${CA_HOST_UNSET_FOR_TEST}/pypi/r1/simple/"),
            ("ca", CaUrl)));

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Equal("ca", Assert.Single(result.Repositories).Name);
        Assert.Contains(result.Notes, n => n.Contains("'from-env'") && n.Contains("${CA_HOST_UNSET_FOR_TEST}") && n.Contains("not set"));
    }

    [Fact]
    public void ProjectPoetryToml_RepositoriesAreRead()
    {
        _temp.Write("pyproject.toml", PyProject(("ca", CaUrl)));
        string local = _temp.Write("poetry.toml", $"[repositories.local-publish]\nurl = \"{OtherCaUrl}\"\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Equal(new[] { "ca", "local-publish" }, result.Repositories.Select(r => r.Name));
        CodeArtifactRepository fromLocal = result.Repositories[1];
        Assert.Equal(SourceOrigin.PoetryLocalConfig, fromLocal.Origin);
        Assert.Equal(local, fromLocal.ConfigFile);
        Assert.Equal("other", fromLocal.Domain);
    }

    [Fact]
    public void GlobalConfig_RepositoriesAreRead_FromPoetryConfigDir()
    {
        string global = Path.Combine(_globalConfig.Path, "config.toml");
        File.WriteAllText(global,
            "[virtualenvs]\nin-project = true\n\n" +
            $"[repositories.publish]\nurl = \"{OtherCaUrl}\"\n\n" +
            "[repositories.testpypi]\nurl = \"https://test.pypi.org/legacy/\"\n");

        DiscoveryResult result = Discover(_temp.CreateDirectory("no-project"), DiscoveryScope.Global);

        CodeArtifactRepository repo = Assert.Single(result.Repositories);
        Assert.Equal("publish", repo.Name);
        Assert.Equal(SourceOrigin.PoetryGlobalConfig, repo.Origin);
        Assert.Equal(global, repo.ConfigFile);
        Assert.Contains(result.Notes, n => n.Contains("'testpypi'"));
    }

    [Fact]
    public void GlobalConfig_Missing_GivesANote()
    {
        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Global);

        Assert.Empty(result.Repositories);
        Assert.Contains(result.Notes, n => n.Contains(Path.Combine(_globalConfig.Path, "config.toml")));
    }

    [Fact]
    public void ProjectEntriesWinByNameOverGlobalOnes_AndTheUnionIsReturned()
    {
        _temp.Write("pyproject.toml", PyProject(("shared", CaUrl)));
        File.WriteAllText(Path.Combine(_globalConfig.Path, "config.toml"),
            $"[repositories.shared]\nurl = \"{OtherCaUrl}\"\n\n" +
            $"[repositories.global-only]\nurl = \"{OtherCaUrl}\"\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.All);

        Assert.Equal(new[] { "shared", "global-only" }, result.Repositories.Select(r => r.Name));
        Assert.Equal(("my-domain", SourceOrigin.PyProject), (result.Repositories[0].Domain, result.Repositories[0].Origin));
        Assert.Equal(SourceOrigin.PoetryGlobalConfig, result.Repositories[1].Origin);
        Assert.Contains(result.Notes, n => n.Contains("repositories.shared") && n.Contains("project's entry is used"));
    }

    [Fact]
    public void ScopeProject_IgnoresTheGlobalConfig()
    {
        _temp.Write("pyproject.toml", PyProject(("ca", CaUrl)));
        File.WriteAllText(Path.Combine(_globalConfig.Path, "config.toml"), $"[repositories.global-only]\nurl = \"{OtherCaUrl}\"\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Equal("ca", Assert.Single(result.Repositories).Name);
    }

    [Fact]
    public void UserInfoInASourceUrl_WarnsAndIsRedacted()
    {
        _temp.Write("pyproject.toml", PyProject(
            ("with-password", "https://aws:hunter2@my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")));

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        CodeArtifactRepository repo = Assert.Single(result.Repositories);
        Assert.Equal(CaUrl, repo.Url);
        Assert.Contains(result.Warnings, w => w.Contains("'with-password'") && w.Contains("poetry.lock"));
        Assert.DoesNotContain(result.Warnings.Concat(result.Notes), m => m.Contains("hunter2"));
    }

    [Theory]
    // The line the syntax error is on (1-based), as an editor shows it.
    [InlineData("[tool.poetry]\nname = \"demo\"\n\n[[tool.poetry.source]]\nname = \"a\"\nurl = = \"bad\"\n", 6)]
    [InlineData("[tool.poetry\nname = \"demo\"\n", 1)]
    [InlineData("[tool.poetry]\nname = \"demo\"\nversion = \"0.1.0\nauthors = []\n", 3)]
    [InlineData("\n\n\n\n\n\n\n\nkey = \n", 9)]
    public void MalformedToml_ThrowsTomlFileInvalid_NamingTheFileAndLine(string content, int line)
    {
        string file = _temp.Write("pyproject.toml", content);

        var e = Assert.Throws<PoetryCaAuthException>(() => Discover(_temp.Path, DiscoveryScope.Project));

        Assert.Equal("TomlFileInvalid", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Equal(file, e.Target);
        Assert.Contains(file, e.Message);
        Assert.Contains($"at line {line},", e.Message);
    }

    [Fact]
    public void MalformedGlobalConfig_IsAWarningNamingThatFile_AndTheProjectStillCounts()
    {
        _temp.Write("pyproject.toml", PyProject(("ca", CaUrl)));
        string global = Path.Combine(_globalConfig.Path, "config.toml");
        File.WriteAllText(global, "[repositories.x]\nurl = \"https://example.com\"\n[repositories.x\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.All);

        Assert.Equal(new[] { "ca" }, result.Repositories.Select(r => r.Name));
        string warning = Assert.Single(result.Warnings, w => w.Contains(global));
        Assert.Contains("at line 3,", warning);
        Assert.DoesNotContain("(3,", warning);
    }

    [Fact]
    public void InlineArrayOfSourceTables_IsReadLikeTheTableArrayForm()
    {
        _temp.Write("pyproject.toml", "[tool.poetry]\nname = \"x\"\nsource = [{ name = \"inline\", url = \"" + CaUrl + "\" }]\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Project);

        Assert.Equal("inline", Assert.Single(result.Repositories).Name);
    }

    [Fact]
    public void PoetryRepositoryVariables_AreDiscoveredWithPoetrysNaming()
    {
        _env.Variables["POETRY_REPOSITORIES_TEAM_MIRROR_URL"] = CaUrl;

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Global);

        CodeArtifactRepository repo = Assert.Single(result.Repositories);
        Assert.Equal("team-mirror", repo.Name);
        Assert.Equal(SourceOrigin.PoetryEnvironment, repo.Origin);
    }

    [Fact]
    public void RepositoriesThatIsNotATable_IsAWarning()
    {
        File.WriteAllText(Path.Combine(_globalConfig.Path, "config.toml"), "repositories = 5\n");

        DiscoveryResult result = Discover(_temp.Path, DiscoveryScope.Global);

        Assert.Empty(result.Repositories);
        Assert.Contains(result.Warnings, w => w.Contains("repositories should be a table"));
    }

    [Fact]
    public void FromUrl_NamesTheSourceAfterTheRepositoryByDefault()
    {
        var result = new DiscoveryResult();
        var discovery = new RepositoryDiscovery(_env);

        CodeArtifactRepository? byDefault = discovery.FromUrl(CaUrl, null, result);
        CodeArtifactRepository? named = discovery.FromUrl(CaUrl, "custom", result);
        CodeArtifactRepository? rejected = discovery.FromUrl("https://pypi.org/simple/", null, result);

        Assert.Equal(("my-repo", SourceOrigin.Url), (byDefault!.Name, byDefault.Origin));
        Assert.Equal("custom", named!.Name);
        Assert.Null(rejected);
        Assert.Contains(result.Notes, n => n.Contains("pypi.org"));
    }
}
