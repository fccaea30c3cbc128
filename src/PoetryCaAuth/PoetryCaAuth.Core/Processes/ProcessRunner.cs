using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace PoetryCaAuth.Processes
{
    /// <summary>What to run. Arguments are kept as a list so callers never build command lines by hand.</summary>
    public sealed class ProcessSpec
    {
        public ProcessSpec(string fileName, IReadOnlyList<string> arguments)
        {
            FileName = fileName;
            Arguments = arguments;
        }

        public string FileName { get; }
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>Run through cmd.exe: the program is a .cmd or .bat shim.</summary>
        public bool UseCmdShell { get; set; }

        public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>();
        public string? WorkingDirectory { get; set; }
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Stops the process (and its children) early, e.g. when the user presses Ctrl+C.</summary>
        public System.Threading.CancellationToken Cancel { get; set; }
    }

    public sealed class ProcessResult
    {
        public ProcessResult(int exitCode, string standardOutput, string standardError, bool timedOut)
        {
            ExitCode = exitCode;
            StandardOutput = standardOutput;
            StandardError = standardError;
            TimedOut = timedOut;
        }

        public int ExitCode { get; }
        public string StandardOutput { get; }
        public string StandardError { get; }
        public bool TimedOut { get; }
    }

    public interface IProcessRunner
    {
        ProcessResult Run(ProcessSpec spec);
    }

    /// <summary>
    /// Starts a process with closed standard input, reads both output streams asynchronously (so a full
    /// pipe cannot stall it) and kills it when the timeout passes.
    /// </summary>
    public sealed class ProcessRunner : IProcessRunner
    {
        public ProcessResult Run(ProcessSpec spec)
        {
            var startInfo = new ProcessStartInfo
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
            };

            if (spec.UseCmdShell)
            {
                startInfo.FileName = System.Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe";
                startInfo.Arguments = CommandLine.JoinForCmd(spec.FileName, spec.Arguments);
            }
            else
            {
                startInfo.FileName = spec.FileName;
                startInfo.Arguments = CommandLine.Join(spec.Arguments);
            }

            foreach (var variable in spec.Environment)
            {
                if (variable.Value == null) startInfo.Environment.Remove(variable.Key);
                else startInfo.Environment[variable.Key] = variable.Value;
            }

            using var process = new Process { StartInfo = startInfo };
            process.Start();
            process.StandardInput.Close();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();

            bool exited = WaitForExitOrCancel(process, spec.Timeout, spec.Cancel);
            if (!exited)
            {
                KillTree(process);
                process.WaitForExit(5000);
            }
            else
            {
                process.WaitForExit(); // lets the asynchronous readers reach end of stream
            }

            // Bounded: a grandchild holding the pipes open must not hang us either.
            Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromSeconds(5));
            spec.Cancel.ThrowIfCancellationRequested();
            return new ProcessResult(exited ? process.ExitCode : -1,
                stdout.IsCompleted ? stdout.Result : string.Empty,
                stderr.IsCompleted ? stderr.Result : string.Empty,
                !exited);
        }

        private static bool WaitForExitOrCancel(Process process, TimeSpan timeout, System.Threading.CancellationToken cancel)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || cancel.IsCancellationRequested) return process.HasExited;
                // Short slices so Ctrl+C is honoured within a fraction of a second.
                if (process.WaitForExit((int)Math.Min(200, Math.Max(1, left.TotalMilliseconds)))) return true;
            }
        }

        /// <summary>
        /// Kills the process and, where the runtime can (.NET Core 3.0+, so PowerShell 7), its children too:
        /// a shim such as poetry.cmd or a pipx wrapper would otherwise leave the real Poetry running.
        /// </summary>
        private static void KillTree(Process process)
        {
            try
            {
                var killTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });
                if (killTree != null)
                {
                    killTree.Invoke(process, new object[] { true });
                }
                else
                {
                    process.Kill();
                }
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.Reflection.TargetInvocationException ||
                                      e is System.ComponentModel.Win32Exception)
            {
                // It exited between the wait and the kill.
            }
        }
    }
}
