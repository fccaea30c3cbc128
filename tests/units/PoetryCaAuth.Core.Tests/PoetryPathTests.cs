using PoetryCaAuth.Platform;
using PoetryCaAuth.Poetry;

namespace PoetryCaAuth.Core.Tests;

public class PoetryPathTests
{
    [Fact]
    public void ABareCommandName_IsLookedUpOnPath()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/u").With("PATH", "/opt/a:/opt/b").WithFile("/opt/b/poetry1.8");

        PoetryLocation found = PoetryLocator.Find("poetry1.8", env);

        Assert.Equal("/opt/b/poetry1.8", found.Path);
    }

    [Fact]
    public void ABareCommandName_OnWindows_TakesPathExtensions()
    {
        var env = new FakeHostEnvironment(OSKind.Windows, @"C:\Users\u").With("PATH", @"C:\tools").With("PATHEXT", ".EXE;.CMD")
            .WithFile(@"C:\tools\mypoetry.cmd");

        PoetryLocation found = PoetryLocator.Find("mypoetry", env);

        Assert.Equal(@"C:\tools\mypoetry.cmd", found.Path);
        Assert.True(found.NeedsCmdShell);
    }

    [Fact]
    public void AnExplicitFileThatIsNotExecutable_IsRefusedBeforeAnyWork()
    {
        var env = new FakeHostEnvironment(OSKind.Linux, "/home/u").WithFile("/tmp/poetry-script");
        env.NotExecutable.Add("/tmp/poetry-script");

        var e = Assert.Throws<PoetryCaAuthException>(() => PoetryLocator.Find("/tmp/poetry-script", env));

        Assert.Equal("PoetryNotExecutable", e.ErrorId);
        Assert.Contains("chmod +x", e.RecommendedAction);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ARealFileWithoutTheExecuteBit_IsNotExecutable()
    {
        string file = Path.GetTempFileName();
        try
        {
            var env = new FakeHostEnvironment(OSKind.Linux, "/home/u") { UseRealFileSystem = true };
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            // root may execute anything with at least one x bit; with none at all, access(X_OK) fails even for root.
            Assert.False(env.IsExecutable(file));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.True(env.IsExecutable(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
