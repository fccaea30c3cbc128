using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PoetryCaAuth
{
    /// <summary>
    /// Windows PowerShell 5.1 has no AssemblyLoadContext and applies no binding redirects for modules, so
    /// the netstandard polyfills AWSSDK and Tomlyn ask for (System.Text.Json, System.Memory, ...) may be
    /// requested at versions other than the ones we ship. This resolver answers those requests from the
    /// module's own bin folder. On PowerShell 7 the loader's private context does that job and this is idle.
    /// </summary>
    public sealed class WindowsPowerShellResolver : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string BinDirectory = Path.GetDirectoryName(typeof(WindowsPowerShellResolver).Assembly.Location)!;

        private static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            string name = new AssemblyName(args.Name).Name ?? string.Empty;
            string path = Path.Combine(BinDirectory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
