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
        [Parameter(ParameterSetName = UrlSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Url { get; set; } = string.Empty;

        /// <summary>Source names to keep (wildcards allowed). With -Url, a plain name (no wildcards) names that source.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        [Parameter(ParameterSetName = UrlSet, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.PoetrySourceNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Where to look: the project, Poetry's global config, or both (also for piped files and folders).</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        [Parameter(ParameterSetName = UrlSet)]
        public DiscoveryScope Scope { get; set; } = DiscoveryScope.All;

        /// <summary>The piped item itself: a URL string, an object or hashtable with Url (and Name), or a pyproject.toml file or project folder.</summary>
        [Parameter(ParameterSetName = UrlSet, ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        // -Name typed on the command line while URLs are piped in: a filter, never a name for every item.
        private string[]? _nameFilter;

        protected override void BeginProcessing()
        {
            bool nameIsFilter = Name.Length > 1 || Array.Exists(Name, WildcardPattern.ContainsWildcardCharacters);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Name)) && (MyInvocation.ExpectingInput || nameIsFilter))
            {
                _nameFilter = Name;
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == UrlSet)
            {
                WriteUrlSource();
                return;
            }

            foreach (CodeArtifactRepository repository in SourceDiscovery.Discover(this, Path, Name, Scope))
            {
                WriteObject(repository);
            }
        }

        private void WriteUrlSource()
        {
            // A file or folder piped from Get-Item or Get-ChildItem means "that project", as -Path would.
            if (InputObject?.BaseObject is System.IO.FileSystemInfo item && !MyInvocation.BoundParameters.ContainsKey(nameof(Url)))
            {
                foreach (CodeArtifactRepository discovered in SourceDiscovery.Discover(this, item.FullName, _nameFilter ?? Array.Empty<string>(), Scope))
                {
                    WriteObject(discovered);
                }

                return;
            }

            var bound = new SourceFields { Url = string.IsNullOrWhiteSpace(Url) ? null : Url, Name = _nameFilter == null && Name.Length == 1 ? Name[0] : null };
            SourceFields fields = bound.Overlay(RepositoryBinding.Read(InputObject));
            if (fields.Url == null)
            {
                WriteError(ErrorRecords.Create("RepositoryUrlMissing", ErrorCategory.InvalidArgument, fields.Name ?? InputObject?.ToString(),
                    $"The piped item{(fields.Name != null ? " '" + fields.Name + "'" : string.Empty)} has no Url.",
                    "Pipe URL strings, or objects (or hashtables) with a Url property."));
                return;
            }

            var notes = new DiscoveryResult();
            CodeArtifactRepository? repository = new RepositoryDiscovery(HostEnvironment.Current).FromUrl(fields.Url, fields.Name, notes);
            bool keep = repository != null && (_nameFilter == null || SourceDiscovery.Filter(new[] { repository }, _nameFilter).Any());
            SourceDiscovery.Relay(this, notes, keep ? new[] { repository! } : Array.Empty<CodeArtifactRepository>());
            if (keep) WriteObject(repository);
        }
    }
}
