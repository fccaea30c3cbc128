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
    /// module's bin folder. On PowerShell 7 the loader's private context does that job and this is idle.
    /// (PoetryCaAuth.Core itself is found earlier, by the nested module PoetryCaAuth.Bootstrap.)
    /// </summary>
    public sealed class WindowsPowerShellResolver : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string BinDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(WindowsPowerShellResolver).Assembly.Location)!, "bin");

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
            var requested = new AssemblyName(args.Name);
            string name = requested.Name ?? string.Empty;
            string path = Path.Combine(BinDirectory, name + ".dll");
            if (name.Length == 0 || !File.Exists(path)) return null;

            // Every failed load in the session comes here, other modules' too: answer only as a binding
            // redirect would (never downwards, never AWSSDK 4.x for a 3.x request).
            Version shipped = AssemblyName.GetAssemblyName(path).Version ?? new Version(0, 0);
            return Platform.DependencyResolutionPolicy.ShouldServe(name, requested.Version, shipped) ? Assembly.LoadFrom(path) : null;
        }
    }
}
