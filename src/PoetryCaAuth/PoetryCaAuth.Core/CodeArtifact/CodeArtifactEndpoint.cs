using System;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.CodeArtifact
{
    /// <summary>Chooses the CodeArtifact API endpoint the way the AWS SDKs do.</summary>
    public static class CodeArtifactEndpoint
    {
        /// <summary>
        /// An explicit URL wins; then AWS_ENDPOINT_URL_CODEARTIFACT, then AWS_ENDPOINT_URL (both ignored when
        /// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true); then the public regional endpoint.
        /// </summary>
        public static Uri Resolve(string region, string? explicitUrl, HostEnvironment env, out string source)
        {
            if (!string.IsNullOrWhiteSpace(explicitUrl))
            {
                source = "-EndpointUrl";
                return Parse(explicitUrl!, source);
            }

            bool ignoreConfigured = string.Equals(env.GetVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true",
                StringComparison.OrdinalIgnoreCase);
            if (!ignoreConfigured)
            {
                foreach (string variable in new[] { "AWS_ENDPOINT_URL_CODEARTIFACT", "AWS_ENDPOINT_URL" })
                {
                    string? value = env.GetVariable(variable);
                    if (value != null)
                    {
                        source = variable;
                        return Parse(value, variable);
                    }
                }
            }

            source = "the public regional endpoint";
            string suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
            return new Uri($"https://codeartifact.{region}.{suffix}/");
        }

        private static Uri Parse(string value, string source)
        {
            if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri) &&
                (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.UserInfo.Length == 0)
            {
                return uri;
            }

            // The value is shown without any user-info: a password typed into the URL must not be echoed.
            string shown = Discovery.RepositoryDiscovery.Redact(value.Trim());
            if (uri != null && uri.UserInfo.Length > 0)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "EndpointUrlInvalid",
                    $"The CodeArtifact endpoint from {source} ('{shown}') must not carry a user name or password.", shown,
                    $"Remove the credentials from {source}; CodeArtifact requests are signed with your AWS credentials.");
            }

            throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "EndpointUrlInvalid",
                $"The CodeArtifact endpoint from {source} ('{shown}') is not an absolute http or https URL.", shown,
                $"Give {source} a URL such as https://codeartifact.us-west-2.amazonaws.com, or remove it.");
        }
    }
}
