using System;
using System.Collections.Generic;
using System.Threading;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.RuntimeDependencies;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Processes;

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

    /// <summary>A prompt that can also start a browser sign-in (IAM Identity Center) with the user.</summary>
    public interface ISignInPrompt : ICredentialPrompt
    {
        /// <summary>False in a non-interactive session: a sign-in must then fail at once instead of waiting for nobody.</summary>
        bool CanPrompt { get; }

        /// <summary>Why <see cref="CanPrompt"/> is false, said as a reason ("the session is non-interactive"); null when it is true.</summary>
        string? WhyNoPrompt { get; }

        /// <summary>Shows <paramref name="message"/> to the user right away, whatever the preference variables say.</summary>
        void Notify(string message);
    }

    /// <summary>
    /// Picks and loads AWS credentials in a documented order: explicit parameters beat the environment
    /// settings (POETRY_CA_AUTH_METHOD, POETRY_CA_DEFAULT_AWS_PROFILE), which beat AWS_* variables and the
    /// SDK's default chain. A named profile that cannot be loaded is an error, never a fall-back to another.
    /// </summary>
    public sealed class AwsCredentialResolver
    {
        /// <summary>The client name an IAM Identity Center sign-in registers (shown on the approval page).</summary>
        public const string SsoClientName = "PoetryCaAuth";

        private readonly HostEnvironment _env;
        private readonly Dictionary<string, ResolvedCredentials> _cache = new Dictionary<string, ResolvedCredentials>();

        static AwsCredentialResolver()
        {
            RegisterSdkClients();
        }

        public AwsCredentialResolver(HostEnvironment env, ICredentialPrompt? prompt = null)
        {
            _env = env;
            Prompt = prompt;
            Browser = new BrowserLauncher(env);
        }

        public ICredentialPrompt? Prompt { get; set; }

        /// <summary>An MFA code given up front (-MfaCode); used instead of asking.</summary>
        public string? MfaCode { get; set; }

        /// <summary>Ends a wait for credentials (Ctrl+C).</summary>
        public CancellationToken Cancel { get; set; }

        /// <summary>
        /// How long loading one profile's credentials may take, not counting time spent typing an answer: it
        /// covers an IAM Identity Center sign-in in the browser and credential_process helpers that wait for one.
        /// </summary>
        public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>-Quiet: nothing is asked on purpose, so the advice is to run without it, not to find a terminal.</summary>
        public bool Quiet { get; set; }

        private string WhyNoPrompt => Quiet ? "-Quiet never asks" : (Prompt as ISignInPrompt)?.WhyNoPrompt ?? "the session is non-interactive";

        private string PromptAdvice => Quiet ? "run the command once without -Quiet" : "run the command in an interactive session";

        public IBrowserLauncher Browser { get; set; }

        public IProcessRunner ProcessRunner { get; set; } = new ProcessRunner();

        /// <summary>
        /// The SDK finds its SSO and SSO OIDC clients by assembly name among ALL loaded assemblies, so an
        /// AWS.Tools copy loaded by the session (another version, another load context) could be picked and
        /// fail to cast. Registering factories for our own copies takes that lookup out of play. These clients
        /// are unsigned (bearer token or none), so they need no credentials of their own.
        /// </summary>
        private static void RegisterSdkClients()
        {
            GlobalRuntimeDependencyRegistry.Instance.RegisterSSOClient(context =>
            {
                var config = new Amazon.SSO.AmazonSSOConfig { RegionEndpoint = context.SSOClientContextData.Region };
                if (context.SSOClientContextData.ProxySettings != null) config.SetWebProxy(context.SSOClientContextData.ProxySettings);
                return new Amazon.SSO.AmazonSSOClient(new AnonymousAWSCredentials(), config);
            });
            GlobalRuntimeDependencyRegistry.Instance.RegisterSSOOIDCClient(context =>
            {
                var config = new Amazon.SSOOIDC.AmazonSSOOIDCConfig { RegionEndpoint = context.SSOOIDCClientContextData.Region };
                if (context.SSOOIDCClientContextData.ProxySettings != null) config.SetWebProxy(context.SSOOIDCClientContextData.ProxySettings);
                return new Amazon.SSOOIDC.AmazonSSOOIDCClient(new AnonymousAWSCredentials(), config);
            });
        }

        /// <summary>Works out the method and profile from parameters, then the Python tool's settings, then AWS_*.</summary>
        /// <param name="method">-AuthMethod, or null.</param>
        /// <param name="profileName">The profile chosen for the source, or null.</param>
        /// <param name="profileReason">Where <paramref name="profileName"/> came from, for the verbose narrative.</param>
        public AuthSelection Select(AuthMethod? method, string? profileName, string? profileReason = null)
        {
            string? defaultProfile = _env.GetVariable("POETRY_CA_DEFAULT_AWS_PROFILE");
            string? envMethodText = _env.GetVariable("POETRY_CA_AUTH_METHOD");
            string methodReason = "-AuthMethod";
            if (method == null && envMethodText != null)
            {
                method = ParseMethodSetting(envMethodText);
                methodReason = "POETRY_CA_AUTH_METHOD";
            }

            bool explicitProfile = profileName != null;
            profileReason = profileName != null ? profileReason ?? "-ProfileName" : null;
            if (profileName == null && defaultProfile != null)
            {
                profileName = defaultProfile;
                profileReason = "POETRY_CA_DEFAULT_AWS_PROFILE";
            }

            // A profile named by a parameter beats a method that only the environment chose (parameters first).
            if (explicitProfile && methodReason == "POETRY_CA_AUTH_METHOD" && (method == AuthMethod.Environment || method == AuthMethod.None))
            {
                return new AuthSelection(AuthMethod.Profile, profileName, profileReason + ", over POETRY_CA_AUTH_METHOD");
            }

            switch (method)
            {
                case null:
                case AuthMethod.Default:
                    if (profileName != null)
                    {
                        return new AuthSelection(AuthMethod.Profile, profileName, profileReason!);
                    }

                    bool hasKey = _env.GetVariable("AWS_ACCESS_KEY_ID") != null, hasSecret = _env.GetVariable("AWS_SECRET_ACCESS_KEY") != null;
                    if (hasKey && hasSecret)
                    {
                        return new AuthSelection(AuthMethod.Environment, null, "AWS_ACCESS_KEY_ID is set");
                    }


                    string? awsProfile = _env.GetVariable("AWS_PROFILE");
                    if (awsProfile != null)
                    {
                        return new AuthSelection(AuthMethod.Profile, awsProfile, "AWS_PROFILE");
                    }

                    // Half a key pair and nothing else to go on: say so, rather than let the SDK's chain fail obscurely.
                    if (hasKey != hasSecret)
                    {
                        throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsEnvironmentCredentialsIncomplete",
                            $"{(hasKey ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")} is set but {(hasKey ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")} is not.",
                            null, "Set both (and AWS_SESSION_TOKEN for temporary keys), or remove the one that is set to use a profile instead.");
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
                        profileReason ?? (profileName != null ? "AWS_PROFILE" : "no profile was named (-ProfileName, POETRY_CA_DEFAULT_AWS_PROFILE, AWS_PROFILE), so 'default'"));
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
                AuthMethod.Vault => FromVault(selection.ProfileName!),
                AuthMethod.Sso => FromProfile(selection.ProfileName!, requireSso: true),
                _ => FromProfile(selection.ProfileName!, requireSso: false),
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
                    "The Environment method needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and " +
                    (accessKey == null && secretKey == null ? "neither is set."
                        : (accessKey == null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is not set."),
                    null, "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or choose another -AuthMethod.");
            }

            // Long-term keys have no session token; sending an empty one would make AWS reject the request.
            return new ResolvedCredentials(new ImmutableCredentials(accessKey, secretKey, _env.GetVariable("AWS_SESSION_TOKEN")),
                "environment variables (access key " + accessKey + ")");
        }

        private ResolvedCredentials FromDefaultChain()
        {
            SdkProfileFiles.Follow(_env);
            try
            {
                // A resolver of our own: the SDK's shared one keeps what it found for the life of the process,
                // so a session whose environment changed (another role, another AWS_CONTAINER_* endpoint) would not see it.
                using var resolver = new DefaultAWSCredentialsIdentityResolver();
                ImmutableCredentials immutable = new InteractionPump().Run(() => resolver.ResolveIdentity(null).GetCredentials(), SignInTimeout, Cancel);
                return new ResolvedCredentials(immutable, "the AWS SDK's default credential chain");
            }
            catch (OperationCanceledException e)
            {
                throw new PoetryCaAuthException(ErrorKind.Cancelled, "OperationCancelled", "Loading AWS credentials was cancelled.", null, null, e);
            }
            catch (TimeoutException e)
            {
                throw new PoetryCaAuthException(ErrorKind.Timeout, "AwsCredentialsTimedOut",
                    $"The AWS SDK's default credential chain found no credentials within {SignInTimeout.TotalSeconds:0} s.", null,
                    "Set AWS_PROFILE or pass -ProfileName.", e);
            }
            catch (Exception e) when (!(e is PoetryCaAuthException))
            {
                throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsCredentialsNotFound",
                    "No AWS credentials were found in the environment, the shared config files or an instance or container role: " + e.Message,
                    null, "Sign in (for example 'aws sso login' or 'aws configure'), set AWS_PROFILE, or pass -ProfileName.", e);
            }
        }

        /// <summary>Looks a profile up, turning the SDK's parse failure of a malformed file into an error that names it.</summary>
        private CredentialProfileStoreChain LookUp(string profileName, out CredentialProfile? profile)
        {
            SdkProfileFiles.Follow(_env);
            var chain = new CredentialProfileStoreChain();
            try
            {
                if (!chain.TryGetProfile(profileName, out profile)) profile = null;
                return chain;
            }
            catch (System.IO.InvalidDataException e)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidData, "AwsConfigInvalid",
                    $"An AWS config file cannot be read: {SecretScrubber.Scrub(OneLine(e.Message))}", profileName,
                    $"Fix that line (a section header looks like [profile NAME]) in {ConfigFiles()}.", e);
            }
        }

        // The SDK's message quotes the bad line with its line break (and the line may be a key in the credentials
        // file, hence the scrubbing above); an error message reads better on one line.
        private static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s*[\r\n]+\s*", " ").Trim();

        private ResolvedCredentials FromVault(string profileName)
        {
            LookUp(profileName, out CredentialProfile? profile);
            if (profile?.Options.CredentialProcess is string process &&
                process.IndexOf("aws-vault", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                // Calling aws-vault here as well would run it twice (and prompt twice): the SDK runs the profile's own process.
                ResolvedCredentials viaProcess = FromProfile(profileName, requireSso: false);
                return new ResolvedCredentials(viaProcess.Credentials, viaProcess.Description + ", whose credential_process already runs aws-vault");
            }

            var source = new AwsVaultCredentialSource(_env, ProcessRunner) { MfaCode = MfaCode };
            VaultCredentials credentials = source.Get(profileName);
            return new ResolvedCredentials(new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
                $"aws-vault profile '{profileName}' ({source.LastDescription})");
        }

        private ResolvedCredentials FromProfile(string profileName, bool requireSso)
        {
            CredentialProfileStoreChain chain = LookUp(profileName, out CredentialProfile? profile);
            if (profile == null)
            {
                throw new PoetryCaAuthException(ErrorKind.NotFound, "AwsProfileNotFound",
                    $"The AWS profile '{profileName}' was not found in {ConfigFiles()}.", profileName,
                    $"Create it with 'aws configure --profile {profileName}' or 'aws configure sso --profile {profileName}', or pass the name of an existing profile.");
            }

            bool isSso = IsSso(profile);
            if (requireSso && !isSso)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "AwsProfileNotSso",
                    $"The Sso method needs an IAM Identity Center profile, and AWS profile '{profileName}' has no sso_session or sso_start_url.",
                    profileName, $"Set it up with 'aws configure sso --profile {profileName}', or use -AuthMethod Profile for other kinds of profile.");
            }

            if (!chain.TryGetAWSCredentials(profileName, out AWSCredentials? credentials) || credentials == null)
            {
                throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsProfileUnusable",
                    $"The AWS profile '{profileName}' does not hold a usable set of credentials settings (keys, sso_*, role_arn or credential_process).",
                    profileName, $"Check the [profile {profileName}] section of {ConfigFiles()}.");
            }

            var pump = new InteractionPump();
            var signIn = new SignInState();
            Prepare(profileName, credentials, pump, signIn);
            try
            {
                ImmutableCredentials immutable = pump.Run(credentials.GetCredentials, SignInTimeout, Cancel);
                string description = isSso
                    ? $"profile '{profileName}' (IAM Identity Center, {(signIn.Started ? "signed in just now" : "cached sign-in")})"
                    : profile.Options.CredentialProcess != null ? $"profile '{profileName}' (credential_process)" : $"profile '{profileName}'";
                return new ResolvedCredentials(immutable, description);
            }
            catch (TimeoutException)
            {
                throw isSso
                    ? new PoetryCaAuthException(ErrorKind.Timeout, "AwsSsoLoginTimedOut",
                        $"The IAM Identity Center sign-in for AWS profile '{profileName}' was not completed within {SignInTimeout.TotalSeconds:0} s.",
                        profileName, $"Approve the request in the browser sooner, or sign in first with 'aws sso login --profile {profileName}', then retry.")
                    : new PoetryCaAuthException(ErrorKind.Timeout, "AwsCredentialsTimedOut",
                        $"Loading the credentials of AWS profile '{profileName}' took longer than {SignInTimeout.TotalSeconds:0} s.",
                        profileName, profile.Options.CredentialProcess != null
                            ? $"The credential_process of profile '{profileName}' may be waiting for input it cannot get here: run it by hand once."
                            : $"Check the [profile {profileName}] section of {ConfigFiles()}.");
            }
            catch (OperationCanceledException e)
            {
                throw new PoetryCaAuthException(ErrorKind.Cancelled, "OperationCancelled",
                    $"Loading the credentials of AWS profile '{profileName}' was cancelled.", profileName, null, e);
            }
            catch (Exception e) when (!(e is PoetryCaAuthException))
            {
                throw ProfileFailure(profileName, profile, isSso, signIn, e);
            }
        }

        private static bool IsSso(CredentialProfile profile) =>
            profile.Options.SsoStartUrl != null || profile.Options.SsoSession != null;

        /// <summary>Records whether this load started a browser sign-in, for the narrative.</summary>
        private sealed class SignInState
        {
            public bool Started;
        }

        /// <summary>
        /// Gives the SDK's credential objects what they need to ask the user: IAM Identity Center credentials a
        /// client name and (in an interactive session) permission to start a device sign-in; assume-role
        /// credentials with mfa_serial an MFA-code callback. Source profiles of assume-role profiles get the same.
        /// </summary>
        private void Prepare(string profileName, AWSCredentials credentials, InteractionPump pump, SignInState signIn)
        {
            switch (credentials)
            {
                case SSOAWSCredentials sso:
                    sso.Options.ClientName = SsoClientName;
                    var prompt = Prompt as ISignInPrompt;
                    sso.Options.SupportsGettingNewToken = prompt?.CanPrompt == true;
                    if (prompt != null && prompt.CanPrompt)
                    {
                        sso.Options.SsoVerificationCallback = arguments => ShowSignIn(profileName, sso, arguments, prompt, pump, signIn);
                    }

                    break;
                case AssumeRoleAWSCredentials assumeRole:
                    if (assumeRole.Options?.MfaSerialNumber is string serial && assumeRole.Options.MfaTokenCodeCallback == null)
                    {
                        assumeRole.Options.MfaTokenCodeCallback = () =>
                            NullIfBlank(MfaCode) ?? NullIfBlank(pump.Invoke(() => Prompt?.ReadMfaCode(profileName, serial))) ??
                            throw new PoetryCaAuthException(ErrorKind.Authentication, "AwsMfaCodeRequired",
                                $"The AWS profile '{profileName}' needs an MFA code for {serial}, and none could be asked for ({WhyNoPrompt}).",
                                profileName, $"Pass -MfaCode with the current code from the MFA device, or {PromptAdvice}.");
                    }

                    if (assumeRole.SourceCredentials != null)
                    {
                        Prepare(profileName, assumeRole.SourceCredentials, pump, signIn);
                    }

                    break;
            }
        }

        /// <summary>Called by the SDK (on a worker thread) once the device sign-in has started.</summary>
        private void ShowSignIn(string profileName, SSOAWSCredentials sso, SsoVerificationArguments arguments, ISignInPrompt prompt,
            InteractionPump pump, SignInState signIn)
        {
            signIn.Started = true;
            string url = arguments.VerificationUriComplete ?? arguments.VerificationUri ?? string.Empty;
            bool opened = Browser.TryOpen(url, out string how);
            string message =
                $"AWS profile '{profileName}' needs an IAM Identity Center sign-in ({sso.StartUrl}).{Environment.NewLine}" +
                (opened
                    ? $"A browser was opened ({how}). If it did not open, or to use another device, visit:{Environment.NewLine}"
                    : $"Open this address in a browser ({how}):{Environment.NewLine}") +
                $"    {url}{Environment.NewLine}" +
                $"and confirm the code: {arguments.UserCode}{Environment.NewLine}" +
                $"Waiting up to {SignInTimeout.TotalMinutes:0.#} min for the approval (Ctrl+C stops).";
            pump.Invoke(() =>
            {
                prompt.Notify(message);
                return true;
            });
        }

        private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

        private PoetryCaAuthException ProfileFailure(string profileName, CredentialProfile profile, bool isSso, SignInState signIn, Exception e)
        {
            // The SDK wraps our own callback exceptions (MFA) in its own.
            for (Exception? inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is PoetryCaAuthException nested) return nested;
            }

            string detail = SecretScrubber.Scrub(Describe(e));
            string? serviceError = null;
            for (Exception? inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode))
                {
                    serviceError = service.ErrorCode;
                }
            }

            if (isSso)
            {
                string session = profile.Options.SsoSession != null ? $" (session '{profile.Options.SsoSession}')" : string.Empty;
                if (serviceError == "ForbiddenException")
                {
                    return new PoetryCaAuthException(ErrorKind.PermissionDenied, "AwsSsoRoleAccessDenied",
                        $"The IAM Identity Center user of AWS profile '{profileName}' may not use role '{profile.Options.SsoRoleName}' in account {profile.Options.SsoAccountId}: {detail}",
                        profileName, $"Check sso_account_id and sso_role_name of [profile {profileName}], or ask for that permission set.", e);
                }

                if (serviceError == "AccessDeniedException")
                {
                    return new PoetryCaAuthException(ErrorKind.Authentication, "AwsSsoLoginFailed",
                        $"The IAM Identity Center sign-in for AWS profile '{profileName}'{session} was declined: {detail}", profileName,
                        "Start again and approve the request in the browser.", e);
                }

                if (detail.IndexOf("Device code has expired", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return new PoetryCaAuthException(ErrorKind.Timeout, "AwsSsoLoginTimedOut",
                        $"The IAM Identity Center sign-in for AWS profile '{profileName}'{session} was not approved before its code expired.",
                        profileName, $"Approve the request in the browser sooner, or sign in first with 'aws sso login --profile {profileName}'.", e);
                }

                if (!signIn.Started && (serviceError == "UnauthorizedException" ||
                    detail.IndexOf("SSO Token", StringComparison.OrdinalIgnoreCase) >= 0))
                {
                    bool canPrompt = (Prompt as ISignInPrompt)?.CanPrompt == true;
                    return new PoetryCaAuthException(ErrorKind.Authentication, "AwsSsoLoginRequired",
                        $"The IAM Identity Center sign-in for AWS profile '{profileName}'{session} is missing or has expired" +
                        (canPrompt ? $": {detail}" : $", and a new one cannot be started ({WhyNoPrompt})."),
                        profileName, $"Sign in with 'aws sso login --profile {profileName}' (or {PromptAdvice}), then retry.", e);
                }
            }

            if (profile.Options.CredentialProcess != null && !isSso)
            {
                return new PoetryCaAuthException(ErrorKind.Authentication, "AwsCredentialProcessFailed",
                    $"The credential_process of AWS profile '{profileName}' failed: {detail}", profileName,
                    $"Run the credential_process command of [profile {profileName}] by hand to see why it fails.", e);
            }

            if (detail.IndexOf("MultiFactorAuthentication", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new PoetryCaAuthException(ErrorKind.Authentication, "AwsMfaCodeRejected",
                    $"The MFA code for AWS profile '{profileName}' ({profile.Options.MfaSerial}) was not accepted: {detail}", profileName,
                    "Retry with the current code from the MFA device (each code can be used once).", e);
            }

            string action = isSso
                ? $"Sign in again with 'aws sso login --profile {profileName}', then retry."
                : $"Check the [profile {profileName}] section of {ConfigFiles()}.";
            return new PoetryCaAuthException(ErrorKind.Authentication, "AwsProfileCredentialsFailed",
                $"Could not get credentials from AWS profile '{profileName}': {detail}", profileName, action, e);
        }

        /// <summary>The SDK's message and those of its causes, which often say more ("Error calling AssumeRole" + why).</summary>
        private static string Describe(Exception e)
        {
            var parts = new List<string>();
            for (Exception? inner = e; inner != null && parts.Count < 4; inner = inner.InnerException)
            {
                string text = inner.Message.Trim();
                // .NET's stand-in for an exception without a message ("Exception of type 'X' was thrown.") says nothing.
                if (text.StartsWith("Exception of type '", StringComparison.Ordinal)) continue;
                text = text.TrimEnd('.');
                if (text.Length > 0 && !parts.Contains(text)) parts.Add(text);
            }

            return string.Join(": ", parts);
        }

        private string ConfigFiles() => $"'{SdkProfileFiles.ConfigFile(_env)}' or '{SdkProfileFiles.CredentialsFile(_env)}'";
    }
}
