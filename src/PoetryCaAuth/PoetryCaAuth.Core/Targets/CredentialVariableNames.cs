using System.Text;
using System.Text.RegularExpressions;

namespace PoetryCaAuth.Targets
{
    /// <summary>
    /// Environment variable names exactly as each tool derives them from a source name.
    /// <para>Poetry (config.py, Config.get, unchanged from 1.2 to 2.x): the setting "http-basic.NAME.username"
    /// is split at dots and each part uppercased with '-' turned into '_', joined by '_':
    /// POETRY_HTTP_BASIC_MY_REPO_USERNAME for "my-repo", "my.repo" and "My_Repo" alike. Other characters are
    /// kept as they are. (Poetry 1.2-1.4 read an http-basic entry from auth.toml before these variables;
    /// from 1.5 the variables win.)</para>
    /// <para>uv (IndexName::to_env_var): each ASCII letter or digit uppercased, anything else '_'.</para>
    /// </summary>
    public static class CredentialVariableNames
    {
        private static readonly Regex Portable = new Regex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

        public const string PipIndexUrl = "PIP_INDEX_URL";
        public const string PipExtraIndexUrl = "PIP_EXTRA_INDEX_URL";

        /// <summary>The NAME part Poetry derives from a source name.</summary>
        public static string PoetrySourcePart(string sourceName)
        {
            // Python's str.upper() on each dot-separated key; ToUpperInvariant agrees for every ASCII name.
            string[] keys = sourceName.Split('.');
            for (int i = 0; i < keys.Length; i++) keys[i] = keys[i].ToUpperInvariant().Replace('-', '_');
            return string.Join("_", keys);
        }

        /// <summary>The NAME part uv derives from an index name.</summary>
        public static string UvIndexPart(string indexName)
        {
            var text = new StringBuilder(indexName.Length);
            foreach (char c in indexName)
            {
                bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                text.Append(alphanumeric ? char.ToUpperInvariant(c) : '_');
            }

            return text.ToString();
        }

        public static string PoetryUserName(string sourceName) => "POETRY_HTTP_BASIC_" + PoetrySourcePart(sourceName) + "_USERNAME";

        public static string PoetryPassword(string sourceName) => "POETRY_HTTP_BASIC_" + PoetrySourcePart(sourceName) + "_PASSWORD";

        public static string UvUserName(string indexName) => "UV_INDEX_" + UvIndexPart(indexName) + "_USERNAME";

        public static string UvPassword(string indexName) => "UV_INDEX_" + UvIndexPart(indexName) + "_PASSWORD";

        /// <summary>A name every shell, dotenv reader and CI runner accepts.</summary>
        public static bool IsPortable(string variableName) => Portable.IsMatch(variableName);
    }
}
