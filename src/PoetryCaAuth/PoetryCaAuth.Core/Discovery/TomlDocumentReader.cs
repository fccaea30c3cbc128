using System;
using System.IO;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;

namespace PoetryCaAuth.Discovery
{
    /// <summary>Reads a TOML file into Tomlyn's untyped model, turning parse failures into errors that name the file and line.</summary>
    internal static class TomlDocumentReader
    {
        public static TomlTable Read(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidData, "TomlFileUnreadable",
                    $"Cannot read '{path}': {e.Message}", path,
                    "Check that the file exists and that you may read it.", e);
            }

            try
            {
                // The model reader keeps the last of two definitions of a key; TOML forbids them, and Poetry
                // (tomlkit) refuses such a file. The validating syntax parser reports them with their line.
                SyntaxParser.ParseStrict(text, null, true);
                return TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable();
            }
            catch (TomlException e)
            {
                string where = e.Line > 0 ? $" at line {e.Line}, column {e.Column}" : string.Empty;
                throw new PoetryCaAuthException(ErrorKind.InvalidData, "TomlFileInvalid",
                    $"'{path}' is not valid TOML{where}: {FirstLine(e.Message)}", path,
                    $"Fix the TOML syntax in '{path}'{where}.", e);
            }
        }

        public static TomlTable? GetTable(TomlTable table, params string[] keys)
        {
            TomlTable current = table;
            foreach (string key in keys)
            {
                if (!current.TryGetValue(key, out object? value) || !(value is TomlTable next))
                {
                    return null;
                }

                current = next;
            }

            return current;
        }

        public static string? GetString(TomlTable table, string key) =>
            table.TryGetValue(key, out object? value) && value is string s ? s : null;

        private static readonly System.Text.RegularExpressions.Regex PositionPrefix =
            new System.Text.RegularExpressions.Regex(@"^\s*\(\d+,\d+\)\s*:\s*error\s*:\s*");

        /// <summary>Tomlyn's first diagnostic without its "(line,column) : error :" prefix, which the message already gives.</summary>
        private static string FirstLine(string message)
        {
            int newline = message.IndexOf('\n');
            string first = (newline >= 0 ? message.Substring(0, newline) : message).Trim();
            return PositionPrefix.Replace(first, string.Empty);
        }
    }
}
