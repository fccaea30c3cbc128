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

            bool exited = process.WaitForExit((int)Math.Min(int.MaxValue, spec.Timeout.TotalMilliseconds));
            if (!exited)
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                    // It exited between the wait and the kill.
                }

                process.WaitForExit(5000);
            }
            else
            {
                process.WaitForExit(); // lets the asynchronous readers reach end of stream
            }

            // Bounded: a grandchild holding the pipes open must not hang us either.
            Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromSeconds(5));
            return new ProcessResult(exited ? process.ExitCode : -1,
                stdout.IsCompleted ? stdout.Result : string.Empty,
                stderr.IsCompleted ? stderr.Result : string.Empty,
                !exited);
        }
    }
}
