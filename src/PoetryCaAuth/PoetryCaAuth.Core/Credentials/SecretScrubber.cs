using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace PoetryCaAuth.Credentials
{
    /// <summary>
    /// Masks AWS secrets in text that came from another program (aws-vault, a credential_process helper,
    /// the AWS SDK) before it is shown: values of AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the like
    /// in env, JSON or INI form, bearer tokens, and any known secret passed in.
    /// </summary>
    public static class SecretScrubber
    {
        private static readonly Regex Assignment = new Regex(
            @"(?<name>\b(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|aws_secret_access_key|aws_session_token|aws_security_token|SecretAccessKey|SessionToken|secretAccessKey|sessionToken|accessToken|refreshToken|clientSecret|x-amz-sso_bearer_token)\b[""']?\s*[:=]\s*[""']?)(?<value>[^\s""',;}]+)",
            RegexOptions.CultureInvariant);

        private static readonly Regex Bearer = new Regex(@"(?<name>\bBearer\s+)(?<value>[A-Za-z0-9\-._~+/=]{8,})", RegexOptions.CultureInvariant);

        public static string Scrub(string? text, IEnumerable<string?>? knownSecrets = null)
        {
            if (string.IsNullOrEmpty(text)) return string.Empty;
            string result = text!;
            if (knownSecrets != null)
            {
                foreach (string? secret in knownSecrets)
                {
                    // Short values (an MFA code, an empty token) would mask ordinary words or digits.
                    if (!string.IsNullOrEmpty(secret) && secret!.Length >= 8) result = result.Replace(secret, "***");
                }
            }

            result = Assignment.Replace(result, m => m.Groups["name"].Value + "***");
            return Bearer.Replace(result, m => m.Groups["name"].Value + "***");
        }
    }
}
