using PoetryCaAuth.Platform;
using PoetryCaAuth.Poetry;

namespace PoetryCaAuth.Core.Tests;

public sealed class PoetryConfigLocatorTests
{
    [Fact]
    public void Windows_UsesAppData()
    {
        var env = new FakeHostEnvironment(OSKind.Windows).With("APPDATA", @"D:\Roaming");

        Assert.Equal(@"D:\Roaming\pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
        Assert.Equal(@"D:\Roaming\pypoetry\config.toml", PoetryConfigLocator.GetConfigFile(env));
        Assert.Equal(@"D:\Roaming\pypoetry\auth.toml", PoetryConfigLocator.GetAuthFile(env));
    }

    [Fact]
    public void Windows_WithoutAppData_FallsBackToTheRoamingProfileFolder()
    {
        var env = new FakeHostEnvironment(OSKind.Windows, @"C:\Users\bob");

        Assert.Equal(@"C:\Users\bob\AppData\Roaming\pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
    }

    [Fact]
    public void MacOS_DefaultsToPreferences_WhenNeitherFolderExists()
    {
        var env = new FakeHostEnvironment(OSKind.MacOS, "/Users/bob");

        Assert.Equal("/Users/bob/Library/Preferences/pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
    }

    [Fact]
    public void MacOS_FallsBackToApplicationSupport_WhenOnlyThatExists()
    {
        var env = new FakeHostEnvironment(OSKind.MacOS, "/Users/bob")
            .WithDirectory("/Users/bob/Library/Application Support/pypoetry")
            .WithFile("/Users/bob/Library/Application Support/pypoetry/config.toml");

        Assert.Equal("/Users/bob/Library/Application Support/pypoetry", PoetryConfigLocator.GetConfigFile(env)[..^"/config.toml".Length]);
    }

    [Fact]
    public void MacOS_UsesPreferences_WhenItHoldsPoetryConfiguration()
    {
        var env = new FakeHostEnvironment(OSKind.MacOS, "/Users/bob")
            .WithDirectory("/Users/bob/Library/Preferences/pypoetry")
            .WithFile("/Users/bob/Library/Preferences/pypoetry/auth.toml")
            .WithDirectory("/Users/bob/Library/Application Support/pypoetry")
            .WithFile("/Users/bob/Library/Application Support/pypoetry/config.toml");

        Assert.Equal("/Users/bob/Library/Preferences/pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
    }

    [Fact]
    public void MacOS_AnEmptyPreferencesFolder_DoesNotHideApplicationSupport()
    {
        // Poetry (locations.py) reuses the legacy Preferences folder only when config.toml or auth.toml is in it.
        var env = new FakeHostEnvironment(OSKind.MacOS, "/Users/bob")
            .WithDirectory("/Users/bob/Library/Preferences/pypoetry")
            .WithDirectory("/Users/bob/Library/Application Support/pypoetry")
            .WithFile("/Users/bob/Library/Application Support/pypoetry/config.toml");

        Assert.Equal("/Users/bob/Library/Application Support/pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
    }

    [Fact]
    public void Linux_DefaultsToDotConfig()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob");

        Assert.Equal("/home/bob/.config/pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
        Assert.Equal("/home/bob/.config/pypoetry/config.toml", PoetryConfigLocator.GetConfigFile(env));
    }

    [Fact]
    public void Linux_RespectsXdgConfigHome()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob").With("XDG_CONFIG_HOME", "/srv/xdg");

        Assert.Equal("/srv/xdg/pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
    }

    [Fact]
    public void Linux_EmptyXdgConfigHome_IsTreatedAsUnset()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob").With("XDG_CONFIG_HOME", "");

        Assert.Equal("/home/bob/.config/pypoetry", PoetryConfigLocator.GetConfigDirectory(env));
    }

    [Theory]
    [InlineData(OSKind.Windows, @"E:\poetry-config")]
    [InlineData(OSKind.MacOS, "/opt/poetry-config")]
    [InlineData(OSKind.Linux, "/opt/poetry-config")]
    public void PoetryConfigDir_OverridesEverything(OSKind os, string dir)
    {
        var env = new FakeHostEnvironment(os)
            .With("POETRY_CONFIG_DIR", dir)
            .With("APPDATA", @"D:\Roaming")
            .With("XDG_CONFIG_HOME", "/srv/xdg")
            .WithDirectory("/Users/alice/Library/Application Support/pypoetry")
            .WithFile("/Users/alice/Library/Application Support/pypoetry/config.toml");

        Assert.Equal(dir, PoetryConfigLocator.GetConfigDirectory(env));
        Assert.StartsWith(dir, PoetryConfigLocator.GetConfigFile(env));
        Assert.EndsWith("config.toml", PoetryConfigLocator.GetConfigFile(env));
    }
}

public sealed class PoetryLocatorTests
{
    [Fact]
    public void Linux_FirstPathEntryWins()
    {
        var env = new FakeHostEnvironment(OSKind.Linux)
            .With("PATH", "/usr/local/bin:/opt/a:/opt/b")
            .WithFile("/opt/b/poetry")
            .WithFile("/opt/a/poetry");

        PoetryLocation found = PoetryLocator.Find(null, env);

        Assert.Equal("/opt/a/poetry", found.Path);
        Assert.False(found.NeedsCmdShell);
        Assert.Equal("PATH", found.FoundBy);
    }

    [Fact]
    public void Linux_EmptyAndQuotedPathEntriesAreTolerated()
    {
        var env = new FakeHostEnvironment(OSKind.Linux)
            .With("PATH", "::\"/opt/q\": /opt/r ")
            .WithFile("/opt/q/poetry");

        Assert.Equal("/opt/q/poetry", PoetryLocator.Find(null, env).Path);
    }

    [Fact]
    public void Linux_PathBeatsInstallFolders()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob")
            .With("PATH", "/usr/bin")
            .WithFile("/home/bob/.local/bin/poetry")
            .WithFile("/usr/bin/poetry");

        Assert.Equal("/usr/bin/poetry", PoetryLocator.Find(null, env).Path);
    }

    [Fact]
    public void Linux_PipxLocalBin_IsFoundWhenNotOnPath()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob")
            .With("PATH", "/usr/bin:/bin")
            .WithFile("/home/bob/.local/bin/poetry");

        PoetryLocation found = PoetryLocator.Find(null, env);

        Assert.Equal("/home/bob/.local/bin/poetry", found.Path);
        Assert.Contains("/home/bob/.local/bin", found.FoundBy);
    }

    [Fact]
    public void PoetryHome_BinIsSearchedBeforeLocalBin()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob")
            .With("POETRY_HOME", "/opt/poetry")
            .WithFile("/opt/poetry/bin/poetry")
            .WithFile("/home/bob/.local/bin/poetry");

        Assert.Equal("/opt/poetry/bin/poetry", PoetryLocator.Find(null, env).Path);
    }

    [Fact]
    public void Linux_OfficialInstallerVenv_UnderXdgDataHome()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/bob")
            .With("XDG_DATA_HOME", "/data")
            .WithFile("/data/pypoetry/venv/bin/poetry");

        Assert.Equal("/data/pypoetry/venv/bin/poetry", PoetryLocator.Find(null, env).Path);
    }

