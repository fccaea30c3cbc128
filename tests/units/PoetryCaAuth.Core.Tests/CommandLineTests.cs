using System.Text;
using PoetryCaAuth.Processes;

namespace PoetryCaAuth.Core.Tests;

public sealed class CommandLineTests
{
    /// <summary>
    /// Arguments split the way the Microsoft C runtime and CommandLineToArgvW document it (for the arguments after
    /// the program name): space and tab separate arguments outside quotes; 2n backslashes before a quote give n
    /// backslashes and the quote toggles quoting; 2n+1 backslashes before a quote give n backslashes and a literal
    /// quote; other backslashes are literal; inside quotes, "" is a literal quote.
    /// </summary>
    internal static List<string> ParseWindowsArguments(string commandLine)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false;
        bool inArgument = false;
        int i = 0;
        while (i < commandLine.Length)
        {
            char c = commandLine[i];
            if (!inQuotes && (c == ' ' || c == '\t'))
            {
                if (inArgument)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }

                i++;
                continue;
            }

            inArgument = true;
            if (c == '\\')
            {
                int n = 0;
                while (i < commandLine.Length && commandLine[i] == '\\')
                {
                    n++;
                    i++;
                }

                if (i < commandLine.Length && commandLine[i] == '"')
                {
                    current.Append('\\', n / 2);
                    if (n % 2 == 1)
                    {
                        current.Append('"');
                        i++;
                    }
                }
                else
                {
                    current.Append('\\', n);
                }

                continue;
            }

            if (c == '"')
            {
                if (inQuotes && i + 1 < commandLine.Length && commandLine[i + 1] == '"')
                {
                    current.Append('"');
                    i += 2;
                    continue;
                }

                inQuotes = !inQuotes;
                i++;
                continue;
            }

            current.Append(c);
            i++;
        }

        if (inArgument) result.Add(current.ToString());
        return result;
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "\"\"")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("tab\there", "\"tab\there\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\path\\", "C:\\path\\")]                        // no quoting needed: backslashes stay literal
    [InlineData("C:\\my path\\", "\"C:\\my path\\\\\"")]            // trailing backslash doubled before the closing quote
    [InlineData("a\\\"b", "\"a\\\\\\\"b\"")]                        // backslash before a quote: doubled, plus the escape
    [InlineData("http-basic.my-repo", "http-basic.my-repo")]
    public void AppendQuoted_ProducesTheExpectedText(string argument, string expected)
    {
        var builder = new StringBuilder();
        CommandLine.AppendQuoted(builder, argument);

        Assert.Equal(expected, builder.ToString());
    }

    internal static readonly string[][] TrickyLists =
    {
        new[] { "config", "http-basic.my-repo", "aws", "eyJ.abc-def_ghi" },
        new[] { "" },
        new[] { "", "", "" },
        new[] { "a b", "c\td", " leading", "trailing ", "  " },
        new[] { "\"", "\"\"", "a\"b", "\"quoted\"", "x\"\"y" },
        new[] { "\\", "\\\\", "trail\\", "trail\\\\", "with space\\", "with space\\\\" },
        new[] { "\\\"", "\\\\\"", "a\\\"b", "a\\\\\"b", "a\\\\\\\"b c" },
        new[] { "\\server\\share\\", "C:\\Program Files\\poetry\\", "C:\\x\\\"y\\\"\\" },
        new[] { "line\nbreak", "vertical\vtab", "unicode é 漢字 🙂" },
        new[] { "%PATH%", "!x!", "a&b", "a|b", "<in>", "^caret", "(paren)" },
    };

    public static TheoryData<string[]> TrickyArgumentLists()
    {
        var data = new TheoryData<string[]>();
        foreach (string[] list in TrickyLists) data.Add(list);
        return data;
    }

    [Theory]
    [MemberData(nameof(TrickyArgumentLists))]
    public void Join_RoundTripsThroughTheDocumentedWindowsRules(string[] arguments)
    {
        string line = CommandLine.Join(arguments);

        Assert.Equal(arguments, ParseWindowsArguments(line));
    }

    [Fact]
    public void Join_RoundTripsRandomArguments()
    {
        // Seeded, so a failure is reproducible; the alphabet is weighted towards the characters that matter.
        const string alphabet = "ab \t\\\\\\\"\"'x\n%é";
        var random = new Random(20260101);
        for (int run = 0; run < 5000; run++)
        {
            var arguments = new string[random.Next(1, 5)];
            for (int a = 0; a < arguments.Length; a++)
            {
                var chars = new char[random.Next(0, 9)];
                for (int c = 0; c < chars.Length; c++) chars[c] = alphabet[random.Next(alphabet.Length)];
                arguments[a] = new string(chars);
            }

            string line = CommandLine.Join(arguments);
            List<string> parsed = ParseWindowsArguments(line);
            Assert.True(arguments.SequenceEqual(parsed),
                $"run {run}: [{string.Join(", ", arguments.Select(Show))}] -> {Show(line)} -> [{string.Join(", ", parsed.Select(Show))}]");
        }
    }

    private static string Show(string s) => "«" + s.Replace("\t", "\\t").Replace("\n", "\\n") + "»";

    [Fact]
    public void ReferenceParser_FollowsTheDocumentedExamples()
    {
        // The table in Microsoft's "Parsing C++ command-line arguments", so the reference itself is checked.
        Assert.Equal(new[] { "abc", "d", "e" }, ParseWindowsArguments("\"abc\" d e"));
        Assert.Equal(new[] { "a\\\\\\b", "de fg", "h" }, ParseWindowsArguments("a\\\\\\b d\"e f\"g h"));
        Assert.Equal(new[] { "a\\\"b", "c", "d" }, ParseWindowsArguments("a\\\\\\\"b c d"));
        Assert.Equal(new[] { "a\\\\b c", "d", "e" }, ParseWindowsArguments("a\\\\\\\\\"b c\" d e"));
        Assert.Equal(new[] { "ab\" c d" }, ParseWindowsArguments("a\"b\"\" c d"));
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("%USERPROFILE%")]
    [InlineData("bang!")]
    [InlineData("quote\"d")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0")]
    public void JoinForCmd_RefusesCharactersCmdWouldReinterpret(string argument)
    {
        var e = Assert.Throws<PoetryCaAuthException>(() =>
            CommandLine.JoinForCmd(@"C:\tools\poetry.cmd", new[] { "config", "http-basic." + argument, "aws", "tok" }));

        Assert.Equal("PoetryArgumentUnsafe", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.DoesNotContain("tok", e.Message);
    }

    [Theory]
    [InlineData(@"C:\tools\poetry.cmd", new[] { "config", "http-basic.my-repo", "aws", "eyJ.a-b_c" })]
    [InlineData(@"C:\Program Files\poetry\poetry.bat", new[] { "config", "http-basic.a&calc", "aws", "x" })]
    [InlineData(@"C:\A&B\poetry.cmd", new[] { "http-basic.a|b", "<x>", "^y", "(z)", "trail\\", "with space\\" })]
    public void JoinForCmd_KeepsCmdMetacharactersInsideQuotes_AndTheArgumentsRoundTrip(string batchFile, string[] arguments)
    {
        string line = CommandLine.JoinForCmd(batchFile, arguments);

        Assert.StartsWith("/d /s /c \"", line);
        Assert.EndsWith("\"", line);
        // With /s, cmd.exe drops the first and the last quote and runs what is between.
        string inner = line.Substring("/d /s /c \"".Length, line.Length - "/d /s /c \"".Length - 1);

        // cmd.exe treats a quote as a toggle; & | < > ^ ( ) are special only outside quotes.
        bool quoted = false;
        foreach (char c in inner)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted && "&|<>^()".IndexOf(c) >= 0)
            {
                Assert.Fail($"'{c}' is outside quotes in {inner}, so cmd.exe would interpret it");
            }
        }

        Assert.False(quoted, "quotes must be balanced");
        Assert.Equal(new[] { batchFile }.Concat(arguments), ParseWindowsArguments(inner));
    }
}

