using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Poetry;
using Tomlyn.Model;

namespace PoetryCaAuth.Discovery
{
    [Flags]
    public enum DiscoveryScope
    {
        /// <summary>pyproject.toml sources and the project's poetry.toml.</summary>
        Project = 1,
        /// <summary>Poetry's global config.toml repositories.</summary>
        Global = 2,
        All = Project | Global,
    }

    /// <summary>What discovery found, plus the notes a user may want to see (verbose) or should see (warnings).</summary>
    public sealed class DiscoveryResult
    {
        public List<CodeArtifactRepository> Repositories { get; } = new List<CodeArtifactRepository>();
        public List<string> Notes { get; } = new List<string>();
        public List<string> Warnings { get; } = new List<string>();

        /// <summary>The warnings about one source (also in <see cref="Warnings"/>), by source name: shown only when that source is used.</summary>
        public List<KeyValuePair<string, string>> SourceWarnings { get; } = new List<KeyValuePair<string, string>>();

        public string? PyProjectFile { get; set; }

        internal void WarnAbout(string source, string warning)
        {
            Warnings.Add(warning);
            SourceWarnings.Add(new KeyValuePair<string, string>(source, warning));
        }
    }

    /// <summary>
    /// Finds CodeArtifact sources: the nearest pyproject.toml (walking up), the project's poetry.toml and
    /// Poetry's global config.toml. The union is returned, project entries winning over global ones by name.
    /// </summary>
    public sealed class RepositoryDiscovery
    {
        private static readonly Regex RepositoryVariable = new Regex(@"^POETRY_REPOSITORIES_(?<name>[A-Z_]+)_URL$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private static readonly Regex EnvironmentReference = new Regex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private readonly HostEnvironment _env;

        public RepositoryDiscovery(HostEnvironment env)
        {
            _env = env;
        }

        /// <summary>The nearest pyproject.toml at or above <paramref name="directory"/>, or null.</summary>
        public static string? FindPyProject(string directory)
        {
            DirectoryInfo? current = new DirectoryInfo(directory);
            while (current != null)
            {
                string candidate = Path.Combine(current.FullName, "pyproject.toml");
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                current = current.Parent;
            }

            return null;
        }

        /// <param name="path">A pyproject.toml file, or a folder to start walking up from.</param>
        public DiscoveryResult Discover(string path, DiscoveryScope scope)
        {
            var result = new DiscoveryResult();
            var byName = new Dictionary<string, CodeArtifactRepository>(StringComparer.Ordinal);

            if ((scope & DiscoveryScope.Project) != 0)
            {
                string? pyproject = File.Exists(path) ? Path.GetFullPath(path) : FindPyProject(path);
                result.PyProjectFile = pyproject;
                if (pyproject == null)
                {
                    result.Notes.Add($"No pyproject.toml in '{path}' or any folder above it.");
                }
                else
                {
                    result.Notes.Add($"Reading Poetry sources from '{pyproject}'.");
                    AddPyProjectSources(pyproject, result, byName);
                    AddUvIndexes(pyproject, result);
                    string localConfig = Path.Combine(Path.GetDirectoryName(pyproject)!, "poetry.toml");
                    if (File.Exists(localConfig))
                    {
                        AddConfigRepositories(localConfig, SourceOrigin.PoetryLocalConfig, result, byName);
                    }
                }
            }

            if ((scope & DiscoveryScope.Global) != 0)
            {
                string globalConfig = PoetryConfigLocator.GetConfigFile(_env);
                if (File.Exists(globalConfig))
                {
                    try
                    {
                        AddConfigRepositories(globalConfig, SourceOrigin.PoetryGlobalConfig, result, byName);
                    }
                    catch (PoetryCaAuthException e) when (e.Kind == ErrorKind.InvalidData)
                    {
                        // A broken global file must not stop the project's own sources from refreshing.
                        result.Warnings.Add(e.Message + " Its repositories are passed over.");
                    }
                }
                else
                {
                    result.Notes.Add($"No Poetry config file at '{globalConfig}'.");
                }

                AddEnvironmentRepositories(result, byName);
            }

            return result;
        }

        /// <summary>A repository object for a URL given directly; its name defaults to the repository's.</summary>
        public CodeArtifactRepository? FromUrl(string url, string? name, DiscoveryResult result)
        {
            CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);
            if (address == null)
            {
                result.Notes.Add($"Passing over '{Redact(url)}': {reason}.");
                return null;
            }

            WarnAboutAddress(string.IsNullOrEmpty(name) ? address.Repository : name!, url, address, SourceOrigin.Url, result);
            return CodeArtifactRepository.FromAddress(string.IsNullOrEmpty(name) ? address.Repository : name!,
                Redact(url), address, SourceOrigin.Url, string.Empty);
        }

