namespace PoetryCaAuth.Credentials
{
    /// <summary>How AWS credentials are found.</summary>
    public enum AuthMethod
    {
        /// <summary>Environment keys, then AWS_PROFILE or the default profile, then the SDK's default chain.</summary>
        Default,
        /// <summary>A named profile from ~/.aws/config or ~/.aws/credentials.</summary>
        Profile,
        /// <summary>AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally AWS_SESSION_TOKEN.</summary>
        Environment,
        /// <summary>An IAM Identity Center (SSO) profile.</summary>
        Sso,
        /// <summary>Credentials from aws-vault.</summary>
        Vault,
        /// <summary>What the environment already provides, through the SDK's default chain (instance or container roles included).</summary>
        None,
    }

    /// <summary>The method and profile chosen, and why, so the choice can be shown verbosely.</summary>
    public sealed class AuthSelection
    {
        public AuthSelection(AuthMethod method, string? profileName, string reason)
        {
            Method = method;
            ProfileName = profileName;
            Reason = reason;
        }

        public AuthMethod Method { get; }
        public string? ProfileName { get; }
        public string Reason { get; }

        /// <summary>Selections with the same key resolve to the same credentials.</summary>
        public string Key => Method + "|" + (ProfileName ?? string.Empty);

        public override string ToString() =>
            ProfileName == null ? $"{Method} ({Reason})" : $"{Method}, profile '{ProfileName}' ({Reason})";
    }
}
