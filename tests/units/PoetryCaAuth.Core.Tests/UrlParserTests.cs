using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Core.Tests;

public sealed class UrlParserTests
{
    private const string Host = "my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com";

    [Theory]
    [InlineData("https://" + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://" + Host + "/pypi/my-repo/simple")]
    [InlineData("https://" + Host + "/pypi/my-repo/")]
    [InlineData("https://" + Host + "/pypi/my-repo")]
    [InlineData("http://" + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://" + Host + ":443/pypi/my-repo/simple/")]
    [InlineData("https://" + Host + ":8443/pypi/my-repo/simple/")]
    [InlineData("HTTPS://MY-DOMAIN-111122223333.D.CODEARTIFACT.US-WEST-2.AMAZONAWS.COM/pypi/my-repo/simple/")]
    [InlineData("https://My-Domain-111122223333.d.CodeArtifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("  https://" + Host + "/pypi/my-repo/simple/  ")]
    [InlineData("https://" + Host + "/pypi/my-repo/simple/?extra=1")]
    public void StandardForm_AllPathVariants_Parse(string url)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);

        Assert.True(address != null, reason);
        Assert.Equal("my-domain", address!.Domain);
        Assert.Equal("111122223333", address.DomainOwner);
        Assert.Equal("us-west-2", address.Region);
        Assert.Equal("my-repo", address.Repository);
        Assert.Equal("pypi", address.Format);
        Assert.Equal(EndpointKind.Standard, address.Kind);
        Assert.False(address.IsChinaPartition);
        Assert.False(address.HasUserInfo);
        Assert.Equal(string.Empty, reason);
    }

    [Theory]
    // The domain/owner split is at the LAST hyphen followed by exactly 12 digits.
    [InlineData("my-team-2-123456789012-111122223333", "my-team-2-123456789012", "111122223333")]
    [InlineData("a1-999999999999", "a1", "999999999999")]
    [InlineData("x9-1-2-3-000000000001", "x9-1-2-3", "000000000001")]
    [InlineData("acme-corp-2024-444455556666", "acme-corp-2024", "444455556666")]
    [InlineData("ab-1234567890123-111122223333", "ab-1234567890123", "111122223333")]
    [InlineData("ab", null, null)]                                  // no owner at all
    public void DomainOwnerSplit_UsesLastHyphenBeforeTwelveDigits(string label, string? domain, string? owner)
    {
        string url = $"https://{label}.d.codeartifact.eu-central-1.amazonaws.com/pypi/repo1/simple/";

        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out _);

        Assert.Equal(domain, address?.Domain);
        Assert.Equal(owner, address?.DomainOwner);
        if (address != null) Assert.Equal("eu-central-1", address.Region);
    }

    [Theory]
    [InlineData("ab", true)]                                 // shortest domain: 2 characters
    [InlineData("a", false)]                                 // too short
    [InlineData("abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefg", false)] // 51 characters
    [InlineData("abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdef", true)]   // 50 characters
    [InlineData("1domain", false)]                           // must start with a letter
    [InlineData("domain-", false)]                           // must not end with a hyphen
    [InlineData("my_domain", false)]
    [InlineData("my.domain", false)]
    public void DomainNameRules(string domain, bool valid)
    {
        string url = $"https://{domain}-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/r1/simple/";

        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out _);

        Assert.Equal(valid, address != null);
        if (valid) Assert.Equal(domain, address!.Domain);
    }

    [Theory]
    [InlineData("r1", true)]
    [InlineData("My.Repo_name-2", true)]
    [InlineData("a", false)]          // 2 characters minimum
    [InlineData("-repo", false)]
    [InlineData("re%20po", false)]    // an escaped space is not allowed
    [InlineData("re%2Fpo", false)]    // nor an escaped slash
    public void RepositoryNameRules(string repo, bool valid)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse($"https://{Host}/pypi/{repo}/simple/", out string reason);

        Assert.Equal(valid, address != null);
        if (valid) Assert.Equal(repo, address!.Repository);
        else Assert.NotEqual(string.Empty, reason);
    }

    [Theory]
    [InlineData("https://my-domain-111122223333.codeartifact.us-west-2.on.aws/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifact.us-west-2.on.aws/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifact.us-west-2.on.aws/pypi/my-repo")]
    public void DualStackHosts_ParseWithAndWithoutDLabel(string url)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);

