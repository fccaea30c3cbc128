using System;

namespace PoetryCaAuth.Platform
{
    /// <summary>
    /// Windows PowerShell 5.1 only (PowerShell 7 isolates us in an AssemblyLoadContext instead): decides
    /// whether an assembly we ship may answer a failed load request in the shared AppDomain. Our
    /// AssemblyResolve handler sees every failed request in the session, including those of other modules
    /// such as AWSPowerShell, so it must act like a binding redirect and no more.
    /// </summary>
    public static class DependencyResolutionPolicy
    {
        /// <param name="name">The simple name requested.</param>
        /// <param name="requested">The version requested; null when the request named none.</param>
        /// <param name="shipped">The version of our copy.</param>
        public static bool ShouldServe(string name, Version? requested, Version shipped)
        {
            if (requested == null) return true;

            // A redirect only ever goes up: an older copy lacks what the caller was compiled against.
            if (shipped < requested) return false;

            // AWSSDK keeps assembly version 3.3.0.0 through all of 3.x and 4.0.0.0 for 4.x, and the two
            // majors are not compatible. AWSPowerShell asking for 3.3.0.0 must never be handed our 4.x.
            if (name.StartsWith("AWSSDK.", StringComparison.OrdinalIgnoreCase)) return shipped.Major == requested.Major;

            // The netstandard polyfills (System.Memory, System.Runtime.CompilerServices.Unsafe, ...) are
            // redirected across majors by every .NET Framework app config; do the same.
            return true;
        }
    }
}
