using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Lifecycle;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Poetry;
using PoetryCaAuth.Processes;
using PoetryCaAuth.Refresh;
using PoetryCaAuth.Targets;

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

        private SourceCollector _sources = null!; // set in BeginProcessing
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
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
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
        [ArgumentCompleter(typeof(Completers.AwsProfileNameCompleter))]
        public object? ProfileName { get; set; }

        /// <summary>
        /// The current code of the MFA device, for profiles with mfa_serial (and aws-vault profiles that need
        /// one); without it an assume-role profile's code is asked for (a non-interactive session gets an error),
        /// while aws-vault profiles with MFA need it (or AWS_VAULT_PROMPT).
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

        /// <summary>
        /// For a line in a PowerShell profile: one attempt per request, no prompt and no sign-in that needs a person,
        /// each failure reported as a single warning line instead of an error, and nothing said when nothing needs doing.
        /// Pair it with a short -TimeoutSec.
        /// </summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>Emit a result object per source.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// Where the credentials go: Poetry (poetry config, the default), Environment (this process's environment
        /// variables), DotEnv (a dotenv file), GitHubActions (the $GITHUB_ENV file, values masked first) or
        /// AzurePipelines (secret pipeline variables).
        /// </summary>
        [Parameter]
        public CredentialTargetKind Target { get; set; } = CredentialTargetKind.Poetry;

        /// <summary>
        /// Which tools' variables to write with the Environment, DotEnv, GitHubActions and AzurePipelines targets:
        /// Poetry (POETRY_HTTP_BASIC_NAME_*), Uv (UV_INDEX_NAME_*), Pip (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL).
        /// By default uv indexes get Uv's and all other sources Poetry's.
        /// </summary>
        [Parameter]
        public CredentialTool[] Tool { get; set; } = Array.Empty<CredentialTool>();

        /// <summary>The dotenv file for -Target DotEnv; default .env in the current location.</summary>
        [Parameter]
        public string? DotEnvPath { get; set; }

        /// <summary>Write new dotenv lines as 'export NAME=value', so that a POSIX shell can source the file.</summary>
        [Parameter]
        public SwitchParameter DotEnvExport { get; set; }

        /// <summary>
        /// Skip a source whose stored token stays valid for longer than this (a TimeSpan, '01:30:00', or seconds).
        /// Default one hour.
        /// </summary>
        [Parameter]
        [SecondsToTimeSpanTransformation]
        public TimeSpan MinimumRemaining { get; set; } = TimeSpan.FromHours(1);

        /// <summary>Refresh every source, even those whose stored token is still valid.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// Seconds to wait for another PoetryCaAuth run that is storing credentials at the same moment (default 30;
        /// with -Quiet, -TimeoutSec unless given).
        /// </summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int LockTimeoutSec { get; set; } = 30;

        /// <summary>Pipeline: where the source came from (Get-CodeArtifactRepository's Origin); uv indexes get uv's variables.</summary>
        [Parameter(ParameterSetName = RepositorySet, ValueFromPipelineByPropertyName = true)]
        public SourceOrigin? Origin { get; set; }

        /// <summary>
        /// -Quiet must not hold the prompt for the default 30 s while another shell's profile stores its tokens:
        /// unless -LockTimeoutSec is given, it waits no longer than -TimeoutSec.
        /// </summary>
        private int EffectiveLockTimeoutSec() =>
            Quiet && !MyInvocation.BoundParameters.ContainsKey(nameof(LockTimeoutSec)) ? Math.Min(LockTimeoutSec, TimeoutSec) : LockTimeoutSec;

        protected override void BeginProcessing()
        {
            if (MinimumRemaining < TimeSpan.Zero)
            {
                ThrowTerminatingError(ErrorRecords.Create("MinimumRemainingInvalid", ErrorCategory.InvalidArgument, MinimumRemaining,
                    $"-MinimumRemaining is negative ({MinimumRemaining}).", "Give a time span such as '01:00:00' or a number of seconds, 0 or more."));
            }

            _sources = SourceCollector.Begin(this, Name, ProfileName, ParameterSetName == RepositorySet);
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != RepositorySet)
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
                Origin = Origin,
            }, InputObject);
        }

        protected override void EndProcessing()
        {
            CheckTargetParameters();
            if (MyInvocation.ExpectingInput && _sources.Items.Count == 0)
            {
                // Something was piped in, even if nothing usable came through: never fall back to discovery.
                WriteVerbose("No usable source was piped in, so nothing was refreshed.");
                return;
            }

            if (ParameterSetName == DiscoverSet)
            {
                foreach (CodeArtifactRepository repository in SourceDiscovery.Discover(this, Path, Name, Scope, Quiet.IsPresent))
                {
                    _sources.Add(repository, repository.ProfileName, EndpointUrl);
                }
            }

            List<RefreshItem> items = SelectForTarget(_sources.Items);
            if (items.Count == 0 && Quiet)
            {
                WriteVerbose("No CodeArtifact sources were found, so nothing was refreshed.");
                return;
            }

            if (items.Count == 0)
            {
                WriteWarning(Name.Length > 0 && ParameterSetName == DiscoverSet
                    ? $"No CodeArtifact source matches -Name {string.Join(", ", Name)}, so nothing was refreshed. Get-CodeArtifactRepository lists the sources found."
                    : "No CodeArtifact sources were found, so nothing was refreshed. Run the command in a Poetry project whose " +
                      "[[tool.poetry.source]] points at CodeArtifact, or pipe in Get-CodeArtifactRepository -Url <url>.");
                return;
            }

            var env = HostEnvironment.Current;
            var observer = new CmdletObserver(this, "Updating CodeArtifact tokens for Poetry") { Quiet = Quiet.IsPresent };

            // Everything up to the skip check is local and cheap: no credentials, no network, no process.
            VariableTarget? variableTarget = Target == CredentialTargetKind.Poetry ? null : CreateVariableTarget(env, observer, items);
            if (items.Count == 0)
            {
                return; // every source was refused above, each with its own error
            }

            ICredentialDestination destination = variableTarget ?? (ICredentialDestination)new PoetryDestination(env, NoKeyring.IsPresent);
            var lifecycle = new TokenLifecycle(new TokenStateStore(TokenStatePaths.GetDirectory(env)),
                new LifecycleOptions { MinimumRemaining = MinimumRemaining, Force = Force.IsPresent, LockTimeout = TimeSpan.FromSeconds(EffectiveLockTimeoutSec()) },
                observer);
            LifecyclePlan plan = lifecycle.Partition(items, destination);
            foreach (SkippedSource skipped in plan.Skipped)
            {
                if (PassThru) WriteObject(SkippedResult(skipped, destination));
            }

            if (plan.Stale.Count == 0)
            {
                WriteVerbose($"All {items.Count} source(s) hold a token valid for more than {MinimumRemaining}: nothing was fetched and no process was started.");
                return;
            }

            PoetryCredentialStore? store = variableTarget == null ? CreatePoetryStore(env) : null;
            if (variableTarget == null && store == null)
            {
                return; // -Quiet and no Poetry: already reported as a warning
            }

            PoetryTarget? poetryTarget = store != null ? new PoetryTarget(store) : null;
            ICredentialTarget target = (ICredentialTarget?)variableTarget ?? poetryTarget!;
            var resolver = new AwsCredentialResolver(env, observer) { MfaCode = MfaCode, Cancel = _stopping.Token, Quiet = Quiet.IsPresent };
            if (Quiet)
            {
                // A profile line must not hang on a slow STS or IAM Identity Center endpoint either.
                resolver.SignInTimeout = TimeSpan.FromSeconds(TimeoutSec);
            }
            var refresher = new TokenRefresher(env, resolver,
                new CodeArtifactClient(new CodeArtifactClientOptions
                {
                    Timeout = TimeSpan.FromSeconds(TimeoutSec),
                    MaxAttempts = Quiet ? 1 : 3, // a prompt must not wait for retries of an unreachable AWS
                }));
            var options = new RefreshOptions
            {
                Method = AuthMethod,
                DurationSeconds = DurationSecond,
                Cancel = _stopping.Token,
                StoreHook = lifecycle.CreateStoreHook(destination, _stopping.Token),
            };

            try
            {
                foreach (RefreshOutcome outcome in refresher.Refresh(plan.Stale, target, options, observer))
                {
                    if (outcome.Error != null)
                    {
                        Report(outcome.Error, outcome.Repository);
                    }

                    if (PassThru)
                    {
                        WriteObject(outcome.Result);
                    }
                }
            }
            catch (PoetryCaAuthException e) when (Quiet)
            {
                WriteWarning(OneLine(e));
            }
            catch (PoetryCaAuthException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
            }

            WriteVerbose($"{refresher.TokenRequests} token request(s) for {plan.Stale.Count} source(s), {plan.Skipped.Count} skipped" +
                         (poetryTarget != null ? $"; Poetry started {poetryTarget.Store.Invocations} time(s)." : "."));
        }

        /// <summary>Parameter combinations that cannot work, refused before anything is read or fetched.</summary>
        private void CheckTargetParameters()
        {
            if (Target == CredentialTargetKind.Poetry && Array.Exists(Tool, t => t != CredentialTool.Poetry))
            {
                ThrowTerminatingError(ErrorRecords.Create("TargetParameterConflict", ErrorCategory.InvalidArgument, Tool,
                    "-Tool Uv and -Tool Pip name environment variables, which the Poetry target does not write.",
                    "Add -Target Environment, DotEnv, GitHubActions or AzurePipelines, or leave -Tool out."));
            }

            if (Target != CredentialTargetKind.DotEnv && (MyInvocation.BoundParameters.ContainsKey(nameof(DotEnvPath)) || DotEnvExport.IsPresent))
            {
                ThrowTerminatingError(ErrorRecords.Create("TargetParameterConflict", ErrorCategory.InvalidArgument, DotEnvPath,
                    "-DotEnvPath and -DotEnvExport apply to the DotEnv target only.", "Add -Target DotEnv."));
            }
        }

        /// <summary>uv indexes have no place in Poetry's config: the Poetry target passes them over.</summary>
        private List<RefreshItem> SelectForTarget(List<RefreshItem> items)
        {
            if (Target != CredentialTargetKind.Poetry) return items;
            var selected = new List<RefreshItem>();
            foreach (RefreshItem item in items)
            {
                if (item.Repository.Origin == SourceOrigin.UvIndex)
                {
                    WriteVerbose($"Passing over uv index '{item.Repository.Name}': the Poetry target stores Poetry sources only. " +
                                 $"Use -Target Environment, DotEnv, GitHubActions or AzurePipelines to give uv its {CredentialVariableNames.UvPassword(item.Repository.Name)}.");
                    continue;
                }

                selected.Add(item);
            }

            return selected;
        }

        private VariableTarget CreateVariableTarget(HostEnvironment env, CmdletObserver observer, List<RefreshItem> items)
        {
            IVariableSink sink;
            switch (Target)
            {
                case CredentialTargetKind.DotEnv:
                    string path = PathResolution.ResolveFile(this, DotEnvPath, ".env");
                    sink = new DotEnvSink(path, DotEnvExport.IsPresent);
                    break;
                case CredentialTargetKind.GitHubActions:
                    string? envFile = env.GetVariable("GITHUB_ENV");
                    if (envFile == null)
                    {
                        ThrowTerminatingError(ErrorRecords.Create("GitHubEnvNotSet", ErrorCategory.ObjectNotFound, "GITHUB_ENV",
                            "The GitHubActions target appends to the file named by GITHUB_ENV, and GITHUB_ENV is not set.",
                            "Run the command in a GitHub Actions step, or choose -Target Environment or DotEnv elsewhere."));
                    }

                    sink = new GitHubActionsSink(envFile!, observer);
                    break;
                case CredentialTargetKind.AzurePipelines:
                    if (env.GetVariable("TF_BUILD") == null)
                    {
                        WriteVerbose("TF_BUILD is not set: this does not look like an Azure Pipelines job, but the logging commands are written anyway.");
                    }

                    sink = new AzurePipelinesSink(observer);
                    break;
                default:
                    sink = new ProcessEnvironmentSink(env);
                    break;
            }

            CredentialVariablePlan plan = CredentialVariablePlan.Build(items.Select(i => i.Repository), Tool);
            foreach (string warning in plan.Warnings) WriteWarning(warning);
            foreach (var error in plan.Errors)
            {
                WriteError(ErrorRecords.From(error.Value, error.Key.Name));
                items.RemoveAll(i => ReferenceEquals(i.Repository, error.Key));
            }

            return new VariableTarget(sink, plan);
        }

        private static TokenRefreshResult SkippedResult(SkippedSource skipped, ICredentialDestination destination)
        {
            CodeArtifactRepository repo = skipped.Item.Repository;
            return new TokenRefreshResult
            {
                Name = repo.Name,
                Domain = repo.Domain,
                DomainOwner = repo.DomainOwner,
                Region = repo.Region,
                Repository = repo.Repository,
                Expiration = skipped.Expiration,
                Action = RefreshAction.Skipped,
                Target = destination.TargetName,
                Message = "Not refreshed: " + skipped.Reason + ".",
            };
        }

        protected override void StopProcessing() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();



        /// <summary>An error, or with -Quiet a one-line warning (a profile must not fill the screen).</summary>
        private void Report(PoetryCaAuthException error, CodeArtifactRepository repository)
        {
            if (Quiet)
            {
                WriteWarning($"PoetryCaAuth: source '{repository.Name}': {OneLine(error)}");
            }
            else
            {
                WriteError(ErrorRecords.From(error, repository));
            }
        }

        private static string OneLine(PoetryCaAuthException error) => ErrorRecords.OneLine(error);

        private PoetryCredentialStore? CreatePoetryStore(HostEnvironment env)
        {
            PoetryLocation location;
            try
            {
                location = PoetryLocator.Find(ResolvePoetryPath(), env);
                WriteVerbose($"Using Poetry at '{location.Path}' (found by {location.FoundBy}).");
            }
            catch (PoetryCaAuthException e)
            {
                // Checked before any token is fetched: without Poetry nothing could be stored.
                if (Quiet)
                {
                    WriteWarning(OneLine(e));
                    return null;
                }

                ThrowTerminatingError(ErrorRecords.From(e));
                throw;
            }

            return new PoetryCredentialStore(location, new ProcessRunner(), env) { NoKeyring = NoKeyring.IsPresent, Cancel = _stopping.Token };
        }

        /// <summary>A path with a folder part is taken relative to PowerShell's location; a bare name is left for PATH.</summary>
        private string? ResolvePoetryPath()
        {
            if (string.IsNullOrWhiteSpace(PoetryPath) || PoetryPath!.IndexOfAny(new[] { '/', '\\' }) < 0 && !System.IO.File.Exists(PoetryPath))
            {
                return PoetryPath;
            }

            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(PoetryPath);
        }
    }
}
