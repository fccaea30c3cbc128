using PoetryCaAuth.Platform;
using Xunit;

namespace PoetryCaAuth.Core.Tests;

/// <summary>What the Windows PowerShell 5.1 resolver may hand out when another module's load fails.</summary>
public sealed class DependencyResolutionPolicyTests
{
    [Theory]
    [InlineData("System.Memory", "4.0.1.1", "4.0.1.2", true)]
    [InlineData("System.Runtime.CompilerServices.Unsafe", "4.0.4.1", "6.0.0.0", true)]
    [InlineData("System.Text.Json", "8.0.0.0", "8.0.0.5", true)]
    [InlineData("System.Text.Json", "9.0.0.0", "8.0.0.5", false)]
    [InlineData("AWSSDK.Core", "4.0.0.0", "4.0.0.0", true)]
    [InlineData("AWSSDK.SSO", "4.0.0.0", "4.0.0.0", true)]
    [InlineData("AWSSDK.Core", "3.3.0.0", "4.0.0.0", false)]
    [InlineData("awssdk.securitytoken", "3.3.0.0", "4.0.0.0", false)]
    [InlineData("AWSSDK.Core", "5.0.0.0", "4.0.0.0", false)]
    [InlineData("Tomlyn", "2.0.0.0", "2.11.1.0", true)]
    public void ServesOnlyWhatABindingRedirectWould(string name, string requested, string shipped, bool expected) =>
        Assert.Equal(expected, DependencyResolutionPolicy.ShouldServe(name, new Version(requested), new Version(shipped)));

    [Fact]
    public void ARequestWithoutAVersionIsServed() =>
        Assert.True(DependencyResolutionPolicy.ShouldServe("AWSSDK.SSOOIDC", null, new Version(4, 0, 0, 0)));
}