        private void AddPyProjectSources(string file, DiscoveryResult result, Dictionary<string, CodeArtifactRepository> byName)
        {
            TomlTable document = TomlDocumentReader.Read(file);
            TomlTable? poetry = TomlDocumentReader.GetTable(document, "tool", "poetry");
            if (poetry == null || !poetry.TryGetValue("source", out object? sources))
            {
                result.Notes.Add($"'{file}' declares no [[tool.poetry.source]].");
                return;
            }

            List<TomlTable>? array = TablesOf(sources);
            if (array == null)
            {
                result.Warnings.Add($"'{file}': tool.poetry.source should be an array of tables ([[tool.poetry.source]]); ignored.");
                return;
            }

            // Names seen in this file, CodeArtifact or not: a later duplicate never replaces an earlier PyPI source.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (TomlTable source in array)
            {
                string? name = TomlDocumentReader.GetString(source, "name");
                if (string.IsNullOrWhiteSpace(name))
                {
                    result.Warnings.Add($"'{file}': a [[tool.poetry.source]] has no name; ignored.");
                    continue;
                }

                if (!seen.Add(name!))
                {
                    result.Warnings.Add($"'{file}': the source name '{name}' appears more than once; the first one is used.");
                    continue;
                }

                AddSource(name!, TomlDocumentReader.GetString(source, "url"), SourceOrigin.PyProject, file, result, byName);
            }
        }

        /// <summary>
        /// [[tool.uv.index]] entries: uv's own sources, kept apart from Poetry's (their names are another
        /// namespace, and their credentials go to UV_INDEX_NAME_* variables, never to Poetry's config).
        /// </summary>
        private void AddUvIndexes(string file, DiscoveryResult result)
        {
            TomlTable document = TomlDocumentReader.Read(file);
            TomlTable? uv = TomlDocumentReader.GetTable(document, "tool", "uv");
            if (uv == null || !uv.TryGetValue("index", out object? indexes))
            {
                return;
            }

            List<TomlTable>? array = TablesOf(indexes);
            if (array == null)
            {
                result.Warnings.Add($"'{file}': tool.uv.index should be an array of tables ([[tool.uv.index]]); ignored.");
                return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (TomlTable index in array)
            {
                string? name = TomlDocumentReader.GetString(index, "name");
                string? url = TomlDocumentReader.GetString(index, "url");
                if (string.IsNullOrWhiteSpace(name))
                {
                    // uv allows unnamed indexes, but only named ones can take UV_INDEX_<NAME>_* credentials.
                    if (url != null && CodeArtifactUrlParser.TryParse(url, out _) != null)
                    {
                        result.Warnings.Add($"'{file}': a [[tool.uv.index]] for CodeArtifact has no name, so uv cannot be given credentials for it; add name = \"...\".");
                    }

                    continue;
                }

                if (!seen.Add(name!))
                {
                    result.Warnings.Add($"'{file}': the uv index name '{name}' appears more than once; the first one is used.");
                    continue;
                }

                AddSource(name!, url, SourceOrigin.UvIndex, file, result, null);
            }
        }

        private void AddConfigRepositories(string file, SourceOrigin origin, DiscoveryResult result,
            Dictionary<string, CodeArtifactRepository> byName)
        {
            TomlTable document = TomlDocumentReader.Read(file);
            if (!document.TryGetValue("repositories", out object? value))
            {
                return;
            }

            if (!(value is TomlTable repositories))
            {
                result.Warnings.Add($"'{file}': repositories should be a table ([repositories.NAME]); ignored.");
                return;
            }

            foreach (KeyValuePair<string, object> entry in repositories)
            {
                if (byName.ContainsKey(entry.Key))
                {
                    result.Notes.Add($"'{file}': repositories.{entry.Key} is already declared by the project; the project's entry is used.");
                    continue;
                }

                string? url = entry.Value is TomlTable table ? TomlDocumentReader.GetString(table, "url") : entry.Value as string;
                AddSource(entry.Key, url, origin, file, result, byName);
            }
        }

        /// <summary>
        /// Poetry's POETRY_REPOSITORIES_NAME_URL variables: Poetry lower-cases NAME and turns '_' into '-'.
        /// </summary>
        private void AddEnvironmentRepositories(DiscoveryResult result, Dictionary<string, CodeArtifactRepository> byName)
        {
            foreach (string variable in _env.VariableNames)
            {
                Match m = RepositoryVariable.Match(variable);
                if (!m.Success) continue;
                string name = m.Groups["name"].Value.ToLowerInvariant().Replace('_', '-');
                if (byName.ContainsKey(name))
                {
                    result.Notes.Add($"{variable}: the source '{name}' is already declared; that entry is used.");
                    continue;
                }

                AddSource(name, _env.GetVariable(variable), SourceOrigin.PoetryEnvironment, variable, result, byName);
            }
        }

        private static List<TomlTable>? TablesOf(object? value)
        {
            // [[x]] gives a TomlTableArray; the equivalent inline form x = [{...}] gives a TomlArray of tables.
            if (value is TomlTableArray tableArray) return new List<TomlTable>(tableArray);
            if (value is TomlArray array)
            {
                var tables = new List<TomlTable>();
                foreach (object? item in array)
                {
                    if (!(item is TomlTable table)) return null;
                    tables.Add(table);
                }

                return tables;
            }

            return null;
        }

        private void AddSource(string name, string? rawUrl, SourceOrigin origin, string file, DiscoveryResult result,
            Dictionary<string, CodeArtifactRepository>? byName)
        {
            if (string.IsNullOrWhiteSpace(rawUrl))
            {
                result.Notes.Add($"Passing over source '{name}' in '{file}': it has no url (PyPI or a named index).");
                return;
            }

            string? url = ExpandEnvironment(rawUrl!, out string? missing);
            if (url == null)
            {
                result.Notes.Add($"Passing over source '{name}' in '{file}': its url refers to ${{{missing}}}, which is not set.");
                return;
            }

            CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);
            if (address == null)
            {
                result.Notes.Add($"Passing over source '{name}' in '{file}': {reason}.");
                return;
            }

            WarnAboutAddress(name, file, address, origin, result);
            var repository = CodeArtifactRepository.FromAddress(name, Redact(url), address, origin, file);
            if (byName != null) byName[name] = repository;
            result.Repositories.Add(repository);
        }

