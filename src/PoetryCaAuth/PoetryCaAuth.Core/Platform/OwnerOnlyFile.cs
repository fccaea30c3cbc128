using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace PoetryCaAuth.Platform
{
    /// <summary>
    /// Writes files that only their owner may read. On Unix the mode is set to 0600 before any content is
    /// written; on Windows files under the user's profile inherit its owner-only ACL.
    /// </summary>
    public static class OwnerOnlyFile
    {
        private const uint OwnerReadWrite = 0x180; // 0600
        private const uint OwnerAll = 0x1C0; // 0700

        [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
        private static extern int Chmod(string path, uint mode);

        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        private static extern IntPtr RealPath(string path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        private static extern void Free(IntPtr pointer);

        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Replaces <paramref name="path"/> atomically with <paramref name="content"/>, owner-only.</summary>
        public static void WriteAllText(string path, string content) =>
            WriteAllBytes(path, new UTF8Encoding(false).GetBytes(content));

        /// <summary>
        /// Replaces <paramref name="path"/> atomically with <paramref name="bytes"/>, owner-only: a reader (or a
        /// crash) never sees a half-written file, and the replaced file's looser mode is not inherited.
        /// </summary>
        public static void WriteAllBytes(string path, byte[] bytes)
        {
            // A dotfile kept elsewhere and linked in (stow, a dotfiles repository) stays a link: the file it
            // points to is replaced instead of the link.
            path = ResolveSymbolicLinks(path);
            string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    Restrict(temporary);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }

                if (File.Exists(path))
                {
                    File.Replace(temporary, path, null);
                }
                else
                {
                    File.Move(temporary, path);
                }
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }

        /// <summary>
        /// The file a path finally names once symbolic links are followed, on Unix; the path itself when it is
        /// not a link, does not exist yet, or on Windows (where replacing a link needs rights users rarely have).
        /// </summary>
        public static string ResolveSymbolicLinks(string path)
        {
            string full = Path.GetFullPath(path);
            if (!IsUnix || !File.Exists(full)) return full;
            if ((File.GetAttributes(full) & FileAttributes.ReparsePoint) == 0) return full;

            IntPtr resolved = RealPath(full, IntPtr.Zero);
            if (resolved == IntPtr.Zero) return full;
            try
            {
                // On Unix .NET decodes "ANSI" strings as UTF-8.
                return Marshal.PtrToStringAnsi(resolved) ?? full;
            }
            finally
            {
                Free(resolved);
            }
        }

        /// <summary>Creates <paramref name="path"/> (and its parents) if needed; a folder we create is made owner-only (0700) on Unix.</summary>
        public static void CreateDirectory(string path)
        {
            if (Directory.Exists(path)) return;
            Directory.CreateDirectory(path);
            if (IsUnix && Chmod(path, OwnerAll) != 0)
            {
                throw new IOException($"Could not make '{path}' owner-only (chmod failed with errno {Marshal.GetLastWin32Error()}).");
            }
        }

        /// <summary>Sets an existing file to owner read/write on Unix; a no-op on Windows.</summary>
        public static void Restrict(string path)
        {
            if (!IsUnix || !File.Exists(path)) return;
            if (Chmod(path, OwnerReadWrite) != 0)
            {
                throw new IOException($"Could not make '{path}' owner-only (chmod failed with errno {Marshal.GetLastWin32Error()}).");
            }
        }
    }
}
