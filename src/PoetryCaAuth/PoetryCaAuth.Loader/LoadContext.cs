using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PoetryCaAuth.Loader
{
    /// <summary>
    /// Keeps PoetryCaAuth's engine and its third-party dependencies (PoetryCaAuth.Core, AWSSDK.*, Tomlyn) in a
    /// private context, so a different AWSSDK.Core already loaded by AWS.Tools neither wins over ours nor is
    /// displaced by it, in either load order. The cmdlet assembly itself sits in the default context (it is the
    /// module's root, and has no third-party references); when it first needs PoetryCaAuth.Core the default
    /// context cannot find it (it lives in bin/, away from the cmdlet assembly), and the handler registered here
    /// answers from the private context. Anything the platform ships (System.*, PowerShell itself) is left to
    /// the default context: loading our netstandard polyfills beside the runtime's would split type identity.
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

        /// <summary>
        /// Creates the private context once per process and lets it answer the default context's requests for
        /// our engine. Later calls (a re-import, another copy of the module) keep the first copy's context.
        /// </summary>
        public static void Register(string directory)
        {
            lock (Sync)
            {
                if (_instance != null) return;
                _instance = new LoadContext(Path.GetFullPath(directory));
                Default.Resolving += ResolveFromPrivateContext;
            }
        }

        private static Assembly? ResolveFromPrivateContext(AssemblyLoadContext context, AssemblyName assemblyName)
        {
            string name = assemblyName.Name ?? string.Empty;
            LoadContext? instance = _instance;
            // Only our engine: AWSSDK requests from the default context belong to other modules (AWS.Tools)
            // and must never be handed our copy.
            return instance != null && string.Equals(name, "PoetryCaAuth.Core", StringComparison.Ordinal)
                ? instance.LoadFromAssemblyName(assemblyName)
                : null;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string name = assemblyName.Name ?? string.Empty;
            if (!IsEngine(name))
            {
                return null;
            }

            string path = Path.Combine(_directory, name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        // The cmdlet assembly (PoetryCaAuth) and this loader stay in the default context.
        private static bool IsEngine(string name) =>
            string.Equals(name, "PoetryCaAuth.Core", StringComparison.Ordinal) ||
            name.StartsWith("AWSSDK.", StringComparison.Ordinal) ||
            string.Equals(name, "Tomlyn", StringComparison.Ordinal);
    }
}