        private static void WarnAboutAddress(string name, string where, CodeArtifactAddress address, SourceOrigin origin, DiscoveryResult result)
        {
            if (address.HasUserInfo)
            {
                result.WarnAbout(name, $"Source '{name}' ({Redact(where)}) has a user name or password inside its URL. " +
                                    "Poetry copies source URLs into poetry.lock; keep credentials out of the URL and let PoetryCaAuth store them.");
            }

            // uv takes its credentials by index name (UV_INDEX_<NAME>_*), where a dot is fine: this is Poetry's problem only.
            if (name.IndexOf('.') >= 0 && origin != SourceOrigin.UvIndex)
            {
                // Poetry reads settings by splitting their names at dots, and finds the download URL of a
                // source as repositories.NAME.url: for "a.b" that lookup fails, so packages resolve but
                // their downloads go out without credentials (401). Seen with Poetry 1.3; the token is still stored.
                result.WarnAbout(name, $"Source '{name}' has a dot in its name. Poetry resolves packages from such a source but downloads " +
                                    "them without its credentials (HTTP 401); rename the source without dots (for example '" +
                                    name.Replace('.', '-') + "') in pyproject.toml.");
            }

            if (address.IsChinaPartition)
            {
                result.WarnAbout(name, $"Source '{name}' uses an amazonaws.com.cn host; CodeArtifact is offered only in the commercial AWS partition.");
            }
        }

        private string? ExpandEnvironment(string url, out string? missing)
        {
            string? firstMissing = null;
            string expanded = EnvironmentReference.Replace(url, m =>
            {
                string? value = _env.GetVariable(m.Groups["name"].Value);
                if (value == null && firstMissing == null) firstMissing = m.Groups["name"].Value;
                return value ?? string.Empty;
            });
            missing = firstMissing;
            return firstMissing == null ? expanded : null;
        }

        /// <summary>Removes any user-info from a URL so a password written into it never reaches output.</summary>
        internal static string Redact(string url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.UserInfo.Length > 0)
            {
                return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.AbsoluteUri;
            }

            // Not a URL .NET can parse: still drop anything that looks like user-info before the host.
            return UnparsedUserInfo.Replace(url, "${scheme}***@");
        }

        private static readonly Regex UnparsedUserInfo = new Regex(@"(?<scheme>^[^/@]*//)[^/@]*@",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }
}