        Assert.True(address != null, reason);
        Assert.Equal(EndpointKind.DualStack, address!.Kind);
        Assert.Equal("my-domain", address.Domain);
        Assert.Equal("111122223333", address.DomainOwner);
        Assert.Equal("us-west-2", address.Region);
        Assert.Equal("my-repo", address.Repository);
    }

    [Theory]
    [InlineData("https://vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/d/my-domain-111122223333/my-repo/")]
    [InlineData("https://vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/d/my-domain-111122223333/my-repo/simple/")]
    [InlineData("https://vpce-0dc4daf7fca331ed6-et36qa1d.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/d/my-domain-111122223333/my-repo")]
    public void VpcEndpointForm_TakesDomainFromPathAndRegionFromHost(string url)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);

        Assert.True(address != null, reason);
        Assert.Equal(EndpointKind.VpcEndpoint, address!.Kind);
        Assert.Equal("my-domain", address.Domain);
        Assert.Equal("111122223333", address.DomainOwner);
        Assert.Equal("us-west-2", address.Region);
        Assert.Equal("my-repo", address.Repository);
    }

    [Theory]
    [InlineData("https://vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/my-repo/simple/")]        // no d/DOMAIN-OWNER
    [InlineData("https://vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/d/my-domain-11112222333/my-repo/")] // 11 digits
    [InlineData("https://vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/d/my-domain-111122223333/")] // no repository
    [InlineData("https://vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/npm/d/my-domain-111122223333/my-repo/")]
    [InlineData("https://x.vpce-0abc-xyz.d.codeartifact.us-west-2.vpce.amazonaws.com/pypi/d/my-domain-111122223333/my-repo/")]
    public void VpcEndpointForm_Malformed_DoesNotParse(string url)
    {
        Assert.Null(CodeArtifactUrlParser.TryParse(url, out string reason));
        Assert.NotEqual(string.Empty, reason);
    }

    [Theory]
    [InlineData("https://my-domain-111122223333.d.codeartifact.cn-north-1.amazonaws.com.cn/pypi/my-repo/simple/", EndpointKind.Standard)]
    [InlineData("https://vpce-0abc.d.codeartifact.cn-north-1.vpce.amazonaws.com.cn/pypi/d/my-domain-111122223333/my-repo/", EndpointKind.VpcEndpoint)]
    public void ChinaPartitionHost_ParsesWithFlag(string url, EndpointKind kind)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);

        Assert.True(address != null, reason);
        Assert.True(address!.IsChinaPartition);
        Assert.Equal(kind, address.Kind);
        Assert.Equal("cn-north-1", address.Region);
    }

    [Theory]
    [InlineData("https://aws:secret@" + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://aws@" + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://aws:eyJ.abc.def@" + Host + ":443/pypi/my-repo/")]
    public void UserInfo_IsFlaggedAndTheRealHostIsParsed(string url)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);

        Assert.True(address != null, reason);
        Assert.True(address!.HasUserInfo);
        Assert.Equal("my-domain", address.Domain);
        Assert.Equal("my-repo", address.Repository);
    }

    [Theory]
    // Extra labels before or after the host.
    [InlineData("https://x." + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://a.b.my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://" + Host + ".evil.com/pypi/my-repo/simple/")]
    [InlineData("https://" + Host + "./pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifact.us-west-2.on.aws.evil.com/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333-d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifactxus-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.co/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com.cn.evil.com/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-111122223333.d.codeartifact.amazonaws.com/pypi/my-repo/simple/")]   // no region
    // The pattern only in the path, the query or the fragment.
    [InlineData("https://evil.com/" + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://evil.com/pypi/my-repo/simple/?next=https://" + Host + "/pypi/my-repo/simple/")]
    [InlineData("https://evil.com/pypi/my-repo/simple/#" + Host)]
    // The pattern in user-info while the real host is another.
    [InlineData("https://" + Host + "@evil.com/pypi/r/simple/")]
    [InlineData("https://" + Host + ":443@evil.com/pypi/r/simple/")]
    [InlineData("https://user:" + Host + "@evil.com/pypi/r/simple/")]
    // 11 or 13 digit owners.
    [InlineData("https://my-domain-11112222333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://my-domain-1111222233334.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://my-domain111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    // Bad domain characters.
    [InlineData("https://my_domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    [InlineData("https://9domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my-repo/simple/")]
    // Not PyPI, or no repository, or a path beyond /simple/.
    [InlineData("https://" + Host + "/npm/my-repo/")]
    [InlineData("https://" + Host + "/maven/my-repo/")]
    [InlineData("https://" + Host + "/PYPI/my-repo/simple/")]
    [InlineData("https://" + Host + "/pypi/")]
    [InlineData("https://" + Host + "/pypi")]
    [InlineData("https://" + Host + "/")]
    [InlineData("https://" + Host)]
    [InlineData("https://" + Host + "/pypi/my-repo/simple/requests/")]
    [InlineData("https://" + Host + "/pypi/my-repo/other/")]
    [InlineData("https://" + Host + "/pypi/my-repo/simple/requests/requests-2.0.tar.gz")]
    [InlineData("https://" + Host + "/x/pypi/my-repo/simple/")]
    // Other schemes, relative URLs, empty strings.
    [InlineData("ftp://" + Host + "/pypi/my-repo/simple/")]
    [InlineData("file://" + Host + "/pypi/my-repo/simple/")]
    [InlineData("file:///pypi/my-repo/simple/")]
    [InlineData("ssh://" + Host + "/pypi/my-repo/simple/")]
    [InlineData("//" + Host + "/pypi/my-repo/simple/")]
    [InlineData(Host + "/pypi/my-repo/simple/")]
    [InlineData("/pypi/my-repo/simple/")]
    [InlineData("pypi/my-repo/simple/")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void LookAlikes_DoNotParse(string? url)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);

        Assert.Null(address);
        Assert.False(string.IsNullOrWhiteSpace(reason), "a rejection must say why");
    }

    [Theory]
    [InlineData("https://" + Host + "/npm/my-repo/", "'npm'")]
    [InlineData("https://" + Host + "/pypi/", "/pypi/REPOSITORY/")]
    [InlineData("https://evil.com/pypi/my-repo/simple/", "evil.com")]
    [InlineData("ftp://" + Host + "/pypi/my-repo/", "http or https")]
    [InlineData("", "empty")]
    [InlineData("https://" + Host + "/pypi/my-repo/simple/x/", "beyond")]
    public void Rejections_ExplainTheReason(string url, string expectedInReason)
    {
        Assert.Null(CodeArtifactUrlParser.TryParse(url, out string reason));
        Assert.Contains(expectedInReason, reason);
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("ap-southeast-2")]
    [InlineData("eu-west-3")]
    [InlineData("us-gov-west-1")]
    [InlineData("il-central-1")]
    public void Region_IsTakenFromTheHost(string region)
    {
        CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(
            $"https://d1-111122223333.d.codeartifact.{region}.amazonaws.com/pypi/r1/simple/", out string reason);

        Assert.True(address != null, reason);
        Assert.Equal(region, address!.Region);
    }
}
