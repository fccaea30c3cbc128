using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PoetryCaAuth.Bootstrap
{
    /// <summary>
    /// Runs when PowerShell imports the manifest's nested module, which it does before the root module (the
    /// cmdlet assembly). The engine (PoetryCaAuth.Core) and its dependencies lie in bin/, where neither
    /// PowerShell nor the runtime looks by themselves, and PowerShell needs Core as soon as it lists the
    /// cmdlet assembly's types. So every request for the engine comes through what is registered here:
    /// <list type="bullet">
    /// <item>PowerShell 7: the loader (loader/PoetryCaAuth.Loader.dll) keeps the engine, AWSSDK and Tomlyn in
    /// a private AssemblyLoadContext, so our AWSSDK can sit beside another version loaded by AWS.Tools.</item>
    /// <item>Windows PowerShell 5.1: Core is loaded from bin/; the cmdlet assembly's initializer then answers
    /// for Core's own dependencies as binding redirects would.</item>
    /// </list>
    /// A binary root module, rather than a script loader, because it sits in people's profiles: a script
    /// module and a nested Import-Module -Assembly cost about as much as the rest of the import (bench/results.md).
    /// </summary>
    public sealed class EngineResolver : IModuleAssemblyInitializer
    {
        private const string LoaderKey = "PoetryCaAuth.Loader";
        private const string EngineName = "PoetryCaAuth.Core";
        private static readonly string LoaderDirectory = Path.GetDirectoryName(typeof(EngineResolver).Assembly.Location)!;
        private static readonly string EngineDirectory = Path.Combine(Path.GetDirectoryName(LoaderDirectory)!, "bin");

        public void OnImport()
        {
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveEngineFromBin;
                AppDomain.CurrentDomain.AssemblyResolve += ResolveEngineFromBin;
                return;
            }

            // The loader is loaded once per process: a re-import (-Force, or another copy of the module) reuses
            // it, as loading a second assembly of the same name into the default context would fail.
            var loader = AppDomain.CurrentDomain.GetData(LoaderKey) as Assembly;
            if (loader == null)
            {
                loader = Assembly.LoadFrom(Path.Combine(LoaderDirectory, "PoetryCaAuth.Loader.dll"));
                AppDomain.CurrentDomain.SetData(LoaderKey, loader);
            }

            loader.GetType("PoetryCaAuth.Loader.LoadContext", throwOnError: true)!
                .GetMethod("Register", BindingFlags.Public | BindingFlags.Static)!
                .Invoke(null, new object[] { EngineDirectory });
        }

        private static Assembly? ResolveEngineFromBin(object? sender, ResolveEventArgs args)
        {
            if (!args.Name.StartsWith(EngineName + ",", StringComparison.Ordinal)) return null;
            string path = Path.Combine(EngineDirectory, EngineName + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
