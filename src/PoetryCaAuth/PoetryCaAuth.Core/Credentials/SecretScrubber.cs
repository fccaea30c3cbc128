using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace PoetryCaAuth.Credentials
{
    /// <summary>
    /// Masks AWS secrets in text that came from another program (aws-vault, a credential_process helper,
    /// the AWS SDK) before it is shown. Such text is free-form, so masking goes by three rules, each erring
    /// towards masking: values after a secret's name (AWS_SECRET_ACCESS_KEY=, "SessionToken": , Secret Access
    /// Key: , X-Amz-Security-Token=, Bearer ...; or after the name and a space when the value looks like a
    /// secret), anything shaped like one (a run of 40 or more base64 characters with letters and digits, as
    /// AWS secret keys and session tokens are; a JWT-like token, as CodeArtifact and SSO tokens are), and any
    /// known secret passed in.
    /// </summary>
    public static class SecretScrubber
    {
        private static readonly Regex Assignment = new Regex(
            @"(?<name>\b(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|aws_secret_access_key|aws_session_token|aws_security_token|SecretAccessKey|SessionToken|secretAccessKey|sessionToken|accessToken|refreshToken|clientSecret|x-amz-sso_bearer_token)\b[""']?\s*[:=]\s*[""']?)(?<value>[^\s""',;}]+)",
            RegexOptions.CultureInvariant);

        private static readonly Regex Bearer = new Regex(@"(?<name>\bBearer\s+)(?<value>[A-Za-z0-9\-._~+/=]{8,})", RegexOptions.CultureInvariant);

        // A secret's name in any spelling a tool or a person writes: aws_secret_access_key, Secret Access Key,
        // X-Amz-Security-Token, client-secret, password...
        private const string SecretName =
            @"\b(?:x-amz-security-token|(?:aws[ _-]?)?secret[ _-]?(?:access[ _-]?)?key|(?:aws[ _-]?)?(?:session|security|access|refresh|id)[ _-]?token|" +
            @"client[ _-]?secret|secret|password|passwd|token)\b";

        // Name, then ':' or '=' (quotes and spaces allowed): whatever follows is the value.
        private static readonly Regex NamedValue = new Regex(
            "(?<name>" + SecretName + @"[""']?\s*[:=]\s*[""']?)(?<value>[^\s""',;&}]+)",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        // Name, then only spaces ("secret AbC123..."): masked when the value looks like a secret (16 or more
        // characters with a digit), so that "the token has expired" stays readable.
        private static readonly Regex SpacedValue = new Regex(
            "(?<name>" + SecretName + @"\s+)(?<value>(?=[^\s]*\d)[^\s""',;&}]{16,})",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        // Shapes: AWS secret keys are 40 base64 characters and session tokens hundreds; JWT-like tokens
        // (CodeArtifact authorization tokens, SSO access tokens) start with a base64url JSON header.
        private static readonly Regex LongBase64 = new Regex(
            @"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]*\d)(?=[A-Za-z0-9/+=]*[A-Za-z])[A-Za-z0-9/+=]{40,}(?![A-Za-z0-9/+=])",
            RegexOptions.CultureInvariant);

        private static readonly Regex JwtLike = new Regex(@"\beyJ[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]*)+", RegexOptions.CultureInvariant);

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
            result = Bearer.Replace(result, m => m.Groups["name"].Value + "***");
            result = NamedValue.Replace(result, m => m.Groups["name"].Value + "***");
            result = SpacedValue.Replace(result, m => m.Groups["name"].Value + "***");
            result = JwtLike.Replace(result, "***");
            return LongBase64.Replace(result, "***");
        }
    }
}
