namespace PoetryCaAuth.Targets
{
    /// <summary>Where Update-PoetryCodeArtifactToken puts credentials.</summary>
    public enum CredentialTargetKind
    {
        /// <summary>`poetry config http-basic.NAME aws TOKEN` (the system keyring or auth.toml).</summary>
        Poetry,
        /// <summary>The current process's environment variables.</summary>
        Environment,
        /// <summary>A dotenv file, keys updated in place.</summary>
        DotEnv,
        /// <summary>The file named by $GITHUB_ENV, each secret masked first with ::add-mask::.</summary>
        GitHubActions,
        /// <summary>##vso[task.setvariable] logging commands, passwords as secret variables.</summary>
        AzurePipelines,
    }

    /// <summary>Which tool's variables to write for a source (environment-style targets only).</summary>
    public enum CredentialTool
    {
        /// <summary>POETRY_HTTP_BASIC_&lt;NAME&gt;_USERNAME / _PASSWORD.</summary>
        Poetry,
        /// <summary>UV_INDEX_&lt;NAME&gt;_USERNAME / _PASSWORD.</summary>
        Uv,
        /// <summary>PIP_INDEX_URL (first source) and PIP_EXTRA_INDEX_URL (the others), token inside the URL.</summary>
        Pip,
    }
}
