using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Lifecycle
{
    /// <summary>
    /// Where the token state file (expiry times, never tokens) and the store lock live, per OS:
    /// POETRYCAAUTH_STATE_DIR if set; Linux $XDG_STATE_HOME (else ~/.local/state); macOS ~/Library/Caches;
    /// Windows %LOCALAPPDATA%. Losing the folder only costs one refresh, so a cache folder is good enough.
    /// </summary>
    public static class TokenStatePaths
    {
        public const string OverrideVariable = "POETRYCAAUTH_STATE_DIR";
        public const string FolderName = "PoetryCaAuth";
        public const string StateFileName = "token-state.json";
        public const string LockFileName = "token-state.lock";

        public static string GetDirectory(HostEnvironment env)
        {
            string? explicitDir = env.GetVariable(OverrideVariable);
            if (explicitDir != null)
            {
                return explicitDir;
            }

            switch (env.OS)
            {
                case OSKind.Windows:
                    string localAppData = env.GetVariable("LOCALAPPDATA") ?? env.Combine(env.HomeDirectory, "AppData", "Local");
                    return env.Combine(localAppData, FolderName);

                case OSKind.MacOS:
                    return env.Combine(env.HomeDirectory, "Library", "Caches", FolderName);

                default:
                    // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
                    string? stateHome = env.GetVariable("XDG_STATE_HOME");
                    if (stateHome == null || !stateHome.StartsWith("/", System.StringComparison.Ordinal))
                    {
                        stateHome = env.Combine(env.HomeDirectory, ".local", "state");
                    }

                    return env.Combine(stateHome, FolderName);
            }
        }
    }
}
