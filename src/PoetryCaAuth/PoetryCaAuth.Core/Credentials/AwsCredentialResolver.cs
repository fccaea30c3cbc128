using System;
using System.Collections.Generic;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Credentials
{
    /// <summary>Credentials ready for signing, with a description that is safe to show.</summary>
    public sealed class ResolvedCredentials
    {
        internal ResolvedCredentials(ImmutableCredentials credentials, string description)
        {
            Credentials = credentials;
            Description = description;
        }

        internal ImmutableCredentials Credentials { get; }

        /// <summary>Where the credentials came from, e.g. "profile 'dev'". Never contains a key.</summary>
        public string Description { get; }

        /// <summary>Identifies the identity for grouping token requests; the access key id is not secret.</summary>
        public string IdentityKey => Credentials.AccessKey;
    }

    /// <summary>Asks the user for what credentials may need; implemented by the cmdlets through the host.</summary>
    public interface ICredentialPrompt
    {
        /// <summary>Returns the MFA code for <paramref name="mfaSerial"/>, or null when no one can answer.</summary>
        string? ReadMfaCode(string profileName, string mfaSerial);
    }

    /// <summary>
    /// Picks and loads AWS credentials in a documented order: explicit parameters beat the environment
    /// settings (POETRY_CA_AUTH_METHOD, POETRY_CA_DEFAULT_AWS_PROFILE), which beat AWS_* variables and the
    /// SDK's default chain. A named profile that cannot be loaded is an error, never a fall-back to another.
    /// </summary>
    public sealed class AwsCredentialResolver
    {
        private readonly HostEnvironment _env;
        private readonly Dictionary<string, ResolvedCredentials> _cache = new Dictionary<string, ResolvedCredentials>();

        public AwsCredentialResolver(HostEnvironment env, ICredentialPrompt? prompt = null)
        {
            _env = env;
            Prompt = prompt;
        }

        public ICredentialPrompt? Prompt { get; set; }

        /// <summary>Works out the method and profile from parameters, then the Python tool's settings, then AWS_*.</summary>
        public AuthSelection Select(AuthMethod? method, string? profileName)
        {
            string? defaultProfile = _env.GetVariable("POETRY_CA_DEFAULT_AWS_PROFILE");
            string? envMethodText = _env.GetVariable("POETRY_CA_AUTH_METHOD");
            string methodReason = "-AuthMethod";
            if (method == null && envMethodText != null)
            {
                method = ParseMethodSetting(envMethodText);
                methodReason = "POETRY_CA_AUTH_METHOD";
            }

            string? profileReason = profileName != null ? "-ProfileName" : null;
            if (profileName == null && defaultProfile != null)
            {
                profileName = defaultProfile;
                profileReason = "POETRY_CA_DEFAULT_AWS_PROFILE";
            }

            switch (method)
            {
                case null:
                case AuthMethod.Default:
                    if (profileName != null)
                    {
                        return new AuthSelection(AuthMethod.Profile, profileName, profileReason!);
                    }

                    if (_env.GetVariable("AWS_ACCESS_KEY_ID") != null && _env.GetVariable("AWS_SECRET_ACCESS_KEY") != null)
                    {
                        return new AuthSelection(AuthMethod.Environment, null, "AWS_ACCESS_KEY_ID is set");
                    }

                    string? awsProfile = _env.GetVariable("AWS_PROFILE");
                    if (awsProfile != null)
                    {
                        return new AuthSelection(AuthMethod.Profile, awsProfile, "AWS_PROFILE");
                    }

                    return new AuthSelection(AuthMethod.None, null, "the AWS SDK's default credential chain");

                case AuthMethod.Environment:
                case AuthMethod.None:
                    return new AuthSelection(method.Value, null, methodReason);

                default:
                    profileName ??= _env.GetVariable("AWS_PROFILE");
                    if (profileName == null && method == AuthMethod.Profile)
                    {
                        throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "AwsProfileNotSpecified",
                            "The Profile method needs a profile name, and none was given.", null,
                            "Pass -ProfileName, or set POETRY_CA_DEFAULT_AWS_PROFILE or AWS_PROFILE.");
                    }

                    return new AuthSelection(method.Value, profileName ?? "default",
                        profileReason ?? (profileName != null ? "AWS_PROFILE" : "the default profile"));
            }
        }

        /// <summary>Parses the Python tool's POETRY_CA_AUTH_METHOD values (sso, vault, environment, none).</summary>
        public static AuthMethod ParseMethodSetting(string value)
        {
            switch (value.Trim().ToLowerInvariant())
            {
                case "sso": return AuthMethod.Sso;
                case "vault": return AuthMethod.Vault;
                case "environment": return AuthMethod.Environment;
                case "none": return AuthMethod.None;
                case "profile": return AuthMethod.Profile;
                case "default": return AuthMethod.Default;
                default:
                    throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "AuthMethodSettingInvalid",
                        $"POETRY_CA_AUTH_METHOD is '{value}', which is not a known method.", value,
                        "Set POETRY_CA_AUTH_METHOD to sso, vault, environment or none, or remove it.");
            }
        }

        /// <summary>Loads the credentials for a selection, once per selection for the life of this resolver.</summary>
        public ResolvedCredentials Resolve(AuthSelection selection)
        {
            if (_cache.TryGetValue(selection.Key, out ResolvedCredentials? cached))
            {
                return cached;
            }

            ResolvedCredentials resolved = selection.Method switch
            {
                AuthMethod.Environment => FromEnvironment(),
                AuthMethod.None => FromDefaultChain(),
                AuthMethod.Vault => throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "AuthMethodUnsupported",
                    "The aws-vault method is not available in this version.", selection.ProfileName,
                    "Use -AuthMethod Profile with a profile whose credential_process calls aws-vault."),
                _ => FromProfile(selection.ProfileName!),
            };
            _cache[selection.Key] = resolved;
            return resolved;
        }

        private ResolvedCredentials FromEnvironment()
        {
            string? accessKey = _env.GetVariable("AWS_ACCESS_KEY_ID");
            string? secretKey = _env.GetVariable("AWS_SECRET_ACCESS_KEY");
            if (accessKey == null || secretKey == null)
            {
                throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsEnvironmentCredentialsMissing",
                    "The Environment method needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and at least one is not set.",
                    null, "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or choose another -AuthMethod.");
            }

            // Long-term keys have no session token; sending an empty one would make AWS reject the request.
            return new ResolvedCredentials(new ImmutableCredentials(accessKey, secretKey, _env.GetVariable("AWS_SESSION_TOKEN")),
                "environment variables (AWS_ACCESS_KEY_ID " + accessKey + ")");
        }

        private ResolvedCredentials FromDefaultChain()
        {
            try
            {
                AWSCredentials credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
                return new ResolvedCredentials(credentials.GetCredentials(), "the AWS SDK's default credential chain");
            }
            catch (Exception e) when (!(e is PoetryCaAuthException))
            {
                throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsCredentialsNotFound",
                    "No AWS credentials were found in the environment, the shared config files or an instance or container role: " + e.Message,
                    null, "Sign in (for example 'aws sso login' or 'aws configure'), set AWS_PROFILE, or pass -ProfileName.", e);
            }
        }

        private ResolvedCredentials FromProfile(string profileName)
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(profileName, out CredentialProfile? profile) || profile == null)
            {
                throw new PoetryCaAuthException(ErrorKind.NotFound, "AwsProfileNotFound",
                    $"The AWS profile '{profileName}' was not found in {ConfigFiles()}.", profileName,
                    $"Create it with 'aws configure --profile {profileName}' or 'aws configure sso --profile {profileName}', or pass the name of an existing profile.");
            }

            if (!chain.TryGetAWSCredentials(profileName, out AWSCredentials? credentials) || credentials == null)
            {
                throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsProfileUnusable",
                    $"The AWS profile '{profileName}' does not hold a usable set of credentials settings (keys, sso_*, role_arn or credential_process).",
                    profileName, $"Check the [profile {profileName}] section of {ConfigFiles()}.");
            }

            AttachMfaPrompt(profileName, credentials);
            try
            {
                ImmutableCredentials immutable = credentials.GetCredentials();
                return new ResolvedCredentials(immutable, $"profile '{profileName}'");
            }
            catch (Exception e) when (!(e is PoetryCaAuthException))
            {
                throw ProfileFailure(profileName, profile, e);
            }
        }

        private void AttachMfaPrompt(string profileName, AWSCredentials credentials)
        {
            if (credentials is AssumeRoleAWSCredentials assumeRole && assumeRole.Options?.MfaSerialNumber is string serial &&
                assumeRole.Options.MfaTokenCodeCallback == null)
            {
                assumeRole.Options.MfaTokenCodeCallback = () =>
                    Prompt?.ReadMfaCode(profileName, serial) ??
                    throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsMfaCodeRequired",
                        $"The AWS profile '{profileName}' needs an MFA code for {serial}, and none could be asked for.", profileName,
                        "Pass -MfaCode, or run the command in an interactive session.");
            }
        }

        private PoetryCaAuthException ProfileFailure(string profileName, CredentialProfile profile, Exception e)
        {
            if (e is PoetryCaAuthException known)
            {
                return known;
            }

            // The SDK nests our own prompt exception inside its own when the MFA callback fails.
            for (Exception? inner = e.InnerException; inner != null; inner = inner.InnerException)
            {
                if (inner is PoetryCaAuthException nested) return nested;
            }

            bool isSso = profile.Options.SsoStartUrl != null || profile.Options.SsoSession != null;
            string action = isSso
                ? $"Sign in again with 'aws sso login --profile {profileName}', then retry."
                : profile.Options.CredentialProcess != null
                    ? $"Run the credential_process of profile '{profileName}' by hand to see why it fails."
                    : $"Check the [profile {profileName}] section of {ConfigFiles()}.";
            return new PoetryCaAuthException(ErrorKind.Authentication, "AwsProfileCredentialsFailed",
                $"Could not get credentials from AWS profile '{profileName}': {e.Message}", profileName, action, e);
        }

        private string ConfigFiles()
        {
            string config = _env.GetVariable("AWS_CONFIG_FILE") ?? _env.Combine(_env.HomeDirectory, ".aws", "config");
            string credentials = _env.GetVariable("AWS_SHARED_CREDENTIALS_FILE") ?? _env.Combine(_env.HomeDirectory, ".aws", "credentials");
            return $"'{config}' or '{credentials}'";
        }
    }
}
