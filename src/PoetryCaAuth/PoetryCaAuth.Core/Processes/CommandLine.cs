using System;
using System.Collections.Generic;
using System.Text;

namespace PoetryCaAuth.Processes
{
    /// <summary>
    /// Builds command-line strings. netstandard2.0 has no ProcessStartInfo.ArgumentList, and .NET splits
    /// the Arguments string with the Windows C runtime's rules on every OS, so one quoting routine serves all.
    /// </summary>
    public static class CommandLine
    {
        public static string Join(IEnumerable<string> arguments)
        {
            var builder = new StringBuilder();
            foreach (string argument in arguments)
            {
                if (builder.Length > 0) builder.Append(' ');
                AppendQuoted(builder, argument);
            }

            return builder.ToString();
        }

        /// <summary>Quotes one argument so CommandLineToArgvW (and .NET on Unix) reads it back unchanged.</summary>
        public static void AppendQuoted(StringBuilder builder, string argument) => AppendQuoted(builder, argument, false);

        private static void AppendQuoted(StringBuilder builder, string argument, bool always)
        {
            if (!always && argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
            {
                builder.Append(argument);
                return;
            }

            builder.Append('"');
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                if (c == '"')
                {
                    // Backslashes before a quote are doubled, and the quote itself is escaped.
                    builder.Append('\\', backslashes * 2 + 1);
                }
                else
                {
                    builder.Append('\\', backslashes);
                }

                backslashes = 0;
                builder.Append(c);
            }

            // Backslashes before the closing quote are doubled so they do not escape it.
            builder.Append('\\', backslashes * 2);
            builder.Append('"');
        }

        /// <summary>
        /// A batch-file shim (poetry.cmd / poetry.bat) runs under cmd.exe, which expands % and ! and treats a
        /// quote as a toggle whatever the C runtime rules say. Arguments carrying those characters cannot be
        /// passed safely, so they are refused rather than risk running something else.
        /// </summary>
        public static string JoinForCmd(string batchFile, IEnumerable<string> arguments)
        {
            if (batchFile.IndexOfAny(new[] { '"', '%', '!', '\r', '\n', '\0' }) >= 0)
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "PoetryArgumentUnsafe",
                    $"The path '{batchFile}' contains a character (\" % ! or a line break) that cmd.exe would reinterpret.",
                    batchFile, "Move Poetry to a folder whose path has none of these characters, or point -PoetryPath at poetry.exe.");
            }

            var parts = new List<string> { batchFile };
            foreach (string argument in arguments)
            {
                if (argument.IndexOfAny(new[] { '"', '%', '!', '\r', '\n', '\0' }) >= 0)
                {
                    throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "PoetryArgumentUnsafe",
                        $"An argument for '{batchFile}' contains a character (\" % ! or a line break) that cmd.exe would reinterpret.",
                        batchFile, "Rename the source so its name has only letters, digits, '-', '_' and '.', or point -PoetryPath at poetry.exe.");
                }

                parts.Add(argument);
            }

            // /d: no AutoRun commands; /s with the outer quotes: cmd keeps the inner command line as is.
            // Every part is quoted, so & | < > ^ ( ) in a name or path stay literal instead of being run by cmd.
            var builder = new StringBuilder("/d /s /c \"");
            for (int i = 0; i < parts.Count; i++)
            {
                if (i > 0) builder.Append(' ');
                AppendQuoted(builder, parts[i], true);
            }

            return builder.Append('"').ToString();
        }
    }
}
