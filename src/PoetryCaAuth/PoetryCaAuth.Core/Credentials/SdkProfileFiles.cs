using System.Reflection;
using Amazon.Runtime.CredentialManagement;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Credentials
{
    /// <summary>
    /// The AWS SDK reads AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and HOME once per process (in a static
    /// constructor, and only if the files exist then), so a PowerShell session that changes them, or creates
    /// the files later, would go on reading the old ones. Before each use the SDK's default paths are pointed
    /// at what the environment says now. The setters are private, hence reflection; should a future SDK drop
    /// them, this does nothing and the SDK's own (first-use) paths apply.
    /// </summary>
    internal static class SdkProfileFiles
    {
        private static readonly MethodInfo? SetCredentialsPath =
            typeof(SharedCredentialsFile).GetProperty(nameof(SharedCredentialsFile.DefaultFilePath), BindingFlags.Public | BindingFlags.Static)?.GetSetMethod(nonPublic: true);

        private static readonly MethodInfo? SetConfigPath =
            typeof(SharedCredentialsFile).GetProperty(nameof(SharedCredentialsFile.DefaultConfigFilePath), BindingFlags.Public | BindingFlags.Static)?.GetSetMethod(nonPublic: true);

        public static string CredentialsFile(HostEnvironment env) =>
            env.GetVariable("AWS_SHARED_CREDENTIALS_FILE") ?? env.Combine(env.HomeDirectory, ".aws", "credentials");

        public static string ConfigFile(HostEnvironment env) =>
            env.GetVariable("AWS_CONFIG_FILE") ?? env.Combine(env.HomeDirectory, ".aws", "config");

        public static void Follow(HostEnvironment env)
        {
            Set(SetCredentialsPath, SharedCredentialsFile.DefaultFilePath, CredentialsFile(env));
            Set(SetConfigPath, SharedCredentialsFile.DefaultConfigFilePath, ConfigFile(env));
        }

        private static void Set(MethodInfo? setter, string? current, string wanted)
        {
            if (setter != null && current != wanted)
            {
                setter.Invoke(null, new object[] { wanted });
            }
        }
    }
}
