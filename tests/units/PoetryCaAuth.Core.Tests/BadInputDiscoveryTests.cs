using PoetryCaAuth.Discovery;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Core.Tests;

/// <summary>Discovery rules found by the bad-input corpus (tests/BadInput.Tests.ps1), pinned at unit level.</summary>
public sealed class BadInputDiscoveryTests : IDisposable
{
    private const string CaUrl = "https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/";

    private readonly TempDirectory _temp = new();
    private readonly TempDirectory _globalConfig = new();
    private readonly FakeHostEnvironment _env;

    public BadInputDiscoveryTests()
    {
        _env = new FakeHostEnvironment(OSKind.Linux, _temp.Path) { UseRealFileSystem = true };
        _env.With("POETRY_CONFIG_DIR", _globalConfig.Path);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _globalConfig.Dispose();
    }

    [Theory]
    // TOML forbids each of these; the model reader alone would keep one value quietly.
    [InlineData("[[tool.poetry.source]]\nname = \"a\"\nname = \"b\"\n", 3)]
    [InlineData("[tool.poetry]\nname = \"x\"\n\n[tool.poetry]\nversion = \"1\"\n", 4)]
    [InlineData("[tool]\npoetry.name = \"x\"\npoetry = 1\n", 3)]
    public void DuplicateKeys_AreInvalidToml_WithTheirLine(string text, int line)
    {
        string file = _temp.Write("pyproject.toml", text);

        var e = Assert.Throws<PoetryCaAuthException>(() => new RepositoryDiscovery(_env).Discover(file, DiscoveryScope.Project));

        Assert.Equal("TomlFileInvalid", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Contains(file, e.Message);
        Assert.Contains($"at line {line}, column ", e.Message);
    }

    [Theory]
    [InlineData("team.mirror", true)]
    [InlineData("a.b.c", true)]
    [InlineData("team-mirror", false)]
    [InlineData("Team_Mirror", false)]
    public void DottedSourceNames_AreWarnedAbout(string name, bool warned)
    {
        string file = _temp.Write("pyproject.toml", $"[[tool.poetry.source]]\nname = \"{name}\"\nurl = \"{CaUrl}\"\n");

        DiscoveryResult result = new RepositoryDiscovery(_env).Discover(file, DiscoveryScope.Project);

        Assert.Single(result.Repositories);
        Assert.Equal(warned, result.Warnings.Any(w => w.Contains("has a dot in its name", StringComparison.Ordinal)));
        // Kept by source, so that a source -Name leaves out is not warned about.
        Assert.Equal(warned, result.SourceWarnings.Any(w => w.Key == name && w.Value.Contains("has a dot in its name", StringComparison.Ordinal)));
    }

    [Fact]
    public void ADottedUvIndexName_IsNotWarnedAbout_UvTakesIt()
    {
        string file = _temp.Write("pyproject.toml", $"[[tool.uv.index]]\nname = \"uv-Index.1\"\nurl = \"{CaUrl}\"\n");

        DiscoveryResult result = new RepositoryDiscovery(_env).Discover(file, DiscoveryScope.Project);

        Assert.Equal("uv-Index.1", Assert.Single(result.Repositories).Name);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("dot", StringComparison.Ordinal));
    }

    [Fact]
    public void AHostThatIdnaRefuses_IsPassedOver_NotThrown()
    {
        // Found by UrlParserFuzzTests: Uri accepts some hosts whose IdnHost then throws.
        string file = _temp.Write("pyproject.toml",
            "[[tool.poetry.source]]\nname = \"odd\"\nurl = \"https://zn-460899661503.\uff11codeartifact.eu-south-2-.on.aws/pypi/repo1/simple/\"\n");

        DiscoveryResult result = new RepositoryDiscovery(_env).Discover(file, DiscoveryScope.Project);

        Assert.Empty(result.Repositories);
        Assert.Contains(result.Notes, n => n.Contains("Passing over source 'odd'", StringComparison.Ordinal));
    }
}
