using PoetryCaAuth.Model;

namespace PoetryCaAuth.Lifecycle
{
    /// <summary>What the destination holds for a source, as far as a cheap local look can tell.</summary>
    public enum StoredCredentialState
    {
        /// <summary>The credential we recorded is there.</summary>
        Present,
        /// <summary>Nothing is stored for the source any more.</summary>
        Missing,
        /// <summary>Something else is stored (another token, another user name).</summary>
        Different,
        /// <summary>It cannot be seen without starting a process (a password in the system keyring): trust the record.</summary>
        Unknown,
    }

    /// <summary>
    /// Where credentials go, described without side effects and without starting anything, so that the skip
    /// check can run before credentials are resolved or Poetry is located.
    /// </summary>
    public interface ICredentialDestination
    {
        /// <summary>Short name recorded with each entry and shown in results ("Poetry", "Environment", ...).</summary>
        string TargetName { get; }

        /// <summary>False for destinations that cannot be inspected later (CI logging commands): always refresh.</summary>
        bool TracksExpiry { get; }

        /// <summary>The state-file key: target, location (config folder, file), naming and source.</summary>
        string StateKey(CodeArtifactRepository repository);

        /// <summary>What a verbose message names, e.g. "http-basic.my-source".</summary>
        string Describe(CodeArtifactRepository repository);

        /// <summary>Sources with the same non-null group share variables (pip's index URLs) and are refreshed together.</summary>
        string? SharedGroup(CodeArtifactRepository repository);

        /// <summary>Looks at the destination (files, process environment) for the credential with this fingerprint. Never throws.</summary>
        StoredCredentialState Inspect(CodeArtifactRepository repository, string fingerprint);
    }
}
