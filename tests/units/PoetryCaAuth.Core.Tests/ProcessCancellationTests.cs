using System.Diagnostics;
using PoetryCaAuth.Processes;

namespace PoetryCaAuth.Core.Tests;

public class ProcessCancellationTests
{
    [Fact]
    public void Cancel_StopsTheProcessAndItsChildren_Promptly()
    {
        string pidFile = Path.Combine(Path.GetTempPath(), "pca-child-" + Guid.NewGuid().ToString("N"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        // A shell (the "shim") that starts a long-lived child and waits for it, as poetry.cmd or a pipx wrapper would.
        var spec = new ProcessSpec("/bin/sh", new[] { "-c", $"sleep 60 & echo $! > {pidFile}; wait" })
        {
            Timeout = TimeSpan.FromSeconds(60),
            Cancel = cancel.Token,
        };

        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => new ProcessRunner().Run(spec));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        int childPid = int.Parse(File.ReadAllText(pidFile).Trim());
        File.Delete(pidFile);
        Thread.Sleep(300);
        bool childAlive;
        try
        {
            using Process child = Process.GetProcessById(childPid);
            childAlive = !child.HasExited;
        }
        catch (ArgumentException)
        {
            childAlive = false;
        }

        Assert.False(childAlive, "the shim's child outlived the cancellation");
    }
}
