using PoetryCaAuth.Model;

namespace PoetryCaAuth.Core.Tests;

public class SecretTokenMaskTests
{
    private const string Token = "eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.QWxhZGRpbjpvcGVuIHNlc2FtZQ.c2VjcmV0LXRva2VuLXZhbHVl.YW5vdGhlci1zZWdtZW50LWhlcmU.ZmluYWwtdGFnLXNlZ21lbnQ";

    [Theory]
    [InlineData(0, 40)]   // a prefix
    [InlineData(60, 40)]  // a middle slice
    [InlineData(100, 30)] // a suffix part
    public void Mask_HidesLongFragmentsOfTheToken(int start, int length)
    {
        var token = new SecretToken(Token);
        string fragment = Token.Substring(start, Math.Min(length, Token.Length - start));

        string masked = token.Mask($"poetry said: bad value {fragment} for http-basic.x");

        Assert.DoesNotContain(fragment, masked);
        Assert.Contains("***", masked);
        Assert.StartsWith("poetry said: bad value", masked);
    }

    [Fact]
    public void Mask_LeavesUnrelatedTextAlone()
    {
        var token = new SecretToken(Token);
        const string text = "Configuration error for http-basic.my-private-repository-name exit code 3";

        Assert.Equal(text, token.Mask(text));
    }
}
