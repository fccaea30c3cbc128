using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Poetry
{
    /// <summary>Finds Poetry's configuration folder the way Poetry itself does on each OS.</summary>
    public static class PoetryConfigLocator
    {
        public static string GetConfigDirectory(HostEnvironment env)
        {
            string? explicitDir = env.GetVariable("POETRY_CONFIG_DIR");
            if (explicitDir != null)
            {
                return explicitDir;
            }

            switch (env.OS)
            {
                case OSKind.Windows:
                    string appData = env.GetVariable("APPDATA") ?? env.Combine(env.HomeDirectory, "AppData", "Roaming");
                    return env.Combine(appData, "pypoetry");

                case OSKind.MacOS:
                    // Poetry 1.2-1.3 used ~/Library/Preferences, later releases Application Support; Poetry's
                    // locations.py keeps using Preferences only while config.toml or auth.toml is in it.
                    string preferences = env.Combine(env.HomeDirectory, "Library", "Preferences", "pypoetry");
                    string applicationSupport = env.Combine(env.HomeDirectory, "Library", "Application Support", "pypoetry");
                    bool preferencesInUse = env.FileExists(env.Combine(preferences, "config.toml")) ||
                                            env.FileExists(env.Combine(preferences, "auth.toml"));
                    if (!preferencesInUse && env.DirectoryExists(applicationSupport))
                    {
                        return applicationSupport;
                    }

                    return preferences;

                default:
                    string configHome = env.GetVariable("XDG_CONFIG_HOME") ?? env.Combine(env.HomeDirectory, ".config");
                    return env.Combine(configHome, "pypoetry");
            }
        }

        public static string GetConfigFile(HostEnvironment env) => env.Combine(GetConfigDirectory(env), "config.toml");

        public static string GetAuthFile(HostEnvironment env) => env.Combine(GetConfigDirectory(env), "auth.toml");
    }
}
