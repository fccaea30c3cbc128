using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Lifecycle
{
    /// <summary>What we remember about one stored credential: when it expires, and a fingerprint, never the token.</summary>
    public sealed class TokenStateEntry
    {
        public TokenStateEntry(string source, string target, DateTimeOffset expires, string fingerprint, DateTimeOffset recorded)
        {
            Source = source;
            Target = target;
            Expires = expires;
            Fingerprint = fingerprint;
            Recorded = recorded;
        }

        public string Source { get; }
        public string Target { get; }
        public DateTimeOffset Expires { get; }

        /// <summary>The first 128 bits of the token's SHA-256, hex: enough to recognise the token, useless to recover it.</summary>
        public string Fingerprint { get; }

        public DateTimeOffset Recorded { get; }
    }

    /// <summary>The state file as read: its entries, and why it was ignored if it was.</summary>
    public sealed class TokenStateSnapshot
    {
        public TokenStateSnapshot(Dictionary<string, TokenStateEntry> entries, string? problem)
        {
            Entries = entries;
            Problem = problem;
        }

        public IReadOnlyDictionary<string, TokenStateEntry> Entries { get; }

        /// <summary>Null when the file was read; otherwise why it was treated as empty (missing, unreadable, another version...).</summary>
        public string? Problem { get; }

        public TokenStateEntry? Get(string key) => Entries.TryGetValue(key, out TokenStateEntry? entry) ? entry : null;
    }

    /// <summary>
    /// The small JSON file that lets a refresh skip tokens that are still valid. It is only ever a hint: a
    /// missing, unreadable, corrupt or foreign file reads as empty (everything is refreshed) and is rewritten
    /// on the next successful store. Writes replace the file atomically, owner-only; callers hold the store
    /// lock around read-modify-write so that concurrent runs do not lose each other's entries.
    /// </summary>
    public sealed class TokenStateStore
    {
        public const int FormatVersion = 1;
        private const string FormatName = "PoetryCaAuth.TokenState";

        /// <summary>Entries that expired this long ago are dropped on the next write.</summary>
        private static readonly TimeSpan PruneAfter = TimeSpan.FromDays(1);

        public TokenStateStore(string directory)
        {
            Directory = directory;
        }

        public string Directory { get; }

        public string FilePath => Path.Combine(Directory, TokenStatePaths.StateFileName);

        public string LockPath => Path.Combine(Directory, TokenStatePaths.LockFileName);

        public static string Fingerprint(string token)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(token));
            var text = new StringBuilder(32);
            for (int i = 0; i < 16; i++) text.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }

        /// <summary>Reads the file; never throws.</summary>
        public TokenStateSnapshot Load()
        {
            byte[] bytes;
            try
            {
                if (!File.Exists(FilePath))
                {
                    return new TokenStateSnapshot(new Dictionary<string, TokenStateEntry>(StringComparer.Ordinal),
                        $"there is no state file at '{FilePath}' yet");
                }

                bytes = File.ReadAllBytes(FilePath);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException)
            {
                return Empty($"the state file '{FilePath}' could not be read ({e.Message})");
            }

            return Parse(bytes, FilePath);
        }

        /// <summary>Adds or replaces one entry and drops long-expired ones. Throws IOException/UnauthorizedAccessException on write failure.</summary>
        public void Record(string key, TokenStateEntry entry, DateTimeOffset now)
        {
            TokenStateSnapshot current = Load();
            var entries = new Dictionary<string, TokenStateEntry>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, TokenStateEntry> pair in current.Entries)
            {
                if (pair.Value.Expires > now - PruneAfter) entries[pair.Key] = pair.Value;
            }

            entries[key] = entry;
            OwnerOnlyFile.CreateDirectory(Directory);
            OwnerOnlyFile.WriteAllBytes(FilePath, Serialize(entries));
        }

        internal static TokenStateSnapshot Parse(byte[] bytes, string path)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(bytes);
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object ||
                    !root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String ||
                    format.GetString() != FormatName)
                {
                    return Empty($"'{path}' is not a PoetryCaAuth state file");
                }

                if (!root.TryGetProperty("version", out JsonElement version) || version.ValueKind != JsonValueKind.Number ||
                    !version.TryGetInt32(out int number) || number != FormatVersion)
                {
                    return Empty($"'{path}' was written by another version of PoetryCaAuth");
                }

                var entries = new Dictionary<string, TokenStateEntry>(StringComparer.Ordinal);
                if (root.TryGetProperty("entries", out JsonElement list) && list.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty property in list.EnumerateObject())
                    {
                        TokenStateEntry? entry = ReadEntry(property.Value);
                        if (entry != null) entries[property.Name] = entry;
                    }
                }

                return new TokenStateSnapshot(entries, null);
            }
            catch (JsonException e)
            {
                return Empty($"'{path}' is not valid JSON ({e.Message})");
            }
        }

        private static TokenStateEntry? ReadEntry(JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Object) return null;
            string? source = GetString(element, "source");
            string? target = GetString(element, "target");
            string? fingerprint = GetString(element, "fingerprint");
            DateTimeOffset? expires = GetTime(element, "expires");
            DateTimeOffset? recorded = GetTime(element, "recorded");
            if (source == null || target == null || fingerprint == null || expires == null) return null;
            return new TokenStateEntry(source, target, expires.Value, fingerprint, recorded ?? DateTimeOffset.MinValue);
        }

        private static string? GetString(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static DateTimeOffset? GetTime(JsonElement element, string name)
        {
            string? text = GetString(element, name);
            return text != null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
                ? value
                : (DateTimeOffset?)null;
        }

        internal static byte[] Serialize(IReadOnlyDictionary<string, TokenStateEntry> entries)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteString("format", FormatName);
                writer.WriteNumber("version", FormatVersion);
                writer.WriteString("note", "Expiry times of CodeArtifact tokens PoetryCaAuth stored; no tokens. Safe to delete.");
                writer.WriteStartObject("entries");
                foreach (KeyValuePair<string, TokenStateEntry> pair in entries)
                {
                    writer.WriteStartObject(pair.Key);
                    writer.WriteString("source", pair.Value.Source);
                    writer.WriteString("target", pair.Value.Target);
                    writer.WriteString("expires", Iso(pair.Value.Expires));
                    writer.WriteString("fingerprint", pair.Value.Fingerprint);
                    writer.WriteString("recorded", Iso(pair.Value.Recorded));
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            return stream.ToArray();
        }

        private static string Iso(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture);

        private static TokenStateSnapshot Empty(string problem) =>
            new TokenStateSnapshot(new Dictionary<string, TokenStateEntry>(StringComparer.Ordinal), problem);
    }
}
