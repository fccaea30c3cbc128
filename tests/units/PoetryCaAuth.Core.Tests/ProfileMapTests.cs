using System.Collections;
using System.Collections.Generic;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Model;
using Xunit;

namespace PoetryCaAuth.Core.Tests.Auth
{
    public class ProfileMapTests
    {
        private static CodeArtifactRepository Repo(string name, string domain = "my-domain", string owner = "111122223333") =>
            new CodeArtifactRepository { Name = name, Domain = domain, DomainOwner = owner, Region = "us-west-2" };

        private static ProfileMap Map(params (string Key, string Profile)[] entries)
        {
            var pairs = new List<KeyValuePair<string, string?>>();
            foreach (var (key, profile) in entries) pairs.Add(new KeyValuePair<string, string?>(key, profile));
            return ProfileMap.Create(pairs);
        }

        [Theory]
        [InlineData("team-main", "exact", ProfileMatchKind.SourceName)]
        [InlineData("team-other", "long-pattern", ProfileMatchKind.SourcePattern)]
        [InlineData("tools", "short-pattern", ProfileMatchKind.SourcePattern)]
        [InlineData("docs", "host", ProfileMatchKind.DomainAndOwner)]
        public void MostSpecificKeyWins(string source, string expected, ProfileMatchKind kind)
        {
            ProfileMap map = Map(("*", "fallback"), ("111122223333", "account"), ("my-domain", "domain"),
                ("my-domain-111122223333", "host"), ("t*", "short-pattern"), ("team-*", "long-pattern"), ("team-main", "exact"));

            ProfileMatch? match = map.Match(Repo(source));

            Assert.NotNull(match);
            Assert.Equal(expected, match!.ProfileName);
            Assert.Equal(kind, match.Kind);
        }

        [Fact]
        public void DomainBeatsAccountAndAccountBeatsFallback()
        {
            ProfileMap map = Map(("*", "fallback"), ("444455556666", "account"), ("other-domain", "domain"));

            Assert.Equal("domain", map.Match(Repo("x", "other-domain", "444455556666"))!.ProfileName);
            Assert.Equal("account", map.Match(Repo("x", "third-domain", "444455556666"))!.ProfileName);
            Assert.Equal("fallback", map.Match(Repo("x", "my-domain", "111122223333"))!.ProfileName);
        }

        [Fact]
        public void NoMatchingKeyLeavesTheChoiceToTheUsualOrder()
        {
            Assert.Null(Map(("444455556666", "prod")).Match(Repo("one")));
        }

        [Fact]
        public void NamesAndDomainsCompareWithoutRegardToCase()
        {
            Assert.Equal("dev", Map(("Team-*", "dev")).Match(Repo("team-a"))!.ProfileName);
            Assert.Equal("dom", Map(("MY-DOMAIN", "dom")).Match(Repo("x"))!.ProfileName);
        }

        [Fact]
        public void AmongPatternsTheOneWithMoreLiteralCharactersWins()
        {
            ProfileMap map = Map(("*-prod", "short"), ("team-*-prod", "long"));
            ProfileMatch match = map.Match(Repo("team-a-prod"))!;
            Assert.Equal("long", match.ProfileName);
            Assert.Equal("-ProfileName table, source name pattern key 'team-*-prod'", match.Reason);
        }

        [Theory]
        [InlineData("team-[ab]", "team-a", true)]
        [InlineData("team-[ab]", "team-c", false)]
        [InlineData("team-?", "team-x", true)]
        [InlineData("team-?", "team-xy", false)]
        [InlineData("a.b*", "aXb", false)]
        public void WildcardsFollowPowerShell(string pattern, string name, bool matches)
        {
            Assert.Equal(matches, ProfileMap.WildcardToRegex(pattern).IsMatch(name));
        }

        [Theory]
        [InlineData("", "dev")]
        [InlineData("one", "")]
        [InlineData("one", null)]
        public void RefusesEmptyKeysAndProfiles(string key, string? profile)
        {
            var e = Assert.Throws<PoetryCaAuthException>(() => ProfileMap.Create(new[] { new KeyValuePair<string, string?>(key, profile) }));
            Assert.Equal("ProfileNameInvalid", e.ErrorId);
            Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        }

        [Fact]
        public void RefusesAKeyGivenTwiceInAnotherCase()
        {
            var e = Assert.Throws<PoetryCaAuthException>(() => Map(("one", "a"), ("ONE", "b")));
            Assert.Equal("ProfileNameInvalid", e.ErrorId);
        }

        [Fact]
        public void SettingTakesAStringOrAHashtableAndNothingElse()
        {
            Assert.Null(ProfileSetting.FromValue(null));
            // An empty name is a mistake (an unset variable), not a request for the default chain.
            Assert.Equal("ProfileNameInvalid", Assert.Throws<PoetryCaAuthException>(() => ProfileSetting.FromValue("  ")).ErrorId);
            Assert.Equal("ProfileNameInvalid",
                Assert.Throws<PoetryCaAuthException>(() => ProfileSetting.FromValue(new Hashtable { ["*"] = new[] { "a", "b" } })).ErrorId);
            Assert.Equal("dev", ProfileSetting.FromValue(" dev ")!.Single);
            Assert.Equal(2, ProfileSetting.FromValue(new Hashtable { ["one"] = "a", ["444455556666"] = "b" })!.Map!.Count);
            Assert.Equal("ProfileNameInvalid", Assert.Throws<PoetryCaAuthException>(() => ProfileSetting.FromValue(new[] { "a", "b" })).ErrorId);
        }

        [Fact]
        public void TheSourcesOwnProfileBeatsTheSettingWhichBeatsNothing()
        {
            ProfileSetting table = ProfileSetting.FromValue(new Hashtable { ["*"] = "table" })!;
            ProfileSetting single = ProfileSetting.FromValue("single")!;

            Assert.Equal(("own", "the source's ProfileName"), ProfileSetting.Choose(table, Repo("x"), "own"));
            Assert.Equal(("single", "-ProfileName"), ProfileSetting.Choose(single, Repo("x"), " "));
            Assert.Equal(("table", "-ProfileName table, fallback key '*'"), ProfileSetting.Choose(table, Repo("x"), null));
            Assert.Equal(((string?)null, (string?)null), ProfileSetting.Choose(null, Repo("x"), null));
        }
    }
}
