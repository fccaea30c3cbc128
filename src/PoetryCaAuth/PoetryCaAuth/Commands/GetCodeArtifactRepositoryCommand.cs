using System;
using System.Linq;
using System.Management.Automation;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Commands
{
    /// <summary>Lists the CodeArtifact sources of a Poetry project, of Poetry's global config, or of URLs given directly.</summary>
    [Cmdlet(VerbsCommon.Get, "CodeArtifactRepository", DefaultParameterSetName = DiscoverSet)]
    [OutputType(typeof(CodeArtifactRepository))]
    public sealed class GetCodeArtifactRepositoryCommand : PSCmdlet
    {
        private const string DiscoverSet = "Discover";
        private const string UrlSet = "Url";

        /// <summary>A pyproject.toml file, or a folder to search upwards from. Defaults to the current location.</summary>
        [Parameter(ParameterSetName = DiscoverSet, Position = 0)]
        [Alias("PSPath")]
        public string? Path { get; set; }

        /// <summary>
        /// A repository URL to parse directly. A single string (not an array) so that a piped object with
        /// a Url property binds by property name instead of being turned into a string as a whole.
        /// </summary>
        [Parameter(ParameterSetName = UrlSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Url { get; set; } = string.Empty;

        /// <summary>Source names to keep (wildcards allowed). With -Url, a plain name (no wildcards) names that source.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        [Parameter(ParameterSetName = UrlSet, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.PoetrySourceNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Where to look: the project, Poetry's global config, or both.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        public DiscoveryScope Scope { get; set; } = DiscoveryScope.All;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == UrlSet)
            {
                WriteUrlSources();
                return;
            }

            foreach (CodeArtifactRepository repository in SourceDiscovery.Discover(this, Path, Name, Scope))
            {
                WriteObject(repository);
            }
        }

        private void WriteUrlSources()
        {
            // A piped object with Name and Url, or -Url x -Name y, names the source; otherwise -Name filters.
            bool nameGiven = Name.Length == 1 && !WildcardPattern.ContainsWildcardCharacters(Name[0]);
            var notes = new DiscoveryResult();
            CodeArtifactRepository? repository = new RepositoryDiscovery(HostEnvironment.Current).FromUrl(Url, nameGiven ? Name[0] : null, notes);
            if (repository != null && (nameGiven || SourceDiscovery.Filter(new[] { repository }, Name).Any()))
            {
                WriteObject(repository);
            }

            SourceDiscovery.Relay(this, notes);
        }
    }
}
