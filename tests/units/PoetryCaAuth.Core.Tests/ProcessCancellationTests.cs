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
        // A killed child that nobody has reaped yet is a zombie ('Z'): dead, though its /proc entry remains.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (IsRunning(childPid) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.False(IsRunning(childPid), "the shim's child outlived the cancellation");
    }

    private static bool IsRunning(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        string text = File.ReadAllText(stat);
        // Format: pid (comm) state ...
        char state = text[text.LastIndexOf(')') + 2];
        return state != 'Z' && state != 'X';
    }
}