/// <summary>Quoting checked against a real child process's argv (.NET parses Arguments with the same rules on Unix).</summary>
public sealed class CommandLineRealProcessTests
{
    private static List<string> EchoArguments(IReadOnlyList<string> arguments)
    {
        // printf repeats its format for every argument; \0 in the format is a NUL byte, which no argument can hold.
        var all = new List<string> { "%s\\0" };
        all.AddRange(arguments);
        ProcessResult result = new ProcessRunner().Run(new ProcessSpec("/usr/bin/printf", all) { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("\0", result.StandardOutput);
        return result.StandardOutput.Substring(0, result.StandardOutput.Length - 1).Split('\0').ToList();
    }

    [Fact]
    public void TrickyArguments_ArriveUnchangedInTheChildsArgv()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;

        foreach (string[] arguments in CommandLineTests.TrickyLists)
        {
            Assert.Equal(arguments, EchoArguments(arguments));
        }

        string[] more = { "a\rb", "form\ffeed", "nb\u00A0sp", "em\u2003space", "'single'", "$HOME", "`id`", "*", "~" };
        Assert.Equal(more, EchoArguments(more));
    }

    [Fact]
    public void RandomArguments_ArriveUnchangedInTheChildsArgv()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;

        const string alphabet = "ab \t\\\\\\\"\"'\n$é";
        var random = new Random(42);
        for (int run = 0; run < 25; run++)
        {
            var arguments = new string[random.Next(1, 6)];
            for (int a = 0; a < arguments.Length; a++)
            {
                var chars = new char[random.Next(0, 10)];
                for (int c = 0; c < chars.Length; c++) chars[c] = alphabet[random.Next(alphabet.Length)];
                arguments[a] = new string(chars);
            }

            Assert.Equal(arguments, EchoArguments(arguments));
        }
    }
}
