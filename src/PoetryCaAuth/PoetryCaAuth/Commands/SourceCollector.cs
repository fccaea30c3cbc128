using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Model;
using PoetryCaAuth.Refresh;

namespace PoetryCaAuth.Commands
{
    /// <summary>
    /// Gathers the sources of one invocation, for the cmdlets that take them piped or discovered: what -Name means
    /// there, the -ProfileName setting, each piped object's own fields, and duplicate names.
    /// </summary>
    internal sealed class SourceCollector
    {
        private readonly PSCmdlet _cmdlet;
        private readonly ProfileSetting? _profileSetting;

        private SourceCollector(PSCmdlet cmdlet, string[]? nameFilter, ProfileSetting? profileSetting)
        {
            _cmdlet = cmdlet;
            NameFilter = nameFilter;
            _profileSetting = profileSetting;
        }

        public List<RefreshItem> Items { get; } = new List<RefreshItem>();

        /// <summary>-Name typed on the command line while sources are piped in: a filter over the piped sources' names.</summary>
        public string[]? NameFilter { get; }

        /// <summary>
        /// Called from BeginProcessing, before any pipeline binding, so the values seen are the command line's or
        /// $PSDefaultParameterValues'. Refuses several names for the one source that -Url or -Domain describe.
        /// </summary>
        public static SourceCollector Begin(PSCmdlet cmdlet, string[] name, object? profileName, bool describesOneSource)
        {
            string[]? nameFilter = null;
            if (cmdlet.MyInvocation.ExpectingInput && cmdlet.MyInvocation.BoundParameters.ContainsKey("Name"))
            {
                nameFilter = name;
            }
            else if (describesOneSource && name.Length > 1)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create("NameAmbiguous", ErrorCategory.InvalidArgument, name,
                    "-Name gives the one source that -Url or -Domain describe; it cannot take several names here.",
                    "Give one name, or pipe several sources in (for example from Import-Csv)."));
            }

            ProfileSetting? setting = null;
            try
            {
                setting = ProfileSetting.FromValue(profileName is PSObject wrapped ? wrapped.BaseObject : profileName);
            }
            catch (PoetryCaAuthException e)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.From(e));
            }

            return new SourceCollector(cmdlet, nameFilter, setting);
        }

        /// <summary>
        /// Adds one source from the bound parameters overlaid with the piped object itself: hashtables never bind by
        /// property name, and a -Name on the command line would otherwise hide each object's own name.
        /// </summary>
        public void AddPiped(SourceFields bound, PSObject? input)
        {
            SourceFields fields = bound.Overlay(RepositoryBinding.Read(input));
            CodeArtifactRepository? repository = RepositoryBinding.ToRepository(_cmdlet, fields, NameFilter);
            if (repository != null && !RepositoryBinding.IsDuplicate(_cmdlet, Items.Select(i => i.Repository), repository))
            {
                Add(repository, fields.ProfileName, fields.EndpointUrl);
            }
        }

        /// <summary>The source name the command line gives, unless -Name is a filter over piped sources.</summary>
        public string? BoundName(string[] name) => NameFilter == null && name.Length > 0 ? name[0] : null;

        public void Add(CodeArtifactRepository repository, string? ownProfileName, string? endpointUrl)
        {
            (string? profile, string? reason) = ProfileSetting.Choose(_profileSetting, repository, ownProfileName);
            Items.Add(new RefreshItem(repository, profile, endpointUrl, reason));
        }
    }
}
