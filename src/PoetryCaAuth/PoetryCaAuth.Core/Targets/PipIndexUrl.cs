using System;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Targets
{
    /// <summary>
    /// pip's way of taking credentials: inside the index URL, as https://aws:TOKEN@HOST/pypi/REPO/simple/.
    /// The token is percent-encoded (a CodeArtifact token uses only unreserved characters today, but the
    /// URL must stay valid whatever the service returns).
    /// </summary>
    public static class PipIndexUrl
    {
        public const string UserName = "aws";

        /// <summary>The source's PEP 503 index URL without credentials (ending in /simple/), or null when it is unknown.</summary>
        public static string? BaseUrl(CodeArtifactRepository repository)
        {
            if (!string.IsNullOrWhiteSpace(repository.Url) && Uri.TryCreate(repository.Url, UriKind.Absolute, out Uri? uri))
            {
                string path = uri.AbsolutePath.TrimEnd('/');
                if (!path.EndsWith("/simple", StringComparison.Ordinal)) path += "/simple";
                return $"{uri.Scheme}://{uri.Authority}{path}/";
            }

            if (!string.IsNullOrWhiteSpace(repository.Repository) && !string.IsNullOrWhiteSpace(repository.Domain))
            {
                return $"https://{repository.Domain}-{repository.DomainOwner}.d.codeartifact.{repository.Region}.amazonaws.com/pypi/" +
                       $"{Uri.EscapeDataString(repository.Repository)}/simple/";
            }

            return null;
        }

        public static string WithToken(string baseUrl, SecretToken token)
        {
            var uri = new Uri(baseUrl, UriKind.Absolute);
            return $"{uri.Scheme}://{UserName}:{Uri.EscapeDataString(token.Reveal())}@{uri.Authority}{uri.AbsolutePath}";
        }

        /// <summary>
        /// Finds the URL for <paramref name="baseUrl"/> in a pip variable (one URL, or several separated by
        /// whitespace as in PIP_EXTRA_INDEX_URL) and returns its decoded password, or null.
        /// </summary>
        public static string? FindPassword(string? variableValue, string baseUrl)
        {
            if (string.IsNullOrWhiteSpace(variableValue)) return null;
            var expected = new Uri(baseUrl, UriKind.Absolute);
            foreach (string part in variableValue!.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Uri.TryCreate(part, UriKind.Absolute, out Uri? candidate) || candidate.UserInfo.Length == 0) continue;
                if (!string.Equals(candidate.Scheme, expected.Scheme, StringComparison.OrdinalIgnoreCase) ||
                    !string.Equals(candidate.Host, expected.Host, StringComparison.OrdinalIgnoreCase) ||
                    candidate.Port != expected.Port ||
                    !string.Equals(candidate.AbsolutePath, expected.AbsolutePath, StringComparison.Ordinal))
                {
                    continue;
                }

                int colon = candidate.UserInfo.IndexOf(':');
                return colon < 0 ? null : Uri.UnescapeDataString(candidate.UserInfo.Substring(colon + 1));
            }

            return null;
        }
    }
}
