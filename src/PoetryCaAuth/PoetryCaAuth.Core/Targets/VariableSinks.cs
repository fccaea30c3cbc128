using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Targets
{
    /// <summary>One variable to set, and the secret inside its value, if any.</summary>
    public sealed class VariableAssignment
    {
        public VariableAssignment(string name, string value, string? secret)
        {
            Name = name;
            Value = value;
            Secret = secret;
        }

        public string Name { get; }
        public string Value { get; }

        /// <summary>The token the value carries (the whole value for a password, a part of a pip URL); null for a user name.</summary>
        public string? Secret { get; }

        public bool IsSecret => Secret != null;

        public override string ToString() => Name + (IsSecret ? "=***" : "=" + Value);
    }

    /// <summary>Writes a line to the process's standard output (where CI runners read workflow commands).</summary>
    public interface IWorkflowCommandWriter
    {
        void WriteCommand(string line);
    }

    /// <summary>Where environment-style credentials are written.</summary>
    public interface IVariableSink
    {
        /// <summary>The target's name ("Environment", "DotEnv", ...).</summary>
        string Name { get; }

        /// <summary>What distinguishes one destination of this kind from another (a file path), for state keys.</summary>
        string Location { get; }

        /// <summary>Whether a later run can read the variables back (so expiry can be tracked).</summary>
        bool CanRead { get; }

        string ActionDescription { get; }

        string Describe(IEnumerable<string> names);

        string? Read(string name);

        void Write(IReadOnlyList<VariableAssignment> assignments);
    }

    /// <summary>The current process's environment: what PowerShell's $env: and every child process see.</summary>
    public sealed class ProcessEnvironmentSink : IVariableSink
    {
        private readonly Func<string, string?> _read;
        private readonly Action<string, string> _write;

        public ProcessEnvironmentSink(HostEnvironment env, Action<string, string>? write = null)
        {
            _read = env.GetVariable;
            _write = write ?? ((name, value) => System.Environment.SetEnvironmentVariable(name, value));
        }

        public string Name => "Environment";
        public string Location => string.Empty;
        public bool CanRead => true;
        public string ActionDescription => "Set CodeArtifact credentials as environment variables of this process";
        public string Describe(IEnumerable<string> names) => "$env:" + string.Join(", $env:", names);
        public string? Read(string name) => _read(name);

        public void Write(IReadOnlyList<VariableAssignment> assignments)
        {
            foreach (VariableAssignment assignment in assignments) _write(assignment.Name, assignment.Value);
        }
    }

    /// <summary>A dotenv file; see <see cref="DotEnvFile"/>.</summary>
    public sealed class DotEnvSink : IVariableSink
    {
        private readonly bool _export;

        public DotEnvSink(string path, bool export)
        {
            Path = System.IO.Path.GetFullPath(path);
            _export = export;
        }

        public string Path { get; }
        public string Name => "DotEnv";
        public string Location => OwnerOnlyFile.IsUnix ? Path : Path.ToLowerInvariant();
        public bool CanRead => true;
        public string ActionDescription => "Write CodeArtifact credentials to a dotenv file";
        public string Describe(IEnumerable<string> names) => string.Join(", ", names) + " in " + Path;

        public string? Read(string name)
        {
            try
            {
                return DotEnvFile.Read(Path).TryGetValue(name, out string? value) ? value : null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        public void Write(IReadOnlyList<VariableAssignment> assignments)
        {
            var values = new List<KeyValuePair<string, string>>();
            foreach (VariableAssignment assignment in assignments) values.Add(new KeyValuePair<string, string>(assignment.Name, assignment.Value));
            try
            {
                DotEnvFile.Update(Path, values, _export);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidData, "DotEnvWriteFailed",
                    $"Could not write the dotenv file '{Path}': {e.Message}", Path,
                    "Check that the folder exists and that you may write the file, or pass another -DotEnvPath.", e);
            }
        }
    }

    /// <summary>
    /// GitHub Actions: each secret is first masked with the ::add-mask:: workflow command on standard output
    /// (so the runner hides it from every later log line), then NAME=value is appended to the file named by
    /// $GITHUB_ENV, which the runner turns into environment variables of the job's later steps.
    /// </summary>
    public sealed class GitHubActionsSink : IVariableSink
    {
        private readonly IWorkflowCommandWriter _output;

        public GitHubActionsSink(string envFile, IWorkflowCommandWriter output)
        {
            EnvFile = envFile;
            _output = output;
        }

        public string EnvFile { get; }
        public string Name => "GitHubActions";
        public string Location => EnvFile;
        public bool CanRead => false;
        public string ActionDescription => "Export CodeArtifact credentials to later GitHub Actions steps";
        public string Describe(IEnumerable<string> names) => string.Join(", ", names) + " in $GITHUB_ENV";
        public string? Read(string name) => null;

        public void Write(IReadOnlyList<VariableAssignment> assignments)
        {
            // Masking the token itself also hides it inside any URL that carries it.
            var masked = new HashSet<string>(StringComparer.Ordinal);
            var text = new StringBuilder();
            foreach (VariableAssignment assignment in assignments)
            {
                if (assignment.Secret != null && masked.Add(assignment.Secret)) _output.WriteCommand(MaskCommand(assignment.Secret));
                text.Append(EnvFileEntry(assignment.Name, assignment.Value));
            }

            try
            {
                bool existed = File.Exists(EnvFile);
                using var stream = new FileStream(EnvFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
                // The runner creates the file; should we have to, it holds secrets, so it is owner-only.
                if (!existed) OwnerOnlyFile.Restrict(EnvFile);
                if (stream.Length > 0)
                {
                    // An earlier step that wrote its last line without a newline would run it into our first.
                    stream.Seek(-1, SeekOrigin.End);
                    if (stream.ReadByte() != '\n') text.Insert(0, System.Environment.NewLine);
                }

                stream.Seek(0, SeekOrigin.End);
                byte[] bytes = new UTF8Encoding(false).GetBytes(text.ToString());
                stream.Write(bytes, 0, bytes.Length);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidData, "GitHubEnvWriteFailed",
                    $"Could not append to the GITHUB_ENV file '{EnvFile}': {e.Message}", EnvFile,
                    "Run the command in a GitHub Actions step, where the runner provides GITHUB_ENV.", e);
            }
        }

        /// <summary>::add-mask::VALUE with the data escaping of GitHub's toolkit (% CR LF).</summary>
        public static string MaskCommand(string value) => "::add-mask::" + EscapeData(value);

        /// <summary>NAME=value, or the delimiter form GitHub documents for multi-line values.</summary>
        public static string EnvFileEntry(string name, string value)
        {
            string newline = System.Environment.NewLine;
            if (value.IndexOf('\n') < 0 && value.IndexOf('\r') < 0)
            {
                return name + "=" + value + newline;
            }

            string delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("D");
            return name + "<<" + delimiter + newline + value + newline + delimiter + newline;
        }

        internal static string EscapeData(string value) => value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");
    }

    /// <summary>
    /// Azure Pipelines: ##vso[task.setvariable] logging commands on standard output. Secrets are set with
    /// issecret=true, which makes the agent mask them and keeps them out of later steps' environment unless a
    /// step maps them explicitly (env: NAME: $(NAME)); the user name is an ordinary variable.
    /// </summary>
    public sealed class AzurePipelinesSink : IVariableSink
    {
        private readonly IWorkflowCommandWriter _output;

        public AzurePipelinesSink(IWorkflowCommandWriter output)
        {
            _output = output;
        }

        public string Name => "AzurePipelines";
        public string Location => string.Empty;
        public bool CanRead => false;
        public string ActionDescription => "Set CodeArtifact credentials as Azure Pipelines variables";
        public string Describe(IEnumerable<string> names) => "pipeline variables " + string.Join(", ", names);
        public string? Read(string name) => null;

        public void Write(IReadOnlyList<VariableAssignment> assignments)
        {
            foreach (VariableAssignment assignment in assignments)
            {
                _output.WriteCommand(SetVariableCommand(assignment.Name, assignment.Value, assignment.IsSecret));
            }
        }

        public static string SetVariableCommand(string name, string value, bool secret) =>
            "##vso[task.setvariable variable=" + EscapeProperty(name) + (secret ? ";issecret=true" : string.Empty) + "]" + EscapeData(value);

        /// <summary>The escaping of azure-pipelines-task-lib's taskcommand (escapedata / escape).</summary>
        internal static string EscapeData(string value) => value.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");

        internal static string EscapeProperty(string value) => EscapeData(value).Replace("]", "%5D").Replace(";", "%3B");
    }
}