    [Fact]
    public void MacOS_HomebrewFolderIsSearched()
    {
        var env = new FakeHostEnvironment(OSKind.MacOS, "/Users/bob")
            .With("PATH", "/usr/bin")
            .WithFile("/opt/homebrew/bin/poetry");

        Assert.Equal("/opt/homebrew/bin/poetry", PoetryLocator.Find(null, env).Path);
    }

    [Theory]
    [InlineData(".COM;.EXE;.BAT;.CMD", new[] { "poetry.cmd", "poetry.exe" }, "poetry.exe", false)]
    [InlineData(".COM;.CMD;.BAT;.EXE", new[] { "poetry.cmd", "poetry.exe" }, "poetry.cmd", true)]
    [InlineData(".COM;.EXE;.BAT;.CMD", new[] { "poetry.cmd", "poetry.bat" }, "poetry.bat", true)]
    [InlineData(".com;.exe;.bat;.cmd", new[] { "poetry.cmd" }, "poetry.cmd", true)]
    [InlineData(".EXE", new[] { "poetry.cmd", "poetry.exe" }, "poetry.exe", false)]
    [InlineData(".CMD;.PS1;.EXE", new[] { "poetry.exe" }, "poetry.exe", false)]
    public void Windows_PathExtOrderDecidesWithinOneFolder(string pathExt, string[] present, string expected, bool needsCmd)
    {
        var env = new FakeHostEnvironment(OSKind.Windows).With("PATH", @"C:\tools").With("PATHEXT", pathExt);
        foreach (string name in present) env.WithFile(@"C:\tools\" + name);

        PoetryLocation found = PoetryLocator.Find(null, env);

        Assert.Equal(@"C:\tools\" + expected, found.Path);
        Assert.Equal(needsCmd, found.NeedsCmdShell);
    }

    [Fact]
    public void Windows_WithoutPathExt_UsesCmdDefaults()
    {
        var env = new FakeHostEnvironment(OSKind.Windows).With("PATH", @"C:\tools")
            .WithFile(@"C:\tools\poetry.cmd").WithFile(@"C:\tools\poetry.bat");

        Assert.Equal(@"C:\tools\poetry.bat", PoetryLocator.Find(null, env).Path); // .BAT comes before .CMD
    }

    [Fact]
    public void Windows_PathOrderBeatsPathExtOrder()
    {
        // An earlier folder's poetry.cmd wins over a later folder's poetry.exe, as in cmd.exe.
        var env = new FakeHostEnvironment(OSKind.Windows)
            .With("PATH", @"C:\first;C:\second")
            .With("PATHEXT", ".COM;.EXE;.BAT;.CMD")
            .WithFile(@"C:\first\poetry.cmd")
            .WithFile(@"C:\second\poetry.exe");

        PoetryLocation found = PoetryLocator.Find(null, env);

        Assert.Equal(@"C:\first\poetry.cmd", found.Path);
        Assert.True(found.NeedsCmdShell);
    }

    [Fact]
    public void Windows_AppDataPythonScripts_IsSearched()
    {
        var env = new FakeHostEnvironment(OSKind.Windows, @"C:\Users\bob")
            .With("PATH", @"C:\Windows\System32")
            .With("APPDATA", @"C:\Users\bob\AppData\Roaming")
            .WithFile(@"C:\Users\bob\AppData\Roaming\Python\Scripts\poetry.exe");

        PoetryLocation found = PoetryLocator.Find(null, env);

        Assert.Equal(@"C:\Users\bob\AppData\Roaming\Python\Scripts\poetry.exe", found.Path);
        Assert.False(found.NeedsCmdShell);
    }

    [Fact]
    public void Windows_PipxLocalBin_IsSearched()
    {
        var env = new FakeHostEnvironment(OSKind.Windows, @"C:\Users\bob")
            .WithFile(@"C:\Users\bob\.local\bin\poetry.exe");

        Assert.Equal(@"C:\Users\bob\.local\bin\poetry.exe", PoetryLocator.Find(null, env).Path);
    }

    [Fact]
    public void Windows_PoetryHome_IsSearched()
    {
        var env = new FakeHostEnvironment(OSKind.Windows, @"C:\Users\bob")
            .With("POETRY_HOME", @"D:\poetry")
            .WithFile(@"D:\poetry\bin\poetry.exe");

        Assert.Equal(@"D:\poetry\bin\poetry.exe", PoetryLocator.Find(null, env).Path);
    }

    [Theory]
    [InlineData(OSKind.Windows, @"D:\custom\poetry.exe", false)]
    [InlineData(OSKind.Windows, @"D:\custom\poetry.CMD", true)]
    [InlineData(OSKind.Windows, @"D:\custom\poetry.bat", true)]
    [InlineData(OSKind.Linux, "/custom/poetry", false)]
    [InlineData(OSKind.Linux, "/custom/poetry.cmd", false)] // no cmd.exe off Windows
    public void ExplicitPath_Present_IsUsedWithoutSearching(OSKind os, string path, bool needsCmd)
    {
        var env = new FakeHostEnvironment(os).With("PATH", os == OSKind.Windows ? @"C:\tools" : "/usr/bin").WithFile(path)
            .WithFile(os == OSKind.Windows ? @"C:\tools\poetry.exe" : "/usr/bin/poetry");

        PoetryLocation found = PoetryLocator.Find(path, env);

        Assert.Equal(path, found.Path);
        Assert.Equal(needsCmd, found.NeedsCmdShell);
        Assert.Equal("-PoetryPath", found.FoundBy);
    }

    [Fact]
    public void ExplicitPath_Missing_ThrowsPoetryNotFound_WithoutFallingBackToPath()
    {
        var env = new FakeHostEnvironment(OSKind.Linux).With("PATH", "/usr/bin").WithFile("/usr/bin/poetry");

        var e = Assert.Throws<PoetryCaAuthException>(() => PoetryLocator.Find("/nope/poetry", env));

        Assert.Equal("PoetryNotFound", e.ErrorId);
        Assert.Equal(ErrorKind.PoetryNotFound, e.Kind);
        Assert.Contains("/nope/poetry", e.Message);
    }

    [Theory]
    [InlineData(OSKind.Linux)]
    [InlineData(OSKind.MacOS)]
    [InlineData(OSKind.Windows)]
    public void NothingFound_MessageListsWhereItSearched(OSKind os)
    {
        var env = new FakeHostEnvironment(os).With("PATH", os == OSKind.Windows ? @"C:\a;C:\b" : "/a:/b");

        var e = Assert.Throws<PoetryCaAuthException>(() => PoetryLocator.Find(null, env));

        Assert.Equal("PoetryNotFound", e.ErrorId);
        Assert.Contains("PATH", e.Message);
        Assert.Contains(env.Combine(env.HomeDirectory, ".local", "bin"), e.Message);
        foreach (string folder in PoetryLocator.WellKnownDirectories(env))
        {
            Assert.Contains(folder, e.Message);
        }

        // Each PATH folder was really looked into.
        Assert.Contains(env.Probed, p => p.StartsWith(os == OSKind.Windows ? @"C:\b\poetry" : "/b/poetry"));
        Assert.NotNull(e.RecommendedAction);
    }
}
