using System.Diagnostics;
using PoetryCaAuth.Processes;

namespace PoetryCaAuth.Core.Tests;

/// <summary>Runs real child processes; POSIX only (the module's Windows path is covered by the Pester suite).</summary>
public sealed class ProcessRunnerTests
{
    private static readonly bool Posix = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    private static ProcessResult Shell(string script, Action<ProcessSpec>? configure = null)
    {
        var spec = new ProcessSpec("/bin/sh", new[] { "-c", script }) { Timeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(spec);
        return new ProcessRunner().Run(spec);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(255)]
    public void CapturesStdoutStderrAndTheExitCode(int exitCode)
    {
        if (!Posix) return;

        ProcessResult result = Shell($"echo to-out; echo to-err >&2; echo more-out; exit {exitCode}");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal("to-out\nmore-out\n", result.StandardOutput);
        Assert.Equal("to-err\n", result.StandardError);
        Assert.False(result.TimedOut);
    }

    [Fact]
    public void LargeOutputOnBothStreams_DoesNotDeadlock()
    {
        if (!Posix) return;

        ProcessResult result = Shell("head -c 300000 /dev/zero | tr '\\000' x; head -c 200000 /dev/zero | tr '\\000' y >&2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(300000, result.StandardOutput.Length);
        Assert.Equal(200000, result.StandardError.Length);
        Assert.All(result.StandardOutput, c => Assert.Equal('x', c));
    }

    [Fact]
    public void StandardInputIsClosed_SoAReaderSeesEndOfFile()
    {
        if (!Posix) return;

        ProcessResult result = Shell("cat; echo done");

        Assert.Equal("done\n", result.StandardOutput);
        Assert.False(result.TimedOut);
    }

    [Fact]
    public void EnvironmentOverrides_SetAndRemoveVariables_ForTheChildOnly()
    {
        if (!Posix) return;
        string? homeBefore = Environment.GetEnvironmentVariable("HOME");
        Assert.False(string.IsNullOrEmpty(homeBefore), "the test needs HOME set in its own environment");

        ProcessResult result = Shell("echo \"set=${PCAA_TEST_VALUE-unset} home=${HOME-unset}\"", spec =>
        {
            spec.Environment["PCAA_TEST_VALUE"] = "a value with spaces";
            spec.Environment["HOME"] = null;
        });

        Assert.Equal("set=a value with spaces home=unset\n", result.StandardOutput);
        Assert.Equal(homeBefore, Environment.GetEnvironmentVariable("HOME"));
        Assert.Null(Environment.GetEnvironmentVariable("PCAA_TEST_VALUE"));
    }

    [Fact]
    public void WorkingDirectory_IsUsed()
    {
        if (!Posix) return;
        using var temp = new TempDirectory();

        ProcessResult result = Shell("pwd -P", spec => spec.WorkingDirectory = temp.Path);

        Assert.Equal(new DirectoryInfo(temp.Path).FullName, result.StandardOutput.Trim(), ignoreCase: false);
    }

    [Fact]
    public void Timeout_KillsTheProcessAndReportsTimedOut()
    {
        if (!Posix) return;
        var clock = Stopwatch.StartNew();

        ProcessResult result = new ProcessRunner().Run(
            new ProcessSpec("sleep", new[] { "30" }) { Timeout = TimeSpan.FromMilliseconds(300) });

        clock.Stop();
        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}, the kill did not work");
    }

    [Fact]
    public void MissingProgram_Throws()
    {
        Assert.ThrowsAny<System.ComponentModel.Win32Exception>(() =>
            new ProcessRunner().Run(new ProcessSpec("/nonexistent/definitely-not-here", Array.Empty<string>())));
    }
}
