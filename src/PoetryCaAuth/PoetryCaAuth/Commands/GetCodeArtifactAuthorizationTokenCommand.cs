using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Refresh;
using PoetryCaAuth.Targets;

namespace PoetryCaAuth.Commands
{
    /// <summary>
    /// Fetches CodeArtifact authorization tokens and returns them, for scripts that pass a token on themselves
    /// (the Python tool's show-token). Nothing is stored. The objects carry the token; their default views do not show it.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CodeArtifactAuthorizationToken", DefaultParameterSetName = DiscoverSet)]
    [OutputType(typeof(CodeArtifactAuthorizationToken))]
    public sealed class GetCodeArtifactAuthorizationTokenCommand : PSCmdlet, IDisposable
    {
        private const string DiscoverSet = "Discover";
        private const string DomainSet = "Domain";

        private SourceCollector _sources = null!; // set in BeginProcessing
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        /// <summary>A pyproject.toml file, or a folder to search upwards from. Defaults to the current location.</summary>
        [Parameter(ParameterSetName = DiscoverSet, Position = 0)]
        [Alias("PSPath")]
        public string? Path { get; set; }

        /// <summary>Where to look for sources when none are piped in or named by domain.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        public DiscoveryScope Scope { get; set; } = DiscoveryScope.All;

        /// <summary>Discovery: names of sources (wildcards). Pipeline: the source's name, shown on the result.</summary>
        [Parameter(ParameterSetName = DiscoverSet)]
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.PoetrySourceNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The CodeArtifact domain.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        public string? Domain { get; set; }

        /// <summary>The 12-digit AWS account that owns the domain.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        public string? DomainOwner { get; set; }

        /// <summary>The AWS region of the domain.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        public string? Region { get; set; }

        /// <summary>The CodeArtifact repository name; with it the result's IndexUrl is filled in.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        public string? Repository { get; set; }

        /// <summary>The source's repository URL (from piped repository objects); used for the result's IndexUrl.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipelineByPropertyName = true)]
        public string? Url { get; set; }

        /// <summary>How to find AWS credentials.</summary>
        [Parameter]
        public AuthMethod? AuthMethod { get; set; }

        /// <summary>
        /// The AWS profile to use: one name for every source, or a hashtable from source names (wildcards
        /// allowed), DOMAIN-ACCOUNT, domains or 12-digit accounts to profile names ('*' for the rest). A
        /// ProfileName on a piped object wins over both.
        /// </summary>
        [Parameter]
        [Alias("AWSProfileName")]
        [ArgumentCompleter(typeof(Completers.AwsProfileNameCompleter))]
        public object? ProfileName { get; set; }

        /// <summary>
        /// The current code of the MFA device, for profiles with mfa_serial (and aws-vault profiles that need one);
        /// without it the code is asked for, or a non-interactive session gets an error.
        /// </summary>
        [Parameter]
        [ValidatePattern("^[0-9]{6}$")]
        public string? MfaCode { get; set; }

        /// <summary>The piped object itself: hashtables and objects whose own Name or ProfileName must be honoured.</summary>
        [Parameter(ParameterSetName = DomainSet, ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Token lifetime in seconds: 0 (the role session's) or 900 to 43200.</summary>
        [Parameter]
        [Alias("DurationSeconds")]
        public int DurationSecond { get; set; } = 43200;

        /// <summary>The CodeArtifact API endpoint, instead of the public regional one.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? EndpointUrl { get; set; }

        /// <summary>Seconds to wait for each CodeArtifact request.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 15;

        protected override void BeginProcessing()
        {
            _sources = SourceCollector.Begin(this, Name, ProfileName, ParameterSetName == DomainSet);
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != DomainSet)
            {
                return;
            }

            _sources.AddPiped(new SourceFields
            {
                Name = _sources.BoundName(Name),
                Url = Url,
                Domain = Domain,
                DomainOwner = DomainOwner,
                Region = Region,
                Repository = Repository,
                EndpointUrl = EndpointUrl,
            }, InputObject);
        }


        protected override void EndProcessing()
        {
            if (MyInvocation.ExpectingInput && _sources.Items.Count == 0)
            {
                WriteVerbose("No usable source was piped in, so no token was fetched.");
                return;
            }

            if (ParameterSetName == DiscoverSet)
            {
                foreach (CodeArtifactRepository repository in SourceDiscovery.Discover(this, Path, Name, Scope))
                {
                    _sources.Add(repository, repository.ProfileName, EndpointUrl);
                }

                if (_sources.Items.Count == 0)
                {
                    WriteWarning(Name.Length > 0
                        ? $"No CodeArtifact source matches -Name {string.Join(", ", Name)}. Get-CodeArtifactRepository lists the sources found."
                        : "No CodeArtifact sources were found. Run the command in a Poetry project whose sources point at CodeArtifact, " +
                          "or give -Domain, -DomainOwner and -Region.");
                    return;
                }
            }

            if (_sources.Items.Count == 0)
            {
                return;
            }

            var env = HostEnvironment.Current;
            var observer = new CmdletObserver(this, "Getting CodeArtifact tokens") { ConfirmWrites = false };
            var capture = new TokenCaptureTarget();
            var resolver = new AwsCredentialResolver(env, observer) { MfaCode = MfaCode, Cancel = _stopping.Token };
            var refresher = new TokenRefresher(env, resolver,
                new CodeArtifactClient(new CodeArtifactClientOptions { Timeout = TimeSpan.FromSeconds(TimeoutSec) }));
            var options = new RefreshOptions { Method = AuthMethod, DurationSeconds = DurationSecond, Cancel = _stopping.Token };
            try
            {
                foreach (RefreshOutcome outcome in refresher.Refresh(_sources.Items, capture, options, observer))
                {
                    CodeArtifactAuthorizationToken? token = capture.Get(outcome.Repository);
                    if (outcome.Error != null || token == null)
                    {
                        if (outcome.Error != null) WriteError(ErrorRecords.From(outcome.Error, outcome.Repository));
                        continue;
                    }

                    WriteObject(token);
                }
            }
            catch (PoetryCaAuthException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
            }

            WriteVerbose($"{refresher.TokenRequests} token request(s) for {_sources.Items.Count} source(s).");
        }

        protected override void StopProcessing() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
