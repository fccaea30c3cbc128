using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Processes;

namespace PoetryCaAuth.Credentials
{
    /// <summary>Keys from aws-vault; the secret parts never leave Core.</summary>
    internal sealed class VaultCredentials
    {
        public VaultCredentials(string accessKeyId, string secretAccessKey, string? sessionToken)
        {
            AccessKeyId = accessKeyId;
            SecretAccessKey = secretAccessKey;
            SessionToken = sessionToken;
        }

        public string AccessKeyId { get; }
        public string SecretAccessKey { get; }
        public string? SessionToken { get; }
    }

    /// <summary>
    /// Gets a profile's credentials from aws-vault (99designs/aws-vault). Its JSON output is preferred where
    /// the installed version has it ('export --format=json' since 7.0, 'exec --json' since 4.5); older or
    /// unknown versions, and a JSON form the binary turns down, fall back to 'exec PROFILE -- env' (cmd /c set
    /// on Windows), of which only the AWS_* credential values are read. aws-vault runs with closed standard
    /// input and a timeout; its error output is shown with secrets masked.
    /// </summary>
    public sealed class AwsVaultCredentialSource
    {
        private static readonly Regex VersionPattern = new Regex(@"v?(\d+)\.(\d+)(?:\.(\d+))?", RegexOptions.CultureInvariant);
        private readonly HostEnvironment _env;
        private readonly IProcessRunner _runner;

        public AwsVaultCredentialSource(HostEnvironment env, IProcessRunner runner)
        {
            _env = env;
            _runner = runner;
        }

        /// <summary>How long aws-vault may take; it may be waiting for a keychain or an MFA prompt.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(180);

        /// <summary>Passed as --mfa-token, for profiles aws-vault would otherwise ask an MFA code for.</summary>
        public string? MfaCode { get; set; }

        /// <summary>Where aws-vault was found, and its version, for the verbose narrative.</summary>
        public string LastDescription { get; private set; } = string.Empty;

        internal VaultCredentials Get(string profileName)
        {
            if (profileName.StartsWith("-", StringComparison.Ordinal))
            {
                // aws-vault would read it as an option.
                throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "AwsProfileNameInvalid",
                    $"'{profileName}' cannot be passed to aws-vault as a profile name.", profileName, "Use a profile name that does not start with '-'.");
            }

            (string path, bool cmdShell) = Locate();
            Version? version = ReadVersion(path, cmdShell);
            var attempts = new List<(string Form, IReadOnlyList<string> Arguments)>();
            foreach (string form in FormsFor(version))
            {
                attempts.Add((form, BuildArguments(form, profileName, MfaCode, _env.OS)));
            }

            ProcessResult? last = null;
            string lastForm = string.Empty;
            foreach (var attempt in attempts)
            {
                lastForm = attempt.Form;
                last = Run(path, cmdShell, attempt.Arguments);
                if (last.TimedOut)
                {
                    throw new PoetryCaAuthException(ErrorKind.Timeout, "AwsVaultTimedOut",
                        $"aws-vault did not answer for profile '{profileName}' within {Timeout.TotalSeconds:0} s.", profileName,
                        "aws-vault may be waiting for a prompt it cannot show here: run 'aws-vault exec " + profileName +
                        " -- aws sts get-caller-identity' once in a terminal, pass -MfaCode, or set AWS_VAULT_PROMPT to a graphical prompt (osascript, zenity, kdialog).");
                }

                if (last.ExitCode == 0)
                {
                    VaultCredentials? credentials = attempt.Form == "env"
                        ? ParseEnvironment(last.StandardOutput)
                        : ParseJson(last.StandardOutput);
                    if (credentials == null)
                    {
                        // The output is not shown: it may hold part of a secret.
                        throw new PoetryCaAuthException(ErrorKind.InvalidData, "AwsVaultOutputInvalid",
                            $"aws-vault ({attempt.Form} form) answered for profile '{profileName}' without AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                            profileName, "Check that 'aws-vault exec " + profileName + " -- env' prints AWS credentials.");
                    }

                    LastDescription = $"aws-vault {(version == null ? "(unknown version)" : "v" + version)} at '{path}', {attempt.Form} output";
                    return credentials;
                }

                // A JSON form this binary does not know: try the next, older form.
                if (attempt.Form != "env" && IsUsageError(last.StandardError))
                {
                    continue;
                }

                break;
            }

            throw Failure(profileName, lastForm, last!);
        }

