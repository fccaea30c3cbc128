using System.Management.Automation;

namespace PoetryCaAuth.Commands
{
    /// <summary>Resolves -Path against PowerShell's current location (not the process's) and insists on the FileSystem provider.</summary>
    internal static class PathResolution
    {
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
    }
}
