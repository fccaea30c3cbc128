using System;
using System.Text.RegularExpressions;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Discovery
{
    /// <summary>
    /// Recognises CodeArtifact PyPI repository URLs by their host, never by a substring of the whole URL,
    /// so look-alike hosts (extra labels, the pattern in the path, query or user-info) are not accepted.
    /// </summary>
    public static class CodeArtifactUrlParser
    {
        // The domain is split from the owner at the LAST hyphen followed by exactly 12 digits: greedy
        // matching of the domain group plus the anchored "-\d{12}" suffix does exactly that.
        private const string DomainOwner = @"(?<domain>[a-z][a-z0-9-]{0,48}[a-z0-9])-(?<owner>[0-9]{12})";
        private const string Region = @"(?<region>[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})";

        private static readonly Regex StandardHost = new Regex(
            "^" + DomainOwner + @"\.d\.codeartifact\." + Region + @"\.amazonaws\.com(?<cn>\.cn)?$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        // Dual-stack hosts: written both with and without the ".d" label in the wild.
        private static readonly Regex DualStackHost = new Regex(
            "^" + DomainOwner + @"(?:\.d)?\.codeartifact\." + Region + @"\.on\.aws$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        // VPC endpoint without private DNS: the domain and owner move into the path.
        private static readonly Regex VpcHost = new Regex(
            @"^vpce-[a-z0-9-]+\.d\.codeartifact\." + Region + @"\.vpce\.amazonaws\.com(?<cn>\.cn)?$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private static readonly Regex DomainOwnerSegment = new Regex("^" + DomainOwner + "$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private static readonly Regex RepositoryName = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$",
            RegexOptions.CultureInvariant);

        private static readonly Regex DomainName = new Regex("^[a-z][a-z0-9-]{0,48}[a-z0-9]$", RegexOptions.CultureInvariant);
        private static readonly Regex AccountId = new Regex("^[0-9]{12}$", RegexOptions.CultureInvariant);
        private static readonly Regex RegionName = new Regex("^" + Region + "$", RegexOptions.CultureInvariant);

        /// <summary>
        /// Checks domain, owner and region given directly (not from a URL), after trimming them and lower-casing the
        /// domain and region, as CodeArtifact names are. Returns null when they are valid, else what is wrong.
        /// </summary>
        public static string? CheckParts(ref string domain, ref string domainOwner, ref string region)
        {
            domain = domain.Trim().ToLowerInvariant();
            domainOwner = domainOwner.Trim();
            region = region.Trim().ToLowerInvariant();
            if (!DomainName.IsMatch(domain))
                return $"'{domain}' is not a CodeArtifact domain name (2-50 lower-case letters, digits and hyphens, starting with a letter)";
            if (!AccountId.IsMatch(domainOwner))
                return $"'{domainOwner}' is not a 12-digit AWS account id";
            if (!RegionName.IsMatch(region))
                return $"'{region}' is not an AWS region name such as us-west-2";
            return null;
        }

        /// <summary>Parses <paramref name="url"/>; returns null with a reason when it is not a CodeArtifact PyPI URL.</summary>
        public static CodeArtifactAddress? TryParse(string? url, out string reason)
        {
            reason = string.Empty;
            if (string.IsNullOrWhiteSpace(url))
            {
                reason = "the URL is empty";
                return null;
            }

            if (!Uri.TryCreate(url!.Trim(), UriKind.Absolute, out Uri? uri) ||
                (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                reason = "it is not an http or https URL";
                return null;
            }

            string host;
            try
            {
                // DNS compares names after IDNA mapping: a host written with fullwidth or other mapped
                // characters is the same host as its ASCII form, so the ASCII form is what is matched.
                host = uri.IdnHost.ToLowerInvariant();
            }
            catch (UriFormatException)
            {
                // Uri accepts some non-ASCII hosts that IDNA refuses; such a host cannot be CodeArtifact.
                reason = "its host is not a valid internationalised host name";
                return null;
            }

            bool hasUserInfo = uri.UserInfo.Length > 0;
            string[] segments = uri.AbsolutePath.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);

            Match m;
            if ((m = StandardHost.Match(host)).Success)
            {
                return FromPath(m, segments, 0, EndpointKind.Standard, m.Groups["cn"].Success, hasUserInfo, out reason);
            }

            if ((m = DualStackHost.Match(host)).Success)
            {
                return FromPath(m, segments, 0, EndpointKind.DualStack, false, hasUserInfo, out reason);
            }

            if ((m = VpcHost.Match(host)).Success)
            {
                // /pypi/d/DOMAIN-OWNER/REPO/... (also tolerated: /d/DOMAIN-OWNER/pypi/REPO/...)
                int dIndex = segments.Length >= 3 && segments[0] == "pypi" && segments[1] == "d" ? 2
                    : segments.Length >= 2 && segments[0] == "d" ? 1 : -1;
                Match owner = dIndex > 0 ? DomainOwnerSegment.Match(segments[dIndex].ToLowerInvariant()) : Match.Empty;
                if (!owner.Success)
                {
                    reason = "a VPC endpoint URL must carry /pypi/d/DOMAIN-OWNER/REPO/ in its path";
                    return null;
                }

                string[] rest = dIndex == 2
                    ? Prepend("pypi", Skip(segments, 3))
                    : Skip(segments, 2);
                CodeArtifactAddress? parsed = FromPath(owner, rest, 0, EndpointKind.VpcEndpoint, m.Groups["cn"].Success,
                    hasUserInfo, out reason);
                return parsed == null
                    ? null
                    : new CodeArtifactAddress(parsed.Domain, parsed.DomainOwner, m.Groups["region"].Value,
                        parsed.Repository, parsed.Format, EndpointKind.VpcEndpoint, parsed.IsChinaPartition, hasUserInfo);
            }

            reason = $"its host '{host}' is not a CodeArtifact repository host";
            return null;
        }

        private static CodeArtifactAddress? FromPath(Match hostMatch, string[] segments, int start, EndpointKind kind,
            bool china, bool hasUserInfo, out string reason)
        {
            // Accepted: /pypi/REPO, /pypi/REPO/, /pypi/REPO/simple, /pypi/REPO/simple/
            int count = segments.Length - start;
            if (count < 2 || !string.Equals(segments[start], "pypi", StringComparison.Ordinal))
            {
                reason = count >= 1 && segments[start] != "pypi"
                    ? $"it is a CodeArtifact '{segments[start]}' repository, not a PyPI one"
                    : "its path does not start with /pypi/REPOSITORY/";
                return null;
            }

            string repository = Uri.UnescapeDataString(segments[start + 1]);
            if (!RepositoryName.IsMatch(repository))
            {
                reason = $"'{repository}' is not a valid CodeArtifact repository name";
                return null;
            }

            if (count > 3 || (count == 3 && segments[start + 2] != "simple"))
            {
                reason = "its path goes beyond /pypi/REPOSITORY/simple/";
                return null;
            }

            reason = string.Empty;
            string region = hostMatch.Groups["region"].Success ? hostMatch.Groups["region"].Value : string.Empty;
            return new CodeArtifactAddress(hostMatch.Groups["domain"].Value, hostMatch.Groups["owner"].Value, region,
                repository, "pypi", kind, china, hasUserInfo);
        }

        private static string[] Skip(string[] items, int count)
        {
            if (count >= items.Length) return Array.Empty<string>();
            string[] result = new string[items.Length - count];
            Array.Copy(items, count, result, 0, result.Length);
            return result;
        }

        private static string[] Prepend(string first, string[] rest)
        {
            string[] result = new string[rest.Length + 1];
            result[0] = first;
            Array.Copy(rest, 0, result, 1, rest.Length);
            return result;
        }
    }
}
