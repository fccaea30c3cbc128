using System;
using System.IO;
using System.Linq;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Processes;

namespace PoetryCaAuth.Poetry
{
    /// <summary>Stores HTTP Basic credentials with `poetry config http-basic.NAME USER PASSWORD`, one source at a time.</summary>
    public sealed class PoetryCredentialStore
    {
        private readonly PoetryLocation _poetry;
        private readonly IProcessRunner _runner;
        private readonly HostEnvironment _env;

        public PoetryCredentialStore(PoetryLocation poetry, IProcessRunner runner, HostEnvironment env)
        {
            _poetry = poetry;
            _runner = runner;
            _env = env;
        }

        /// <summary>Bypass the system keyring, so the token goes to auth.toml (needed on Windows: see README).</summary>
        public bool NoKeyring { get; set; }

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>Cancels a running Poetry (Ctrl+C); it is killed with its children.</summary>
        public System.Threading.CancellationToken Cancel { get; set; }

        /// <summary>How many times Poetry was started; the benchmark and tests count it.</summary>
        public int Invocations { get; private set; }

        /// <summary>The command shown verbosely: the token is replaced by ***.</summary>
        public string Describe(string sourceName, string username) =>
            $"{_poetry.Path} config --no-interaction --no-ansi http-basic.{sourceName} {username} ***";

        public void StoreHttpBasic(string sourceName, string username, SecretToken token)
        {
            var spec = new ProcessSpec(_poetry.Path,
                new[] { "config", "--no-interaction", "--no-ansi", "http-basic." + sourceName, username, token.Reveal() })
            {
                UseCmdShell = _poetry.NeedsCmdShell,
                Timeout = Timeout,
                Cancel = Cancel,
                // Poetry reads no project here, so a broken pyproject.toml in the current folder cannot stop it.
                WorkingDirectory = Path.GetTempPath(),
            };
            if (NoKeyring)
            {
                spec.Environment["POETRY_KEYRING_ENABLED"] = "false";
                // Older Poetry has no keyring.enabled setting; the null backend makes it fall back to auth.toml too.
                spec.Environment["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring";
            }

            Invocations++;
            ProcessResult result;
            try
            {
                result = _runner.Run(spec);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is IOException)
            {
                throw new PoetryCaAuthException(ErrorKind.PoetryNotFound, "PoetryStartFailed",
                    $"Could not start Poetry at '{_poetry.Path}': {e.Message}", sourceName,
                    "Check that the file is an executable Poetry, or pass another with -PoetryPath.", e);
            }

            if (result.TimedOut)
            {
                throw new PoetryCaAuthException(ErrorKind.Timeout, "PoetryTimedOut",
                    $"Poetry did not finish storing credentials for source '{sourceName}' within {CodeArtifact.CodeArtifactClient.Seconds(Timeout)} and was stopped.",
                    sourceName, "Poetry may be waiting for a locked keyring; unlock it, or use -NoKeyring.");
            }

            if (result.ExitCode != 0)
            {
                string output = token.Mask(Tail(result.StandardError.Trim().Length > 0 ? result.StandardError : result.StandardOutput));
                if (LooksLikeKeyringTooSmall(output))
                {
                    throw new PoetryCaAuthException(ErrorKind.PoetryKeyringTooSmall, "PoetryKeyringTooSmall",
                        $"Poetry could not put the token for source '{sourceName}' into the system keyring: a CodeArtifact token is longer than " +
                        "the Windows Credential Manager allows (2,560 bytes). Poetry said: " + output, sourceName,
                        "Run again with -NoKeyring to keep the token in Poetry's auth.toml instead, or run 'poetry config keyring.enabled false' once.");
                }

                throw new PoetryCaAuthException(ErrorKind.PoetryFailed, "PoetryConfigFailed",
                    $"Poetry failed (exit code {result.ExitCode}) storing credentials for source '{sourceName}': {output}", sourceName,
                    "Read Poetry's message above; run 'poetry config --list' to check Poetry's own configuration.");
            }

            // Poetry writes auth.toml with the default umask; a token file should be readable by its owner only.
            try
            {
                OwnerOnlyFile.Restrict(PoetryConfigLocator.GetAuthFile(_env));
            }
            catch (IOException)
            {
                // Not ours to fail on: the credential is stored either way.
            }
        }

        internal static bool LooksLikeKeyringTooSmall(string output) =>
            output.IndexOf("1783", StringComparison.Ordinal) >= 0 ||
            output.IndexOf("stub received bad data", StringComparison.OrdinalIgnoreCase) >= 0 ||
            output.IndexOf("CredWrite", StringComparison.OrdinalIgnoreCase) >= 0;

        private static string Tail(string text)
        {
            string[] lines = text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            return string.Join(" ", lines.Skip(Math.Max(0, lines.Length - 6)));
        }
    }
}
