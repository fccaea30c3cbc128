using System;
using System.Collections.Generic;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Poetry
{
    /// <summary>Where Poetry was found and how it must be started.</summary>
    public sealed class PoetryLocation
    {
        public PoetryLocation(string path, bool needsCmdShell, string foundBy)
        {
            Path = path;
            NeedsCmdShell = needsCmdShell;
            FoundBy = foundBy;
        }

        public string Path { get; }

        /// <summary>A .cmd or .bat shim, which Windows runs only through cmd.exe.</summary>
        public bool NeedsCmdShell { get; }

        public string FoundBy { get; }
    }

    /// <summary>
    /// Finds the poetry executable: an explicit path, then PATH (with PATHEXT on Windows, so poetry.exe,
    /// poetry.cmd and poetry.bat shims are found in the order cmd.exe would), then the folders where the
    /// official installer and pipx put it.
    /// </summary>
    public static class PoetryLocator
    {
        public static PoetryLocation Find(string? explicitPath, HostEnvironment env)
        {
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                if (env.FileExists(explicitPath!))
                {
                    if (!env.IsExecutable(explicitPath!))
                    {
                        throw new PoetryCaAuthException(ErrorKind.PoetryNotFound, "PoetryNotExecutable",
                            $"'{explicitPath}' (-PoetryPath) is not executable.", explicitPath,
                            $"Make it executable (chmod +x '{explicitPath}') or pass the path of the real poetry.");
                    }

                    return new PoetryLocation(explicitPath!, IsBatch(explicitPath!, env), "-PoetryPath");
                }

                // A bare command name (poetry, poetry1.8) is looked up on PATH, as a shell would.
                if (explicitPath!.IndexOfAny(new[] { '/', '\\' }) < 0)
                {
                    PoetryLocation? named = SearchPath(explicitPath!, env);
                    if (named != null) return named;
                }

                throw new PoetryCaAuthException(ErrorKind.PoetryNotFound, "PoetryNotFound",
                    $"There is no Poetry executable at '{explicitPath}' (-PoetryPath).", explicitPath,
                    "Pass the full path of poetry (poetry.exe on Windows), or leave -PoetryPath out to search PATH.");
            }

            var searched = new List<string>();
            foreach (string directory in (env.GetVariable("PATH") ?? string.Empty).Split(env.PathListSeparator))
            {
                string trimmed = directory.Trim().Trim('"');
                if (trimmed.Length == 0) continue;
                foreach (string name in CandidateNames(env))
                {
                    string candidate = env.Combine(trimmed, name);
                    if (env.FileExists(candidate))
                    {
                        return new PoetryLocation(candidate, IsBatch(candidate, env), "PATH");
                    }
                }
            }

            searched.Add("PATH");
            foreach (string directory in WellKnownDirectories(env))
            {
                foreach (string name in CandidateNames(env))
                {
                    string candidate = env.Combine(directory, name);
                    if (env.FileExists(candidate))
                    {
                        return new PoetryLocation(candidate, IsBatch(candidate, env), "the install folder " + directory);
                    }
                }

                searched.Add(directory);
            }

            throw new PoetryCaAuthException(ErrorKind.PoetryNotFound, "PoetryNotFound",
                "Poetry was not found in " + string.Join(", ", searched) + ".", "poetry",
                "Install Poetry (for example 'pipx install poetry'), add it to PATH, or pass its path with -PoetryPath.");
        }

        private static PoetryLocation? SearchPath(string command, HostEnvironment env)
        {
            foreach (string directory in (env.GetVariable("PATH") ?? string.Empty).Split(env.PathListSeparator))
            {
                string trimmed = directory.Trim().Trim('"');
                if (trimmed.Length == 0) continue;
                foreach (string name in CandidateNames(env, command))
                {
                    string candidate = env.Combine(trimmed, name);
                    if (env.FileExists(candidate) && env.IsExecutable(candidate))
                    {
                        return new PoetryLocation(candidate, IsBatch(candidate, env), "-PoetryPath on PATH");
                    }
                }
            }

            return null;
        }

        /// <summary>Names to try in one folder: on Windows each PATHEXT extension, in order.</summary>
        internal static IEnumerable<string> CandidateNames(HostEnvironment env, string command = "poetry")
        {
            if (env.OS != OSKind.Windows)
            {
                yield return command;
                yield break;
            }

            if (System.IO.Path.HasExtension(command))
            {
                yield return command;
                yield break;
            }

            string pathExt = env.GetVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD";
            foreach (string extension in pathExt.Split(';'))
            {
                string ext = extension.Trim().ToLowerInvariant();
                if (ext == ".exe" || ext == ".cmd" || ext == ".bat" || ext == ".com")
                {
                    yield return command + ext;
                }
            }
        }

        /// <summary>Where the official installer and pipx put Poetry on each OS.</summary>
        internal static IEnumerable<string> WellKnownDirectories(HostEnvironment env)
        {
            string home = env.HomeDirectory;
            string? poetryHome = env.GetVariable("POETRY_HOME");
            string? pipxBin = env.GetVariable("PIPX_BIN_DIR");
            if (poetryHome != null) yield return env.Combine(poetryHome, "bin");
            if (pipxBin != null) yield return pipxBin;
            yield return env.Combine(home, ".local", "bin");

            switch (env.OS)
            {
                case OSKind.Windows:
                    string appData = env.GetVariable("APPDATA") ?? env.Combine(home, "AppData", "Roaming");
                    yield return env.Combine(appData, "Python", "Scripts");
                    yield return env.Combine(appData, "pypoetry", "venv", "Scripts");
                    break;
                case OSKind.MacOS:
                    yield return env.Combine(home, "Library", "Application Support", "pypoetry", "venv", "bin");
                    yield return "/opt/homebrew/bin";
                    yield return "/usr/local/bin";
                    break;
                default:
                    string dataHome = env.GetVariable("XDG_DATA_HOME") ?? env.Combine(home, ".local", "share");
                    yield return env.Combine(dataHome, "pypoetry", "venv", "bin");
                    break;
            }
        }

        private static bool IsBatch(string path, HostEnvironment env) =>
            env.OS == OSKind.Windows &&
            (path.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".bat", StringComparison.OrdinalIgnoreCase));
    }
}
