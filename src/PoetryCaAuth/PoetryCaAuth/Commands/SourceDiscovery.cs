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

            List<CodeArtifactRepository> kept = Filter(result.Repositories, names).ToList();
            Relay(cmdlet, result, kept);
            return kept;
        }

        /// <summary>Notes as verbose lines; warnings, except those about sources that -Name left out.</summary>
        public static void Relay(PSCmdlet cmdlet, DiscoveryResult result, IEnumerable<CodeArtifactRepository> kept)
        {
            foreach (string note in result.Notes) cmdlet.WriteVerbose(note);
            var keptNames = new HashSet<string>(kept.Select(r => r.Name), System.StringComparer.OrdinalIgnoreCase);
            var leftOut = new HashSet<string>(result.SourceWarnings.Where(w => !keptNames.Contains(w.Key)).Select(w => w.Value));
            foreach (string warning in result.Warnings)
            {
                if (!leftOut.Contains(warning)) cmdlet.WriteWarning(warning);
            }
        }

        public static IEnumerable<CodeArtifactRepository> Filter(IEnumerable<CodeArtifactRepository> repositories, string[] names)
        {
            if (names.Length == 0) return repositories;
            var patterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            return repositories.Where(r => patterns.Any(p => p.IsMatch(r.Name)));
        }
    }
}
