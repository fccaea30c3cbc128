using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Credentials
{
    /// <summary>What kind of key chose a profile, most specific first.</summary>
    public enum ProfileMatchKind
    {
        /// <summary>The key is the source's name.</summary>
        SourceName,
        /// <summary>The key is a wildcard pattern that matches the source's name.</summary>
        SourcePattern,
        /// <summary>The key is DOMAIN-ACCOUNT, as in the repository host name.</summary>
        DomainAndOwner,
        /// <summary>The key is the CodeArtifact domain.</summary>
        Domain,
        /// <summary>The key is the 12-digit account that owns the domain.</summary>
        Account,
        /// <summary>The key is '*': every source no other key matched.</summary>
        Fallback,
    }

    /// <summary>The profile a map chose for one source, and the key that chose it.</summary>
    public sealed class ProfileMatch
    {
        public ProfileMatch(string profileName, string key, ProfileMatchKind kind)
        {
            ProfileName = profileName;
            Key = key;
            Kind = kind;
        }

        public string ProfileName { get; }
        public string Key { get; }
        public ProfileMatchKind Kind { get; }

        /// <summary>Shown verbosely: which key of the -ProfileName table chose the profile.</summary>
        public string Reason
        {
            get
            {
                string what = Kind switch
                {
                    ProfileMatchKind.SourceName => "source name",
                    ProfileMatchKind.SourcePattern => "source name pattern",
                    ProfileMatchKind.DomainAndOwner => "domain and account",
                    ProfileMatchKind.Domain => "domain",
                    ProfileMatchKind.Account => "account",
                    _ => "fallback",
                };
                return $"-ProfileName table, {what} key '{Key}'";
            }
        }
    }

    /// <summary>
    /// A table from sources to AWS profiles, so one setting (for example in $PSDefaultParameterValues) can
    /// serve a project whose sources live in different accounts. Keys are source names (wildcards allowed),
    /// DOMAIN-ACCOUNT, domains or 12-digit accounts; '*' catches the rest. The most specific key wins:
    /// exact source name, then the pattern with the most literal characters, then DOMAIN-ACCOUNT, domain,
    /// account and '*'. Names and domains compare case-insensitively, as PowerShell's hashtables do.
    /// </summary>
    public sealed class ProfileMap
    {
        private static readonly Regex AccountKey = new Regex("^[0-9]{12}$", RegexOptions.CultureInvariant);
        private readonly List<Entry> _entries;

        private ProfileMap(List<Entry> entries)
        {
            _entries = entries;
        }

        public int Count => _entries.Count;

        /// <summary>Builds a map from key/profile pairs; empty keys or profile names are refused.</summary>
        public static ProfileMap Create(IEnumerable<KeyValuePair<string, string?>> pairs)
        {
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in pairs)
            {
                string key = (pair.Key ?? string.Empty).Trim();
                string profile = (pair.Value ?? string.Empty).Trim();
                if (key.Length == 0 || profile.Length == 0)
                {
                    throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "ProfileNameInvalid",
                        $"The -ProfileName table has an entry with an empty {(key.Length == 0 ? "key" : "profile name")} ('{key}').",
                        key, "Give each key (source name, pattern, domain or 12-digit account) a profile name, e.g. @{ 'team-*' = 'dev' }.");
                }

                if (!seen.Add(key))
                {
                    throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "ProfileNameInvalid",
                        $"The -ProfileName table names the key '{key}' twice (keys compare without regard to case).", key,
                        "Keep one entry per key.");
                }

                entries.Add(new Entry(key, profile));
            }

            return new ProfileMap(entries);
        }

        /// <summary>The profile for <paramref name="repository"/>, or null when no key matches it.</summary>
        public ProfileMatch? Match(CodeArtifactRepository repository)
        {
            Entry? exact = _entries.FirstOrDefault(e => !e.IsPattern && Same(e.Key, repository.Name));
            if (exact != null) return new ProfileMatch(exact.Profile, exact.Key, ProfileMatchKind.SourceName);

            Entry? pattern = _entries
                .Where(e => e.IsPattern && e.Key != "*" && e.Pattern!.IsMatch(repository.Name))
                .OrderByDescending(e => e.LiteralLength)
                .ThenBy(e => e.Key, StringComparer.Ordinal)
                .FirstOrDefault();
            if (pattern != null) return new ProfileMatch(pattern.Profile, pattern.Key, ProfileMatchKind.SourcePattern);

            string hostKey = repository.Domain + "-" + repository.DomainOwner;
            Entry? domainAndOwner = _entries.FirstOrDefault(e => !e.IsPattern && Same(e.Key, hostKey));
            if (domainAndOwner != null) return new ProfileMatch(domainAndOwner.Profile, domainAndOwner.Key, ProfileMatchKind.DomainAndOwner);

            Entry? domain = _entries.FirstOrDefault(e => !e.IsPattern && Same(e.Key, repository.Domain));
            if (domain != null) return new ProfileMatch(domain.Profile, domain.Key, ProfileMatchKind.Domain);

            Entry? account = _entries.FirstOrDefault(e => AccountKey.IsMatch(e.Key) && e.Key == repository.DomainOwner);
            if (account != null) return new ProfileMatch(account.Profile, account.Key, ProfileMatchKind.Account);

            Entry? fallback = _entries.FirstOrDefault(e => e.Key == "*");
            return fallback == null ? null : new ProfileMatch(fallback.Profile, fallback.Key, ProfileMatchKind.Fallback);
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        /// <summary>PowerShell-style wildcards (*, ?, [set]) as a case-insensitive, anchored regex.</summary>
        internal static Regex WildcardToRegex(string pattern)
        {
            var builder = new StringBuilder("^");
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                switch (c)
                {
                    case '*': builder.Append(".*"); break;
                    case '?': builder.Append('.'); break;
                    case '[':
                        int close = pattern.IndexOf(']', i + 1);
                        if (close > i + 1)
                        {
                            string set = pattern.Substring(i + 1, close - i - 1).Replace("\\", "\\\\").Replace("^", "\\^");
                            builder.Append('[').Append(set).Append(']');
                            i = close;
                        }
                        else
                        {
                            builder.Append("\\[");
                        }

                        break;
                    case '`' when i + 1 < pattern.Length:
                        builder.Append(Regex.Escape(pattern[++i].ToString()));
                        break;
                    default:
                        builder.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }

            return new Regex(builder.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        private sealed class Entry
        {
            public Entry(string key, string profile)
            {
                Key = key;
                Profile = profile;
                IsPattern = key.IndexOfAny(new[] { '*', '?', '[' }) >= 0;
                if (IsPattern)
                {
                    Pattern = WildcardToRegex(key);
                    LiteralLength = key.Count(ch => ch != '*' && ch != '?');
                }
            }

            public string Key { get; }
            public string Profile { get; }
            public bool IsPattern { get; }
            public Regex? Pattern { get; }
            public int LiteralLength { get; }
        }
    }

    /// <summary>
    /// The -ProfileName setting of a call: one profile name for every source, or a <see cref="ProfileMap"/>.
    /// A profile a source object carries itself (its ProfileName property) is more specific than either.
    /// </summary>
    public sealed class ProfileSetting
    {
        private ProfileSetting(string? single, ProfileMap? map)
        {
            Single = single;
            Map = map;
        }

        public string? Single { get; }
        public ProfileMap? Map { get; }

        /// <summary>
        /// Converts what was bound to -ProfileName: null or empty (no setting), a string, or a dictionary
        /// (a PowerShell hashtable). Anything else is an InvalidArgument error.
        /// </summary>
        public static ProfileSetting? FromValue(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "ProfileNameInvalid",
                            "-ProfileName is empty.", value, "Give a profile name, or leave -ProfileName out to use the usual order.");
                    }

                    return new ProfileSetting(text.Trim(), null);
                case IDictionary dictionary:
                    var pairs = new List<KeyValuePair<string, string?>>();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        // One name per key: a list (an array) would be ambiguous; other values are taken as their text.
                        if (entry.Value is IEnumerable && !(entry.Value is string))
                        {
                            throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "ProfileNameInvalid",
                                $"-ProfileName maps '{entry.Key}' to a {entry.Value.GetType().Name}; each value must be one profile name.",
                                value, "Write the table as @{ 'team-*' = 'dev'; '444455556666' = 'prod' }.");
                        }

                        pairs.Add(new KeyValuePair<string, string?>(entry.Key?.ToString() ?? string.Empty, entry.Value?.ToString()));
                    }

                    return new ProfileSetting(null, ProfileMap.Create(pairs));
                default:
                    throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "ProfileNameInvalid",
                        $"-ProfileName takes a profile name or a hashtable of source names, domains or accounts to profile names, not a {value.GetType().Name}.",
                        value, "Pass -ProfileName dev, or -ProfileName @{ 'team-*' = 'dev'; '444455556666' = 'prod' }.");
            }
        }

        /// <summary>
        /// The profile for one source and why: the source's own ProfileName first, then the single name or the
        /// map's match. Null name: no choice made here, so the usual order (environment settings, AWS_PROFILE...) applies.
        /// </summary>
        public static (string? ProfileName, string? Reason) Choose(ProfileSetting? setting, CodeArtifactRepository repository,
            string? ownProfileName)
        {
            if (!string.IsNullOrWhiteSpace(ownProfileName))
            {
                return (ownProfileName!.Trim(), "the source's ProfileName");
            }

            if (setting?.Single != null)
            {
                return (setting.Single, "-ProfileName");
            }

            ProfileMatch? match = setting?.Map?.Match(repository);
            return match == null ? (null, null) : (match.ProfileName, match.Reason);
        }
    }
}
