using System.Globalization;
using System.Text;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Core.Tests;

/// <summary>
/// Seeded fuzzing of the URL parser: valid CodeArtifact hosts are mutated (labels inserted, removed or
/// repeated, characters swapped, replaced, inserted or deleted, the owner's digit count changed, the
/// suffix replaced by look-alikes) and every result is checked against <see cref="Oracle"/>, an
/// independent, label-by-label reading of the documented host forms that shares no code or regex with
/// the parser. An ASCII host must parse exactly when the oracle says it matches, with the same parts.
/// A non-ASCII host may be refused even when its IDNA form matches (.NET's Uri refuses some hosts that
/// IDNA maps, such as fullwidth digits; refusing only passes a source over), but it must never parse
/// into anything other than what its IDNA form says.
/// </summary>
public sealed class UrlParserFuzzTests
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    // Characters a mutation may put into a host. URL delimiters (@ / ? # : % \ [ ]) are left out on
    // purpose: they change which part of the URL is the host, which LookAlikesOutsideTheHost covers.
    // The non-ASCII ones include characters IDNA maps onto ASCII (fullwidth letters and digits, the
    // Kelvin sign), so a host may legitimately turn into a valid one after mapping.
    private static readonly string MutationAlphabet =
        Lower + Digits + "ABCDEFXYZ" + "-.-._" + "\u00e9\u0131\uff41\uff11\u212a\u0430\u00df";

    private static readonly string[] Regions =
    {
        "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1",
        "eu-south-2", "us-gov-west-1", "cn-north-1", "ca-central-1", "il-central-1", "ap-south-12",
    };

    private static readonly string[] LookAlikeSuffixes =
    {
        ".amazonaws.com.evil.com", ".amazonaws.co", ".amazonaws.com.", ".amazonaws.comm", ".amazon.com",
        ".amazonaws.org", ".amazonaws-com", ".amazonaws.com.cn.evil", ".aws", ".on.aws.evil.com", ".on.aws.",
        ".amazonaws.com.amazonaws.com", "-amazonaws.com", ".amazonaws.cn", ".vpce.amazonaws.com",
    };

    private enum Form
    {
        Standard,
        DualStack,
        DualStackWithD,
        Vpc,
    }

    /// <summary>The parts the oracle reads from a host; Domain and Owner come from the path for VPC hosts.</summary>
    private sealed record Expected(string Domain, string Owner, string Region, EndpointKind Kind, bool China);

    [Fact]
    public void MutatedHosts_ParseExactlyWhenTheyMatchTheDocumentedForms()
    {
        var random = new Random(20240607);
        int accepted = 0, rejected = 0;
        var failures = new List<string>();

        for (int i = 0; i < 30000 && failures.Count < 20; i++)
        {
            (string host, Form form, string vpcDomainOwner) = ValidHost(random);
            int mutations = 1 + random.Next(3);
            for (int m = 0; m < mutations; m++)
            {
                host = Mutate(host, random);
            }

            string url = BuildUrl(random, host, form, vpcDomainOwner);
            Expected? expected = Oracle(host, form == Form.Vpc ? vpcDomainOwner : null);
            CodeArtifactAddress? actual;
            string reason;
            try
            {
                actual = CodeArtifactUrlParser.TryParse(url, out reason);
            }
            catch (Exception e)
            {
                // TryParse must never throw: a source it cannot read is passed over, not a crash.
                failures.Add($"{url}: threw {e.GetType().Name}: {e.Message}");
                continue;
            }

            string? problem = Compare(expected, actual, reason, IsAscii(host));
            if (problem != null)
            {
                failures.Add($"{url}: {problem}");
            }
            else if (expected != null)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }

        Assert.True(failures.Count == 0, "Parser and oracle disagree:\n" + string.Join("\n", failures));
        // The fuzzer must exercise both sides, or it proves nothing.
        Assert.True(accepted > 1500, $"only {accepted} mutated hosts were still valid");
        Assert.True(rejected > 15000, $"only {rejected} mutated hosts were invalid");
    }

    [Fact]
    public void UnmutatedHosts_AllParse()
    {
        var random = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            (string host, Form form, string vpcDomainOwner) = ValidHost(random);
            string url = BuildUrl(random, host, form, vpcDomainOwner);
            Expected? expected = Oracle(host, form == Form.Vpc ? vpcDomainOwner : null);
            Assert.True(expected != null, $"the generator made a host the oracle rejects: {host}");
            CodeArtifactAddress? actual = CodeArtifactUrlParser.TryParse(url, out string reason);
            Assert.Null(Compare(expected, actual, reason, IsAscii(host)));
        }
    }

    [Fact]
    public void LookAlikesOutsideTheHost_NeverParse()
    {
        // The real pattern placed in user-info, path, query or fragment, with a host that is not CodeArtifact.
        var random = new Random(99);
        for (int i = 0; i < 3000; i++)
        {
            (string host, Form form, _) = ValidHost(random);
            if (form == Form.Vpc) continue;
            string other = random.Next(3) switch
            {
                0 => "pypi.org",
                1 => "evil.example.com",
                _ => "codeartifact.evil.com",
            };
            string url = random.Next(5) switch
            {
                0 => $"https://{host}@{other}/pypi/repo1/simple/",
                1 => $"https://aws:token@{other}/{host}/pypi/repo1/simple/",
                2 => $"https://{other}/pypi/repo1/simple/?h={host}",
                3 => $"https://{other}/pypi/repo1/simple/#{host}",
                _ => $"https://{other}:443/{host}/pypi/repo1/",
            };

            Assert.Null(CodeArtifactUrlParser.TryParse(url, out _));
        }
    }

    [Theory]
    // Hand-picked cases the random walk might not hit; the oracle decides each one.
    [InlineData("my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-11112222333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-1111222233334.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-111122223333.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("x.my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.us-west.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.uswest-2.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.us-west-123.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.us--west-2.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com.cn")]
    [InlineData("my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com.evil.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.us-west-2.on.aws")]
    [InlineData("my-domain-111122223333.codeartifact.us-west-2.on.aws")]
    [InlineData("my-domain-111122223333.codeartifact.us-west-2.on.aws.cn")]
    [InlineData("-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("domain--111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("a-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("ab-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com:8443")]
    [InlineData("MY-DOMAIN-111122223333.D.CODEARTIFACT.US-WEST-2.AMAZONAWS.COM")]
    [InlineData("my-dom\uff41in-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-dom\u0430in-111122223333.d.codeartifact.us-west-2.amazonaws.com")]
    [InlineData("my-domain-\uff11\uff11\uff11\uff11\uff12\uff12\uff12\uff12\uff13\uff13\uff13\uff13.d.codeartifact.us-west-2.amazonaws.com")]
    public void HandPickedHosts_AgreeWithTheOracle(string hostAndPort)
    {
        string host = hostAndPort.Split(':')[0];
        Expected? expected = Oracle(host, null);
        CodeArtifactAddress? actual = CodeArtifactUrlParser.TryParse($"https://{hostAndPort}/pypi/repo1/simple/", out string reason);
        Assert.Null(Compare(expected, actual, reason, IsAscii(host)));
    }

    // ------------------------------------------------------------------ the oracle

    /// <summary>
    /// An independent reading of the documented host forms, label by label, by hand (no regex):
    ///   DOMAIN-OWNER.d.codeartifact.REGION.amazonaws.com[.cn]   standard
    ///   DOMAIN-OWNER[.d].codeartifact.REGION.on.aws             dual-stack
    ///   vpce-ID.d.codeartifact.REGION.vpce.amazonaws.com[.cn]   VPC endpoint (DOMAIN-OWNER from the path)
    /// DOMAIN: 2-50 of a-z 0-9 -, starting with a letter, ending with a letter or digit; OWNER: 12 digits;
    /// REGION: two letters, one or more groups of letters, then 1-2 digits, joined by single hyphens.
    /// Host names are compared as DNS does: case-insensitively, after IDNA mapping to ASCII.
    /// </summary>
    private static Expected? Oracle(string rawHost, string? vpcDomainOwner)
    {
        string? host = ToAsciiHost(rawHost);
        if (host == null) return null;
        string[] labels = host.Split('.');
        int n = labels.Length;

        // Standard: 6 labels, or 7 ending in "cn".
        bool china = n == 7 && labels[6] == "cn";
        if ((n == 6 || china) && labels[1] == "d" && labels[2] == "codeartifact" && labels[4] == "amazonaws" && labels[5] == "com")
        {
            return FromLabels(labels[0], labels[3], EndpointKind.Standard, china);
        }

        // Dual-stack, with or without the "d" label.
        if (n == 5 && labels[1] == "codeartifact" && labels[3] == "on" && labels[4] == "aws")
        {
            return FromLabels(labels[0], labels[2], EndpointKind.DualStack, false);
        }

        if (n == 6 && labels[1] == "d" && labels[2] == "codeartifact" && labels[4] == "on" && labels[5] == "aws")
        {
            return FromLabels(labels[0], labels[3], EndpointKind.DualStack, false);
        }

        // VPC endpoint: 7 labels, or 8 ending in "cn".
        bool vpcChina = n == 8 && labels[7] == "cn";
        if (vpcDomainOwner != null && (n == 7 || vpcChina) && labels[1] == "d" && labels[2] == "codeartifact" &&
            labels[4] == "vpce" && labels[5] == "amazonaws" && labels[6] == "com" && IsVpceLabel(labels[0]) && IsRegion(labels[3]))
        {
            Expected? parts = FromLabels(vpcDomainOwner, labels[3], EndpointKind.VpcEndpoint, vpcChina);
            return parts;
        }

        return null;
    }

    private static Expected? FromLabels(string domainOwner, string region, EndpointKind kind, bool china)
    {
        int hyphen = domainOwner.LastIndexOf('-');
        if (hyphen < 0) return null;
        string domain = domainOwner.Substring(0, hyphen);
        string owner = domainOwner.Substring(hyphen + 1);
        if (owner.Length != 12 || !owner.All(c => c >= '0' && c <= '9')) return null;
        if (!IsDomain(domain) || !IsRegion(region)) return null;
        return new Expected(domain, owner, region, kind, china);
    }

    private static bool IsDomain(string s) =>
        s.Length >= 2 && s.Length <= 50 && s[0] >= 'a' && s[0] <= 'z' &&
        (char.IsAsciiLetterLower(s[^1]) || char.IsAsciiDigit(s[^1])) &&
        s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static bool IsRegion(string s)
    {
        string[] parts = s.Split('-');
        if (parts.Length < 3) return false;
        if (parts[0].Length != 2 || !parts[0].All(char.IsAsciiLetterLower)) return false;
        for (int i = 1; i < parts.Length - 1; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiLetterLower)) return false;
        }

        string last = parts[^1];
        return last.Length >= 1 && last.Length <= 2 && last.All(char.IsAsciiDigit);
    }

    private static bool IsVpceLabel(string s) =>
        s.StartsWith("vpce-", StringComparison.Ordinal) && s.Length > 5 &&
        s.Skip(5).All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>The host as DNS sees it: IDNA-mapped to ASCII and lower-cased; null when it is not a valid name at all.</summary>
    private static string? ToAsciiHost(string host)
    {
        if (host.Length == 0 || host.Contains("..", StringComparison.Ordinal)) return null;
        if (IsAscii(host)) return host.ToLowerInvariant();
        try
        {
            return new IdnMapping { UseStd3AsciiRules = false }.GetAscii(host).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsAscii(string s) => s.All(c => c < 128);

    private static string? Compare(Expected? expected, CodeArtifactAddress? actual, string reason, bool asciiHost)
    {
        if (expected == null && actual == null) return null;
        if (actual == null && !asciiHost) return null; // refusing an exotic host is safe
        if (expected == null) return $"parsed as domain '{actual!.Domain}', owner {actual.DomainOwner}, region {actual.Region}, but the oracle rejects it";
        if (actual == null) return $"the oracle accepts it ({expected}), the parser refused: {reason}";
        if (actual.Domain != expected.Domain || actual.DomainOwner != expected.Owner || actual.Region != expected.Region ||
            actual.Kind != expected.Kind || actual.IsChinaPartition != expected.China)
        {
            return $"parsed as ({actual.Domain}, {actual.DomainOwner}, {actual.Region}, {actual.Kind}, cn={actual.IsChinaPartition}), expected {expected}";
        }

        return null;
    }

    // ------------------------------------------------------------------ the generator

    private static (string Host, Form Form, string VpcDomainOwner) ValidHost(Random random)
    {
        string domainOwner = RandomDomain(random) + "-" + RandomDigits(random, 12);
        string region = Regions[random.Next(Regions.Length)];
        var form = (Form)random.Next(4);
        bool china = random.Next(8) == 0;
        string host = form switch
        {
            Form.Standard => $"{domainOwner}.d.codeartifact.{region}.amazonaws.com" + (china ? ".cn" : string.Empty),
            Form.DualStack => $"{domainOwner}.codeartifact.{region}.on.aws",
            Form.DualStackWithD => $"{domainOwner}.d.codeartifact.{region}.on.aws",
            _ => $"vpce-{RandomFrom(random, Lower + Digits, 6, 17)}-{RandomFrom(random, Lower + Digits, 8, 8)}.d.codeartifact.{region}.vpce.amazonaws.com" +
                 (china ? ".cn" : string.Empty),
        };
        if (random.Next(10) == 0)
        {
            host = RandomCase(random, host); // hosts are case-insensitive
        }

        return (host, form, domainOwner);
    }

    private static string BuildUrl(Random random, string host, Form form, string vpcDomainOwner)
    {
        string scheme = random.Next(4) == 0 ? "http" : "https";
        string port = random.Next(6) == 0 ? ":" + (random.Next(2) == 0 ? "443" : "8443") : string.Empty;
        string path = form == Form.Vpc ? $"/pypi/d/{vpcDomainOwner}/repo1/simple/" : "/pypi/repo1/simple/";
        return $"{scheme}://{host}{port}{path}";
    }

    private static string Mutate(string host, Random random)
    {
        var sb = new StringBuilder(host);
        List<string> labels = host.Split('.').ToList();
        switch (random.Next(11))
        {
            case 0: // insert a label (random, or a copy of a neighbour: "d.d", "codeartifact.codeartifact")
                string label = random.Next(2) == 0 ? labels[random.Next(labels.Count)] : RandomFrom(random, Lower + Digits + "-", 1, 8);
                labels.Insert(random.Next(labels.Count + 1), label);
                return string.Join(".", labels);
            case 1: // remove a label
                if (labels.Count > 1) labels.RemoveAt(random.Next(labels.Count));
                return string.Join(".", labels);
            case 2: // swap two adjacent characters
                if (sb.Length > 1)
                {
                    int i = random.Next(sb.Length - 1);
                    (sb[i], sb[i + 1]) = (sb[i + 1], sb[i]);
                }

                return sb.ToString();
            case 3: // replace one character
                sb[random.Next(sb.Length)] = MutationAlphabet[random.Next(MutationAlphabet.Length)];
                return sb.ToString();
            case 4: // insert one character
                sb.Insert(random.Next(sb.Length + 1), MutationAlphabet[random.Next(MutationAlphabet.Length)]);
                return sb.ToString();
            case 5: // delete one character
                if (sb.Length > 1) sb.Remove(random.Next(sb.Length), 1);
                return sb.ToString();
            case 6: // change the owner's digit count (or any digit run's)
                return ChangeDigitRun(host, random);
            case 7: // replace the suffix with a look-alike
                int cut = host.IndexOf(".amazonaws.", StringComparison.OrdinalIgnoreCase);
                if (cut < 0) cut = host.IndexOf(".on.aws", StringComparison.OrdinalIgnoreCase);
                if (cut < 0) cut = host.LastIndexOf('.');
                return host.Substring(0, Math.Max(0, cut)) + LookAlikeSuffixes[random.Next(LookAlikeSuffixes.Length)];
            case 8: // add a prefix or suffix label
                return random.Next(2) == 0 ? RandomFrom(random, Lower, 1, 6) + "." + host : host + "." + RandomFrom(random, Lower, 2, 4);
            case 9: // change the region's shape
                int r = labels.FindIndex(l => l.Count(c => c == '-') >= 2 && char.IsAsciiDigit(l[^1]) && !l.StartsWith("vpce", StringComparison.Ordinal));
                if (r >= 0)
                {
                    labels[r] = random.Next(3) switch
                    {
                        0 => labels[r] + Digits[random.Next(10)],
                        1 => labels[r].Replace("-", string.Empty, StringComparison.Ordinal),
                        _ => labels[r].Replace("-", "--", StringComparison.Ordinal),
                    };
                }

                return string.Join(".", labels);
            default: // grow or shrink the domain to its length limits
                int hyphen = labels[0].LastIndexOf('-');
                if (hyphen > 0 && !labels[0].StartsWith("vpce", StringComparison.OrdinalIgnoreCase))
                {
                    int target = random.Next(2) == 0 ? 49 + random.Next(3) : 1 + random.Next(2);
                    string domain = labels[0].Substring(0, hyphen);
                    domain = domain.Length >= target ? domain.Substring(0, target) : domain + new string('a', target - domain.Length);
                    labels[0] = domain + labels[0].Substring(hyphen);
                }

                return string.Join(".", labels);
        }
    }

    private static string ChangeDigitRun(string host, Random random)
    {
        // Find the longest run of digits (the owner, for non-VPC hosts) and add or remove one digit.
        int bestStart = -1, bestLength = 0;
        for (int i = 0; i < host.Length;)
        {
            if (!char.IsAsciiDigit(host[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < host.Length && char.IsAsciiDigit(host[i])) i++;
            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        if (bestStart < 0) return host;
        return random.Next(2) == 0
            ? host.Insert(bestStart + random.Next(bestLength + 1), Digits[random.Next(10)].ToString())
            : host.Remove(bestStart + random.Next(bestLength), 1);
    }

    private static string RandomDomain(Random random)
    {
        int length = random.Next(10) == 0 ? 50 : 2 + random.Next(random.Next(2) == 0 ? 10 : 48);
        var sb = new StringBuilder();
        sb.Append(Lower[random.Next(26)]);
        while (sb.Length < length - 1)
        {
            int pick = random.Next(10);
            sb.Append(pick < 6 ? Lower[random.Next(26)] : pick < 9 ? Digits[random.Next(10)] : '-');
        }

        if (sb.Length < length) sb.Append((Lower + Digits)[random.Next(36)]);
        // Domains such as "team-2-123456789012" hold a 12-digit run of their own now and then.
        if (random.Next(15) == 0 && sb.Length <= 37) sb.Append('-').Append(RandomDigits(random, 12));
        return sb.ToString();
    }

    private static string RandomDigits(Random random, int count) => RandomFrom(random, Digits, count, count);

    private static string RandomFrom(Random random, string alphabet, int min, int max)
    {
        int length = min + random.Next(max - min + 1);
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.Append(alphabet[random.Next(alphabet.Length)]);
        return sb.ToString();
    }

    private static string RandomCase(Random random, string s) =>
        new string(s.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : c).ToArray());
}
