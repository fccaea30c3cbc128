using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Poetry;
using PoetryCaAuth.Processes;
using PoetryCaAuth.Refresh;

namespace PoetryCaAuth.Commands
{
    /// <summary>
    /// Fetches CodeArtifact authorization tokens and stores them where Poetry reads them. Sources come from
    /// the pipeline (by property name) or are discovered as Get-CodeArtifactRepository does.
    /// </summary>
    [Cmdlet(VerbsData.Update, "PoetryCodeArtifactToken", DefaultParameterSetName = DiscoverSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TokenRefreshResult))]
    public sealed class UpdatePoetryCodeArtifactTokenCommand : PSCmdlet, IDisposable
    {
        private const string DiscoverSet = "Discover";
        private const string RepositorySet = "Repository";

        private readonly List<RefreshItem> _items = new List<RefreshItem>();
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>A pyproject.toml file, or a folder to search upwards from. Defaults to the current location.</summary>
        [Parameter(ParameterSetName = DiscoverSet, Position = 0)]
        [Alias("PSPath")]
        public string? Path { get; set; }

        /// <summary>Where to look for sources when none are piped in.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        public DiscoveryScope Scope { get; set; } = DiscoveryScope.All;

        /// <summary>Discovery: names of sources to refresh (wildcards). Pipeline: the source's name in Poetry.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        [Parameter(ParameterSetName = RepositorySet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.PoetrySourceNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The source's repository URL; used instead of Domain, DomainOwner and Region when given.</summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
        public string? Url { get; set; }

        /// <summary>The CodeArtifact domain.</summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
        public string? Domain { get; set; }

        /// <summary>The 12-digit AWS account that owns the domain.</summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
        public string? DomainOwner { get; set; }

        /// <summary>The AWS region of the domain.</summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
        public string? Region { get; set; }

        /// <summary>The CodeArtifact repository name (informational).</summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
        public string? Repository { get; set; }

        /// <summary>How to find AWS credentials.</summary>
        [Parameter]
        public AuthMethod? AuthMethod { get; set; }

        /// <summary>
        /// The AWS profile to use: one name for every source, or a hashtable from source names (wildcards
        /// allowed), DOMAIN-ACCOUNT, domains or 12-digit accounts to profile names ('*' for the rest), most
        /// specific key first. A ProfileName on a piped object wins over both. Works from $PSDefaultParameterValues.
        /// </summary>
        [Parameter]
        [Alias("AWSProfileName")]
        public object? ProfileName { get; set; }

        /// <summary>
        /// The current code of the MFA device, for profiles with mfa_serial (and aws-vault profiles that need
        /// one); without it the code is asked for, or a non-interactive session gets an error.
        /// </summary>
        [Parameter]
        [ValidatePattern("^[0-9]{6}$")]
        public string? MfaCode { get; set; }

        /// <summary>
        /// The piped object itself, so its ProfileName is honoured even when -ProfileName is bound (for example
        /// from $PSDefaultParameterValues, which PowerShell would otherwise let win over the pipeline).
        /// </summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Token lifetime in seconds: 0 (the role session's) or 900 to 43200.</summary>
        [Parameter]
        [Alias("DurationSeconds")]
        public int DurationSecond { get; set; } = 43200;

        /// <summary>The CodeArtifact API endpoint, instead of the public regional one.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? EndpointUrl { get; set; }

        /// <summary>The poetry executable; by default it is searched on PATH and in the usual install folders.</summary>
        [Parameter]
        public string? PoetryPath { get; set; }

        /// <summary>Keep tokens in Poetry's auth.toml rather than the system keyring.</summary>
        [Parameter]
        public SwitchParameter NoKeyring { get; set; }

        /// <summary>Seconds to wait for each CodeArtifact request.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 15;

        /// <summary>Emit a result object per source.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private ProfileSetting? _profileSetting;

        protected override void BeginProcessing()
        {
            try
            {
                // Read before any pipeline binding: this is the command line's or $PSDefaultParameterValues' value.
                _profileSetting = ProfileSetting.FromValue(ProfileName is PSObject wrapped ? wrapped.BaseObject : ProfileName);
            }
            catch (PoetryCaAuthException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != RepositorySet)
            {
                return;
            }

            string name = Name.Length > 0 ? Name[0] : string.Empty;
            CodeArtifactRepository? repository = FromBoundProperties(name);
            if (repository != null)
            {
                _items.Add(NewItem(repository, PipedProfileName()));
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == DiscoverSet)
            {
                foreach (CodeArtifactRepository repository in SourceDiscovery.Discover(this, Path, Name, Scope))
                {
                    _items.Add(NewItem(repository, repository.ProfileName));
                }
            }

            if (_items.Count == 0)
            {
                WriteWarning("No CodeArtifact sources were found, so nothing was refreshed. Run the command in a Poetry project whose " +
                             "[[tool.poetry.source]] points at CodeArtifact, or pipe in Get-CodeArtifactRepository -Url <url>.");
                return;
            }

            var env = HostEnvironment.Current;
            var observer = new CmdletObserver(this, "Updating CodeArtifact tokens for Poetry");
            var target = new PoetryTarget(CreatePoetryStore(env));
            var resolver = new AwsCredentialResolver(env, observer) { MfaCode = MfaCode, Cancel = _stopping.Token };
            var refresher = new TokenRefresher(env, resolver,
                new CodeArtifactClient(new CodeArtifactClientOptions { Timeout = TimeSpan.FromSeconds(TimeoutSec) }));
            var options = new RefreshOptions { Method = AuthMethod, DurationSeconds = DurationSecond, Cancel = _stopping.Token };

            try
            {
                foreach (RefreshOutcome outcome in refresher.Refresh(_items, target, options, observer))
                {
                    if (outcome.Error != null)
                    {
                        WriteError(ErrorRecords.From(outcome.Error, outcome.Repository));
                    }

                    if (PassThru)
                    {
                        WriteObject(outcome.Result);
                    }
                }
            }
            catch (PoetryCaAuthException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
            }

            WriteVerbose($"{refresher.TokenRequests} token request(s) for {_items.Count} source(s); Poetry started {target.Store.Invocations} time(s).");
        }

        protected override void StopProcessing() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();

        private RefreshItem NewItem(CodeArtifactRepository repository, string? ownProfileName)
        {
            (string? profile, string? reason) = ProfileSetting.Choose(_profileSetting, repository, ownProfileName);
            return new RefreshItem(repository, profile, EndpointUrl, reason);
        }

        /// <summary>The ProfileName (or AWSProfileName) property of the piped object, if it has a non-empty one.</summary>
        private string? PipedProfileName()
        {
            if (InputObject == null) return null;
            foreach (string property in new[] { "ProfileName", "AWSProfileName" })
            {
                if (InputObject.Properties[property]?.Value is object value && value.ToString() is string text && text.Trim().Length > 0)
                {
                    return text.Trim();
                }
            }

            return null;
        }

        private PoetryCredentialStore CreatePoetryStore(HostEnvironment env)
        {
            PoetryLocation location;
            try
            {
                location = PoetryLocator.Find(PoetryPath, env);
                WriteVerbose($"Using Poetry at '{location.Path}' (found by {location.FoundBy}).");
            }
            catch (PoetryCaAuthException e)
            {
                // Checked before any token is fetched: without Poetry nothing could be stored.
                ThrowTerminatingError(ErrorRecords.From(e));
                throw;
            }

            return new PoetryCredentialStore(location, new ProcessRunner(), env) { NoKeyring = NoKeyring.IsPresent };
        }

        private CodeArtifactRepository? FromBoundProperties(string name)
        {
            if (!string.IsNullOrWhiteSpace(Url))
            {
                CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(Url, out string reason);
                if (address == null)
                {
                    WriteError(ErrorRecords.Create("CodeArtifactUrlInvalid", ErrorCategory.InvalidArgument, name,
                        $"Source '{name}': the URL '{RepositoryDiscovery.Redact(Url!)}' is not a CodeArtifact PyPI repository URL: {reason}.",
                        "Give a URL like https://DOMAIN-ACCOUNT.d.codeartifact.REGION.amazonaws.com/pypi/REPOSITORY/simple/."));
                    return null;
                }

                return CodeArtifactRepository.FromAddress(name, RepositoryDiscovery.Redact(Url!), address, SourceOrigin.Url, string.Empty);
            }

            if (string.IsNullOrWhiteSpace(Domain) || string.IsNullOrWhiteSpace(DomainOwner) || string.IsNullOrWhiteSpace(Region))
            {
                WriteError(ErrorRecords.Create("RepositoryIncomplete", ErrorCategory.InvalidArgument, name,
                    $"Source '{name}' has neither a Url nor all of Domain, DomainOwner and Region.",
                    "Pipe objects from Get-CodeArtifactRepository, or give Url, or Domain, DomainOwner and Region."));
                return null;
            }

            return new CodeArtifactRepository
            {
                Name = name,
                Domain = Domain!,
                DomainOwner = DomainOwner!,
                Region = Region!,
                Repository = Repository ?? string.Empty,
                Origin = SourceOrigin.Url,
            };
        }
    }
}
