using System;
using System.IO;
using System.Linq;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Lifecycle;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Poetry;
using PoetryCaAuth.Refresh;
using Tomlyn.Model;

namespace PoetryCaAuth.Targets
{
    /// <summary>
    /// Poetry's credential store as the skip check sees it, without starting Poetry: entries are keyed by the
    /// resolved config folder (another POETRY_CONFIG_DIR is another store), and auth.toml is read to notice an
    /// entry that was removed or replaced. Poetry always writes [http-basic.NAME] username there; the password
    /// sits beside it unless it went to the system keyring, which only Poetry can read: then the record is trusted.
    /// </summary>
    public sealed class PoetryDestination : ICredentialDestination
    {
        private readonly HostEnvironment _env;
        private readonly bool _noKeyring;
        private readonly string _configDirectory;

        public PoetryDestination(HostEnvironment env, bool noKeyring)
        {
            _env = env;
            _noKeyring = noKeyring;
            string directory = PoetryConfigLocator.GetConfigDirectory(env);
            try
            {
                directory = Path.GetFullPath(directory);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                // Keep it as given: it still identifies the store.
            }

            _configDirectory = env.OS == OSKind.Windows ? directory.TrimEnd('\\', '/').ToLowerInvariant() : directory.TrimEnd('/');
        }

        public string TargetName => "Poetry";

        public bool TracksExpiry => true;

        public string ConfigDirectory => _configDirectory;

        public string StateKey(CodeArtifactRepository repository) =>
            string.Join("|", "Poetry", _configDirectory, _noKeyring ? "auth.toml" : "keyring-or-auth.toml", repository.Name);

        public string Describe(CodeArtifactRepository repository) => "http-basic." + repository.Name;

        public string? SharedGroup(CodeArtifactRepository repository) => null;

        public StoredCredentialState Inspect(CodeArtifactRepository repository, string fingerprint)
        {
            string authFile = PoetryConfigLocator.GetAuthFile(_env);
            TomlTable document;
            try
            {
                if (!File.Exists(authFile)) return StoredCredentialState.Missing;
                document = TomlDocumentReader.Read(authFile);
            }
            catch (Exception e) when (e is PoetryCaAuthException || e is IOException || e is UnauthorizedAccessException)
            {
                return StoredCredentialState.Missing;
            }

            // Poetry splits "http-basic.NAME" at every dot, so "my.repo" is stored as [http-basic.my.repo].
            TomlTable? entry = TomlDocumentReader.GetTable(document, new[] { "http-basic" }.Concat(repository.Name.Split('.')).ToArray());
            if (entry == null) return StoredCredentialState.Missing;
            if (TomlDocumentReader.GetString(entry, "username") != PoetryTarget.UserName) return StoredCredentialState.Different;
            string? password = TomlDocumentReader.GetString(entry, "password");
            if (password != null)
            {
                return TokenStateStore.Fingerprint(password) == fingerprint ? StoredCredentialState.Present : StoredCredentialState.Different;
            }

            return _noKeyring ? StoredCredentialState.Missing : StoredCredentialState.Unknown;
        }
    }
}
