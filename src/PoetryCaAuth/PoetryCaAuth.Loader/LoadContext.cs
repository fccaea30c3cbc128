using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PoetryCaAuth.Loader
{
    /// <summary>
    /// Loads PoetryCaAuth and its third-party dependencies (AWSSDK.*, Tomlyn) into a private context, so a
    /// different AWSSDK.Core already loaded by AWS.Tools neither wins over ours nor is displaced by it, in
    /// either load order. Anything the platform ships (System.*, PowerShell itself) is left to the default
    /// context: loading our netstandard polyfills beside the runtime's would split type identity.
    /// </summary>
    public sealed class LoadContext : AssemblyLoadContext
    {
        private static readonly object Sync = new object();
        private static LoadContext? _instance;
        private readonly string _directory;

        private LoadContext(string directory) : base("PoetryCaAuth", isCollectible: false)
        {
            _directory = directory;
        }

        /// <summary>Creates the context once per process and returns the cmdlet assembly loaded in it.</summary>
        public static Assembly Initialize(string directory)
        {
            lock (Sync)
            {
                _instance ??= new LoadContext(Path.GetFullPath(directory));
                return _instance.LoadFromAssemblyName(new AssemblyName("PoetryCaAuth"));
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string name = assemblyName.Name ?? string.Empty;
            if (!IsOurs(name))
            {
                return null;
            }

            string path = Path.Combine(_directory, name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        private static bool IsOurs(string name) =>
            name.StartsWith("PoetryCaAuth", StringComparison.Ordinal) ||
            name.StartsWith("AWSSDK.", StringComparison.Ordinal) ||
            string.Equals(name, "Tomlyn", StringComparison.Ordinal);
    }
}
