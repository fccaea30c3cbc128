namespace PoetryCaAuth.Model
{
    /// <summary>Where a source was found.</summary>
    public enum SourceOrigin
    {
        /// <summary>[[tool.poetry.source]] in pyproject.toml.</summary>
        PyProject,
        /// <summary>repositories.* in a project's poetry.toml.</summary>
        PoetryLocalConfig,
        /// <summary>repositories.* in Poetry's global config.toml.</summary>
        PoetryGlobalConfig,
        /// <summary>A URL given directly.</summary>
        Url,
        /// <summary>[[tool.uv.index]] in pyproject.toml.</summary>
        UvIndex,
        /// <summary>A POETRY_REPOSITORIES_NAME_URL environment variable.</summary>
        PoetryEnvironment,
    }

    /// <summary>
    /// One CodeArtifact source, as Get-CodeArtifactRepository emits it and Update-PoetryCodeArtifactToken
    /// binds it by property name. Carries no secret.
    /// </summary>
    public sealed class CodeArtifactRepository
    {
        public string Name { get; set; } = string.Empty;
        public string Url { get; set; } = string.Empty;
        public string Domain { get; set; } = string.Empty;
        public string DomainOwner { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string Repository { get; set; } = string.Empty;
        public string Format { get; set; } = "pypi";
        public SourceOrigin Origin { get; set; }

        /// <summary>The file the source was read from; empty for a URL given directly.</summary>
        public string ConfigFile { get; set; } = string.Empty;

        /// <summary>The AWS profile to use for this source; empty means "as the command decides".</summary>
        public string ProfileName { get; set; } = string.Empty;

        public override string ToString() => $"{Name} ({Domain}-{DomainOwner}, {Region}, {Repository})";

        internal static CodeArtifactRepository FromAddress(string name, string url, CodeArtifactAddress address,
            SourceOrigin origin, string configFile) => new CodeArtifactRepository
        {
            Name = name,
            Url = url,
            Domain = address.Domain,
            DomainOwner = address.DomainOwner,
            Region = address.Region,
            Repository = address.Repository,
            Format = address.Format,
            Origin = origin,
            ConfigFile = configFile,
        };
    }
}
