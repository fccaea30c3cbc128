using System;
using System.Collections.Generic;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Processes;

namespace PoetryCaAuth.Core.Tests.Auth
{
    /// <summary>An environment with chosen variables, OS and files, for the sign-in unit tests.</summary>
    internal sealed class AuthFakeEnvironment : HostEnvironment
    {
        private readonly OSKind _os;

        public AuthFakeEnvironment(OSKind os = OSKind.Linux)
        {
            _os = os;
        }

        public Dictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public HashSet<string> Files { get; } = new HashSet<string>(StringComparer.Ordinal);
        public bool UseRealFiles { get; set; }

        public override OSKind OS => _os;
        public override string? GetVariable(string name) => Variables.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;
        public override string HomeDirectory => GetVariable(_os == OSKind.Windows ? "USERPROFILE" : "HOME") ?? "/home/tester";
        public override bool FileExists(string path) => UseRealFiles ? System.IO.File.Exists(path) : Files.Contains(path);
    }

    /// <summary>Answers process runs from a script of (arguments -> result) and records what was run.</summary>
    internal sealed class ScriptedRunner : IProcessRunner
    {
        private readonly Func<ProcessSpec, ProcessResult> _answer;

        public ScriptedRunner(Func<ProcessSpec, ProcessResult> answer)
        {
            _answer = answer;
        }

        public List<ProcessSpec> Runs { get; } = new List<ProcessSpec>();

        public ProcessResult Run(ProcessSpec spec)
        {
            Runs.Add(spec);
            return _answer(spec);
        }

        public static ProcessResult Ok(string stdout, string stderr = "") => new ProcessResult(0, stdout, stderr, false);
        public static ProcessResult Fail(int code, string stderr) => new ProcessResult(code, string.Empty, stderr, false);
    }
}
