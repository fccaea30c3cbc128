using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Lifecycle
{
    /// <summary>
    /// An exclusive lock shared by every PoetryCaAuth process of a user: a lock file opened with FileShare.None.
    /// Windows enforces that natively; .NET on Linux and macOS takes an flock() on it. The operating system
    /// releases it when the process exits, so a crashed run never leaves it held. The file is never deleted
    /// (deleting lock files lets two processes lock two different files).
    /// </summary>
    public sealed class CrossProcessLock : IDisposable
    {
        private FileStream? _stream;

        private CrossProcessLock(FileStream stream)
        {
            _stream = stream;
        }

        /// <summary>
        /// Waits up to <paramref name="timeout"/> for the lock. <paramref name="waiting"/> is told once when another
        /// process holds it. Throws <see cref="PoetryCaAuthException"/> (LockTimeout) when the wait runs out, and
        /// lets IOExceptions that are not contention (no such folder, no permission) through to the caller.
        /// </summary>
        public static CrossProcessLock Acquire(string path, TimeSpan timeout, CancellationToken cancel, Action? waiting = null)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            OwnerOnlyFile.CreateDirectory(directory);
            var clock = Stopwatch.StartNew();
            int delay = 25;
            bool told = false;
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    try
                    {
                        OwnerOnlyFile.Restrict(path);
                    }
                    catch (IOException)
                    {
                        // The lock file holds nothing; its mode is cosmetic.
                    }

                    return new CrossProcessLock(stream);
                }
                catch (IOException e) when (IsContention(e))
                {
                    if (clock.Elapsed >= timeout)
                    {
                        throw new PoetryCaAuthException(ErrorKind.LockTimeout, "TokenStoreLockTimeout",
                            $"Another PoetryCaAuth run kept the credential store lock '{path}' for more than {timeout.TotalSeconds:0} seconds.",
                            path,
                            "Wait for the other Update-PoetryCodeArtifactToken to finish and run again, or give it longer with -LockTimeoutSec. " +
                            "The lock is released when its process exits, so only a running PowerShell can hold it.", e);
                    }

                    if (!told)
                    {
                        told = true;
                        waiting?.Invoke();
                    }

                    TimeSpan left = timeout - clock.Elapsed;
                    int sleep = (int)Math.Max(1, Math.Min(delay, left.TotalMilliseconds));
                    if (cancel.WaitHandle.WaitOne(sleep)) cancel.ThrowIfCancellationRequested();
                    delay = Math.Min(delay * 2, 250);
                }
            }
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _stream = null;
        }

        /// <summary>A sharing or lock violation, as opposed to a missing folder or a permission problem.</summary>
        private static bool IsContention(IOException e) =>
            !(e is FileNotFoundException) && !(e is DirectoryNotFoundException) && !(e is PathTooLongException);
    }
}
