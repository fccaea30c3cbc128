using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Credentials
{
    /// <summary>Which shared AWS file a profile name was read from.</summary>
    public enum AwsProfileFile
    {
        Config,
        Credentials,
    }

    /// <summary>A profile name and where it was found; carries no setting of the profile (so no secret).</summary>
    public sealed class AwsProfileEntry
    {
        public AwsProfileEntry(string name, AwsProfileFile file, string path)
        {
            Name = name;
            File = file;
            Path = path;
        }

        public string Name { get; }
        public AwsProfileFile File { get; }
        public string Path { get; }
    }

    /// <summary>
    /// Lists the profile names of the shared AWS config and credentials files, as the AWS CLI sees them:
    /// <c>[default]</c> and <c>[profile NAME]</c> in the config file, <c>[NAME]</c> in the credentials file;
    /// <c>[sso-session NAME]</c>, <c>[services NAME]</c> and other sections are not profiles. Used by tab
    /// completion, so it reads only section headers and never throws for a missing or unreadable file.
    /// </summary>
    public static class AwsProfileNames
    {
        /// <summary>AWS_CONFIG_FILE, else ~/.aws/config (a leading ~ expanded, as the AWS CLI does).</summary>
        public static string ConfigFilePath(HostEnvironment env) =>
            ExpandHome(env, env.GetVariable("AWS_CONFIG_FILE")) ?? env.Combine(env.HomeDirectory, ".aws", "config");

        /// <summary>AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.</summary>
        public static string CredentialsFilePath(HostEnvironment env) =>
            ExpandHome(env, env.GetVariable("AWS_SHARED_CREDENTIALS_FILE")) ?? env.Combine(env.HomeDirectory, ".aws", "credentials");

        /// <summary>Every profile name, config file first; a name in both files is listed once (from the config file).</summary>
        public static IReadOnlyList<AwsProfileEntry> List(HostEnvironment env)
        {
            var entries = new List<AwsProfileEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal); // profile names are case-sensitive
            string config = ConfigFilePath(env);
            foreach (string name in ParseConfig(ReadLines(env, config)))
            {
                if (seen.Add(name)) entries.Add(new AwsProfileEntry(name, AwsProfileFile.Config, config));
            }

            string credentials = CredentialsFilePath(env);
            foreach (string name in ParseCredentials(ReadLines(env, credentials)))
            {
                if (seen.Add(name)) entries.Add(new AwsProfileEntry(name, AwsProfileFile.Credentials, credentials));
            }

            return entries;
        }

        /// <summary>Profile names of a config file: [default] and [profile NAME] (NAME may be quoted).</summary>
        public static IEnumerable<string> ParseConfig(IEnumerable<string> lines)
        {
            foreach (string section in Sections(lines))
            {
                if (section == "default")
                {
                    yield return section;
                    continue;
                }

                // "profile" must be followed by whitespace: [profiledev] is not a profile for the CLI either.
                if (section.Length > "profile".Length && section.StartsWith("profile", StringComparison.Ordinal) &&
                    char.IsWhiteSpace(section["profile".Length]))
                {
                    string name = Unquote(section.Substring("profile".Length).Trim());
                    if (name.Length > 0) yield return name;
                }
            }
        }

        /// <summary>Profile names of a credentials file: every section.</summary>
        public static IEnumerable<string> ParseCredentials(IEnumerable<string> lines) =>
            Sections(lines).Select(Unquote).Where(n => n.Length > 0);

        private static IEnumerable<string> Sections(IEnumerable<string> lines)
        {
            foreach (string raw in lines)
            {
                string line = raw.Trim();
                if (line.Length < 2 || line[0] != '[') continue;
                int close = line.IndexOf(']');
                if (close < 0) continue;
                string section = line.Substring(1, close - 1).Trim();
                if (section.Length > 0) yield return section;
            }
        }

        private static string Unquote(string name) =>
            name.Length >= 2 && (name[0] == '"' || name[0] == '\'') && name[name.Length - 1] == name[0]
                ? name.Substring(1, name.Length - 2)
                : name;

        private static string? ExpandHome(HostEnvironment env, string? path)
        {
            if (path == null) return null;
            if (path == "~") return env.HomeDirectory;
            return path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal)
                ? env.Combine(env.HomeDirectory, path.Substring(2))
                : path;
        }

        private static IEnumerable<string> ReadLines(HostEnvironment env, string path)
        {
            try
            {
                return env.FileExists(path) ? File.ReadAllLines(path) : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }
    }
}
