using System;

namespace PoetryCaAuth.Platform
{
    /// <summary>What the command line of the PowerShell process says about the session.</summary>
    public static class PowerShellCommandLine
    {
        /// <summary>
        /// Finds -NonInteractive, or any abbreviation PowerShell accepts down to -noni (also with '/'), among
        /// PowerShell's own switches: whatever follows -Command, -File or -EncodedCommand belongs to the script.
        /// <paramref name="arguments"/> is Environment.GetCommandLineArgs(): the first entry is the program.
        /// </summary>
        public static bool StartedNonInteractive(string[] arguments)
        {
            for (int i = 1; i < arguments.Length; i++)
            {
                string argument = arguments[i];
                if (argument.Length < 2 || (argument[0] != '-' && argument[0] != '/')) continue;
                string name = argument.TrimStart('-', '/').ToLowerInvariant();
                if (name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal)) return true;
                if (name == "c" || name == "command" || name == "f" || name == "file" || name == "e" || name == "ec" ||
                    name == "encodedcommand" || name == "commandwithargs" || name == "cwa")
                {
                    return false;
                }
            }

            return false;
        }
    }
}
