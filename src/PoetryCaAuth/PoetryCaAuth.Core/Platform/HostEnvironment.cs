using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PoetryCaAuth.Platform
{
    public enum OSKind
    {
        Linux,
        MacOS,
        Windows,
    }

    /// <summary>
    /// The parts of the machine that differ between Windows, macOS and Linux, behind one seam so the
    /// per-platform rules can be unit-tested on any machine.
    /// </summary>
    public class HostEnvironment
    {
        public static HostEnvironment Current { get; } = new HostEnvironment();

        public virtual OSKind OS =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? OSKind.Windows
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? OSKind.MacOS
            : OSKind.Linux;

        public virtual string? GetVariable(string name)
        {
            string? value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        /// <summary>The names of all environment variables that are set.</summary>
        public virtual System.Collections.Generic.IEnumerable<string> VariableNames
        {
            get
            {
                foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
                {
                    yield return (string)entry.Key;
                }
            }
        }

        public virtual string HomeDirectory
        {
            get
            {
                string? home = GetVariable(OS == OSKind.Windows ? "USERPROFILE" : "HOME");
                return home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            }
        }

        public virtual bool FileExists(string path) => File.Exists(path);

        public virtual bool DirectoryExists(string path) => Directory.Exists(path);

        /// <summary>On Unix, whether this user may execute the file; on Windows every existing file counts (the extension decides).</summary>
        public virtual bool IsExecutable(string path) =>
            OS == OSKind.Windows || RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || Access(path, ExecuteOk) == 0;

        private const int ExecuteOk = 1;

        [DllImport("libc", EntryPoint = "access", SetLastError = true)]
        private static extern int Access(string path, int mode);

        public char PathListSeparator => OS == OSKind.Windows ? ';' : ':';

        /// <summary>Joins path parts with the separator of the environment's OS, not the running one.</summary>
        public string Combine(params string[] parts)
        {
            char separator = OS == OSKind.Windows ? '\\' : '/';
            string result = string.Empty;
            foreach (string part in parts)
            {
                if (part.Length == 0) continue;
                result = result.Length == 0 ? part : result.TrimEnd('/', '\\') + separator + part.TrimStart('/', '\\');
            }

            return result;
        }
    }
}