        /// <summary>The output forms to try for a version, best first.</summary>
        internal static IEnumerable<string> FormsFor(Version? version)
        {
            if (version != null && version.Major >= 7) yield return "export-json";
            if (version != null && (version.Major > 4 || (version.Major == 4 && version.Minor >= 5))) yield return "exec-json";
            yield return "env";
        }

        internal static IReadOnlyList<string> BuildArguments(string form, string profileName, string? mfaCode, OSKind os)
        {
            var args = new List<string>();
            switch (form)
            {
                case "export-json":
                    args.AddRange(new[] { "export", "--format=json" });
                    break;
                default:
                    args.Add("exec");
                    break;
            }

            if (!string.IsNullOrEmpty(mfaCode)) args.Add("--mfa-token=" + mfaCode);
            switch (form)
            {
                case "export-json":
                    args.Add(profileName);
                    break;
                case "exec-json":
                    args.Add("--json");
                    args.Add(profileName);
                    break;
                default:
                    args.Add(profileName);
                    args.Add("--");
                    if (os == OSKind.Windows)
                    {
                        args.AddRange(new[] { "cmd.exe", "/d", "/c", "set" });
                    }
                    else
                    {
                        args.Add("env");
                    }

                    break;
            }

            return args;
        }

        internal static Version? ParseVersion(string output)
        {
            Match match = VersionPattern.Match(output ?? string.Empty);
            if (!match.Success) return null;
            int Part(int i) => match.Groups[i].Success ? int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
            return new Version(Part(1), Part(2), Part(3));
        }

