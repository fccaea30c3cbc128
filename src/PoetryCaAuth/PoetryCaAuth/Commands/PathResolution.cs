using System.Management.Automation;

namespace PoetryCaAuth.Commands
{
    /// <summary>Resolves -Path against PowerShell's current location (not the process's) and insists on the FileSystem provider.</summary>
    internal static class PathResolution
    {
        /// <param name="quiet">-Quiet: a bad path is one warning line and null, never a terminating error.</param>
        public static string? Resolve(PSCmdlet cmdlet, string? path, bool quiet)
        {
            if (!quiet) return Resolve(cmdlet, path);
            if (string.IsNullOrEmpty(path)) return cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name == "FileSystem" && (System.IO.File.Exists(resolved) || System.IO.Directory.Exists(resolved)))
            {
                return resolved;
            }

            cmdlet.WriteWarning($"PoetryCaAuth: the path '{path}' does not exist or is not on the file system; nothing was refreshed.");
            return null;
        }

        public static string Resolve(PSCmdlet cmdlet, string? path)
        {
            if (string.IsNullOrEmpty(path))
            {
                return cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            }

            string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create("PathNotFileSystem", ErrorCategory.InvalidArgument, path,
                    $"The path '{path}' is on the {provider.Name} provider, not the file system.",
                    "Give a pyproject.toml file or a folder on the file system."));
            }

            if (!System.IO.File.Exists(resolved) && !System.IO.Directory.Exists(resolved))
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create("PathNotFound", ErrorCategory.ObjectNotFound, path,
                    $"The path '{path}' does not exist.", "Give an existing pyproject.toml file or project folder."));
            }

            return resolved;
        }

        /// <summary>
        /// A file to write, relative to PowerShell's current location (default <paramref name="defaultName"/> there);
        /// it need not exist, but it must be on the file system.
        /// </summary>
        public static string ResolveFile(PSCmdlet cmdlet, string? path, string defaultName)
        {
            string location = cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            if (string.IsNullOrEmpty(path))
            {
                return System.IO.Path.Combine(location, defaultName);
            }

            string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
            if (provider.Name != "FileSystem")
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create("PathNotFileSystem", ErrorCategory.InvalidArgument, path,
                    $"The path '{path}' is on the {provider.Name} provider, not the file system.", "Give a file path on the file system."));
            }

            return resolved;
        }
    }
}
