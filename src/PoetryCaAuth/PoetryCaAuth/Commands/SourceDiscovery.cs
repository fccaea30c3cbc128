using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Commands
{
    /// <summary>Discovery as both cmdlets run it: Core does the work, this relays notes and applies -Name.</summary>
    internal static class SourceDiscovery
    {
        /// <param name="quiet">-Quiet: a bad path or a malformed file is one warning line and no sources.</param>
        public static List<CodeArtifactRepository> Discover(PSCmdlet cmdlet, string? path, string[] names, DiscoveryScope scope,
            bool quiet = false)
        {
            string? start = PathResolution.Resolve(cmdlet, path, quiet);
            if (start == null) return new List<CodeArtifactRepository>();
            DiscoveryResult result;
            try
            {
                result = new RepositoryDiscovery(HostEnvironment.Current).Discover(start, scope);
            }
            catch (PoetryCaAuthException e) when (quiet)
            {
                cmdlet.WriteWarning("PoetryCaAuth: " + ErrorRecords.OneLine(e));
                return new List<CodeArtifactRepository>();
            }
            catch (PoetryCaAuthException e)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.From(e));
                throw; // not reached
            }

            Relay(cmdlet, result);
            return Filter(result.Repositories, names).ToList();
        }

        public static void Relay(PSCmdlet cmdlet, DiscoveryResult result)
        {
            foreach (string note in result.Notes) cmdlet.WriteVerbose(note);
            foreach (string warning in result.Warnings) cmdlet.WriteWarning(warning);
        }

        public static IEnumerable<CodeArtifactRepository> Filter(IEnumerable<CodeArtifactRepository> repositories, string[] names)
        {
            if (names.Length == 0) return repositories;
            var patterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            return repositories.Where(r => patterns.Any(p => p.IsMatch(r.Name)));
        }
    }
}