        /// <summary>The credential_process JSON that both 'export --format=json' and 'exec --json' print.</summary>
        internal static VaultCredentials? ParseJson(string output)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(output);
                JsonElement root = document.RootElement;
                string? Get(string name) =>
                    root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement value) &&
                    value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                string? key = Get("AccessKeyId");
                string? secret = Get("SecretAccessKey");
                if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret)) return null;
                string? token = Get("SessionToken");
                return new VaultCredentials(key!, secret!, string.IsNullOrEmpty(token) ? null : token);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>Reads only the AWS credential variables of an environment listing; everything else is ignored.</summary>
        internal static VaultCredentials? ParseEnvironment(string output)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string rawLine in (output ?? string.Empty).Split('\n'))
            {
                string line = rawLine.TrimEnd('\r');
                int equals = line.IndexOf('=');
                if (equals <= 0) continue;
                string name = line.Substring(0, equals);
                if (name == "AWS_ACCESS_KEY_ID" || name == "AWS_SECRET_ACCESS_KEY" || name == "AWS_SESSION_TOKEN" || name == "AWS_SECURITY_TOKEN")
                {
                    values[name] = line.Substring(equals + 1);
                }
            }

            if (!values.TryGetValue("AWS_ACCESS_KEY_ID", out string? key) || key.Length == 0 ||
                !values.TryGetValue("AWS_SECRET_ACCESS_KEY", out string? secret) || secret.Length == 0)
            {
                return null;
            }

            string? token = values.TryGetValue("AWS_SESSION_TOKEN", out string? t) && t.Length > 0 ? t
                : values.TryGetValue("AWS_SECURITY_TOKEN", out string? s) && s.Length > 0 ? s : null;
            return new VaultCredentials(key, secret, token);
        }

        internal static bool IsUsageError(string standardError) =>
            Regex.IsMatch(standardError ?? string.Empty, @"unknown (long )?flag|unexpected .*argument|expected command|unknown command|flag provided but not defined",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        internal static bool IsMfaPromptFailure(string standardError) =>
            Regex.IsMatch(standardError ?? string.Empty, @"MFA prompt failed|mfa (token|code).*(required|prompt)|no mfa (token|code)",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        internal static bool IsMfaCodeRejected(string standardError) =>
            Regex.IsMatch(standardError ?? string.Empty, @"MultiFactorAuthentication failed|invalid MFA", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        internal static bool IsUnknownProfile(string standardError, string profileName)
        {
            string text = standardError ?? string.Empty;
            string name = Regex.Escape(profileName);
            return Regex.IsMatch(text, $@"profile\s+['""]?{name}['""]?:?\s+(credentials missing|not found)|profile\s+['""]?{name}['""]?\s+(does not exist|doesn't exist)|no (such )?profile.*{name}|{name}.*not found in (your )?(aws )?config",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        private PoetryCaAuthException Failure(string profileName, string form, ProcessResult result)
        {
            string detail = SecretScrubber.Scrub(result.StandardError, new[] { MfaCode }).Trim();
            if (detail.Length > 1500) detail = detail.Substring(0, 1500) + "…";
            if (detail.Length == 0) detail = "(no error output)";
            if (IsUnknownProfile(result.StandardError, profileName))
            {
                return new PoetryCaAuthException(ErrorKind.NotFound, "AwsVaultProfileNotFound",
                    $"aws-vault does not know the profile '{profileName}': {detail}", profileName,
                    $"Add it with 'aws-vault add {profileName}' or a [profile {profileName}] section in {AwsConfigFile()}, or pass the name of a profile aws-vault lists ('aws-vault list').");
            }

            // aws-vault asks for MFA codes on its own terminal prompt, which it cannot show when we run it.
            if (MfaCode == null && IsMfaPromptFailure(result.StandardError))
            {
                return new PoetryCaAuthException(ErrorKind.Authentication, "AwsMfaCodeRequired",
                    $"aws-vault needs an MFA code for profile '{profileName}' and cannot ask for it when run by this command: {detail}", profileName,
                    "Pass the current code with -MfaCode, or run 'aws-vault exec " + profileName + " -- true' once in a terminal so that aws-vault caches a session.");
            }

            if (MfaCode != null && IsMfaCodeRejected(result.StandardError))
            {
                return new PoetryCaAuthException(ErrorKind.Authentication, "AwsMfaCodeRejected",
                    $"The MFA code given to aws-vault for profile '{profileName}' was not accepted: {detail}", profileName,
                    "Retry with the current code from the MFA device (each code can be used once).");
            }

            return new PoetryCaAuthException(ErrorKind.Authentication, "AwsVaultFailed",
                $"aws-vault failed for profile '{profileName}' (exit code {result.ExitCode}, {form} form): {detail}", profileName,
                $"Run 'aws-vault exec {profileName} -- aws sts get-caller-identity' in a terminal to see what it needs (an MFA code can be given with -MfaCode).");
        }

        private string AwsConfigFile() =>
            _env.GetVariable("AWS_CONFIG_FILE") ?? _env.Combine(_env.HomeDirectory, ".aws", "config");

        private Version? ReadVersion(string path, bool cmdShell)
        {
            ProcessResult result = Run(path, cmdShell, new[] { "--version" }, TimeSpan.FromSeconds(30));
            // kingpin prints the version on stderr in older releases and on stdout in newer ones.
            return result.ExitCode == 0 ? ParseVersion(result.StandardOutput + " " + result.StandardError) : null;
        }

        private ProcessResult Run(string path, bool cmdShell, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
        {
            var spec = new ProcessSpec(path, arguments) { UseCmdShell = cmdShell, Timeout = timeout ?? Timeout };
            // aws-vault refuses to run inside one of its own subshells; this is a separate, non-nested call.
            spec.Environment["AWS_VAULT"] = null;
            try
            {
                return _runner.Run(spec);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                throw new PoetryCaAuthException(ErrorKind.NotFound, "AwsVaultNotFound",
                    $"aws-vault at '{path}' could not be started: {e.Message}", path,
                    "Reinstall aws-vault, or choose another -AuthMethod.", e);
            }
        }

        private (string Path, bool CmdShell) Locate()
        {
            var names = new List<string>();
            if (_env.OS == OSKind.Windows)
            {
                foreach (string ext in (_env.GetVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';'))
                {
                    string e = ext.Trim().ToLowerInvariant();
                    if (e == ".exe" || e == ".cmd" || e == ".bat") names.Add("aws-vault" + e);
                }
            }
            else
            {
                names.Add("aws-vault");
            }

            foreach (string directory in (_env.GetVariable("PATH") ?? string.Empty).Split(_env.PathListSeparator))
            {
                string trimmed = directory.Trim().Trim('"');
                if (trimmed.Length == 0) continue;
                foreach (string name in names)
                {
                    string candidate = _env.Combine(trimmed, name);
                    if (_env.FileExists(candidate))
                    {
                        bool batch = candidate.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase) ||
                                     candidate.EndsWith(".bat", StringComparison.OrdinalIgnoreCase);
                        return (candidate, batch);
                    }
                }
            }

            throw new PoetryCaAuthException(ErrorKind.NotFound, "AwsVaultNotFound",
                "The Vault method needs aws-vault, and it was not found on PATH.", "aws-vault",
                "Install aws-vault (https://github.com/99designs/aws-vault) and make sure it is on PATH, or choose another -AuthMethod.");
        }
    }
}
