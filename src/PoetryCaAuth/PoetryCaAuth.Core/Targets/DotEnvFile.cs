using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Targets
{
    /// <summary>
    /// Reads and updates dotenv files. An update rewrites only the lines of the keys it sets (in place, the
    /// first occurrence; later duplicates of those keys are dropped so they cannot override it) and appends
    /// keys that were missing; every other byte, comments, blank lines, line endings and a BOM included, stays
    /// as it was. Files are replaced atomically and made owner-only: they now hold a secret.
    /// </summary>
    public static class DotEnvFile
    {
        private static readonly Regex Assignment = new Regex(@"^\s*(?<export>export\s+)?(?<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=(?<value>.*)$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private static readonly Regex Bare = new Regex(@"^[A-Za-z0-9_./:@%+=,~\-]*$", RegexOptions.CultureInvariant);

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        /// <summary>The values of a dotenv file (later assignments win, as in python-dotenv); empty when the file is missing.</summary>
        public static Dictionary<string, string> Read(string path)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!File.Exists(path)) return values;
            foreach (List<byte[]> entry in SplitEntries(File.ReadAllBytes(path)))
            {
                Match match = Assignment.Match(Decode(entry[0]).TrimEnd('\r', '\n'));
                if (!match.Success) continue;
                // A quoted value may go on over the following lines (python-dotenv reads them as one value).
                string value = match.Groups["value"].Value + string.Concat(entry.Skip(1).Select(l => "\n" + Decode(l).TrimEnd('\r', '\n')));
                values[match.Groups["key"].Value] = ParseValue(value);
            }

            return values;
        }

        /// <summary>Sets <paramref name="values"/> in the file at <paramref name="path"/>, creating it owner-only if needed.</summary>
        public static void Update(string path, IReadOnlyList<KeyValuePair<string, string>> values, bool export)
        {
            byte[]? existing = File.Exists(path) ? File.ReadAllBytes(path) : null;
            OwnerOnlyFile.WriteAllBytes(path, Apply(existing, values, export));
        }

        /// <summary>The new content: pure, for tests.</summary>
        public static byte[] Apply(byte[]? existing, IReadOnlyList<KeyValuePair<string, string>> values, bool export)
        {
            var pending = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> pair in values) pending[pair.Key] = pair.Value;
            var written = new HashSet<string>(StringComparer.Ordinal);
            var output = new MemoryStream();
            List<List<byte[]>> entries = existing == null ? new List<List<byte[]>>() : SplitEntries(existing);
            string newline = existing != null && Utf8.GetString(existing).Contains("\r\n") ? "\r\n" : "\n";

            for (int i = 0; i < entries.Count; i++)
            {
                List<byte[]> entry = entries[i];
                string text = Decode(entry[0]);
                bool bom = i == 0 && text.StartsWith("\uFEFF", StringComparison.Ordinal);
                string body = (bom ? text.Substring(1) : text).TrimEnd('\r', '\n');
                Match match = Assignment.Match(body);
                string key = match.Success ? match.Groups["key"].Value : string.Empty;
                if (!match.Success || !pending.ContainsKey(key))
                {
                    foreach (byte[] line in entry) output.Write(line, 0, line.Length);
                    continue;
                }

                if (written.Contains(key))
                {
                    continue; // a later duplicate would override the value just set
                }

                // The whole entry is replaced, continuation lines of a multi-line value included.
                string last = Decode(entry[entry.Count - 1]);
                string terminator = last.Substring(last.TrimEnd('\r', '\n').Length);
                string replaced = (bom ? "\uFEFF" : string.Empty) +
                                  Format(key, pending[key], export || match.Groups["export"].Success) + terminator;
                byte[] bytes = Utf8.GetBytes(replaced);
                output.Write(bytes, 0, bytes.Length);
                written.Add(key);
            }

            if (output.Length > 0)
            {
                // What was written last decides, not the last input line: a dropped duplicate may have been that line.
                byte lastWritten = output.GetBuffer()[output.Length - 1];
                if (lastWritten != (byte)'\n' && pending.Keys.Any(k => !written.Contains(k)))
                {
                    byte[] bytes = Utf8.GetBytes(newline);
                    output.Write(bytes, 0, bytes.Length);
                }
            }

            foreach (KeyValuePair<string, string> pair in values)
            {
                if (written.Contains(pair.Key)) continue;
                byte[] bytes = Utf8.GetBytes(Format(pair.Key, pending[pair.Key], export) + newline);
                output.Write(bytes, 0, bytes.Length);
                written.Add(pair.Key);
            }

            return output.ToArray();
        }

        /// <summary>KEY=value, quoted only when needed: single quotes are literal for POSIX shells and python-dotenv alike.</summary>
        public static string Format(string key, string value, bool export)
        {
            string quoted = Bare.IsMatch(value) ? value
                : value.IndexOf('\'') < 0 && value.IndexOf('\n') < 0 ? "'" + value + "'"
                : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("$", "\\$") + "\"";
            return (export ? "export " : string.Empty) + key + "=" + quoted;
        }

        private static string ParseValue(string raw)
        {
            string value = raw.Trim();
            if (value.Length >= 2 && value[0] == '\'' )
            {
                int end = value.IndexOf('\'', 1);
                return end > 0 ? value.Substring(1, end - 1) : value.Substring(1);
            }

            if (value.Length >= 1 && value[0] == '"')
            {
                var text = new StringBuilder();
                for (int i = 1; i < value.Length; i++)
                {
                    char c = value[i];
                    if (c == '"') break;
                    if (c == '\\' && i + 1 < value.Length)
                    {
                        char next = value[++i];
                        text.Append(next == 'n' ? '\n' : next);
                        continue;
                    }

                    text.Append(c);
                }

                return text.ToString();
            }

            int comment = value.IndexOf(" #", StringComparison.Ordinal);
            return (comment >= 0 ? value.Substring(0, comment) : value).Trim();
        }

        private static string Decode(byte[] line) => Utf8.GetString(line);

        /// <summary>
        /// Lines grouped into entries: an assignment whose quoted value is not closed on its own line takes the
        /// following lines up to the closing quote, as python-dotenv and shells read them. Every other line is an
        /// entry of its own. Joining all lines gives back the exact bytes.
        /// </summary>
        private static List<List<byte[]>> SplitEntries(byte[] bytes)
        {
            var entries = new List<List<byte[]>>();
            char openQuote = '\0';
            foreach (byte[] line in SplitLines(bytes))
            {
                string text = Decode(line).TrimEnd('\r', '\n');
                if (openQuote != '\0')
                {
                    entries[entries.Count - 1].Add(line);
                    if (ClosingQuoteIndex(text, 0, openQuote) >= 0) openQuote = '\0';
                    continue;
                }

                entries.Add(new List<byte[]> { line });
                Match match = Assignment.Match(text.TrimStart('\uFEFF'));
                if (!match.Success) continue;
                string value = match.Groups["value"].Value.TrimStart();
                if (value.Length > 0 && (value[0] == '"' || value[0] == '\'') && ClosingQuoteIndex(value, 1, value[0]) < 0)
                {
                    openQuote = value[0];
                }
            }

            return entries;
        }

        // Where the quote closes in text (from start), or -1: a backslash escapes the next character inside "...".
        private static int ClosingQuoteIndex(string text, int start, char quote)
        {
            for (int i = start; i < text.Length; i++)
            {
                if (quote == '"' && text[i] == '\\') { i++; continue; }
                if (text[i] == quote) return i;
            }

            return -1;
        }

        /// <summary>Lines with their terminators, so that joining them gives back the exact bytes.</summary>
        private static IEnumerable<byte[]> SplitLines(byte[] bytes)
        {
            int start = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != (byte)'\n') continue;
                yield return Slice(bytes, start, i + 1);
                start = i + 1;
            }

            if (start < bytes.Length) yield return Slice(bytes, start, bytes.Length);
        }

        private static byte[] Slice(byte[] bytes, int start, int end)
        {
            var slice = new byte[end - start];
            Buffer.BlockCopy(bytes, start, slice, 0, slice.Length);
            return slice;
        }
    }
}
