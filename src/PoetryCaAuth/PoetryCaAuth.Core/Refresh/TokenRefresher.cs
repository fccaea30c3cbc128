using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Refresh
{
    /// <summary>One source to refresh, with the per-source settings the pipeline may carry.</summary>
    public sealed class RefreshItem
    {
        public RefreshItem(CodeArtifactRepository repository, string? profileName = null, string? endpointUrl = null,
            string? profileReason = null)
        {
            Repository = repository;
            ProfileName = profileName;
            EndpointUrl = endpointUrl;
            ProfileReason = profileReason;
        }

        public CodeArtifactRepository Repository { get; }
        public string? ProfileName { get; }
        public string? EndpointUrl { get; }

        /// <summary>Where ProfileName came from (e.g. a key of the -ProfileName table), for the verbose narrative.</summary>
        public string? ProfileReason { get; }
    }

    public sealed class RefreshOptions
    {
        public AuthMethod? Method { get; set; }
        public int DurationSeconds { get; set; } = 43200;
        public CancellationToken Cancel { get; set; }

        /// <summary>Called around each store (the cross-process lock and the expiry record); null for none.</summary>
        public IStoreHook? StoreHook { get; set; }
    }

    /// <summary>One source's outcome: a result for the pipeline, or the error that stopped it.</summary>
    public sealed class RefreshOutcome
    {
        public RefreshOutcome(CodeArtifactRepository repository, TokenRefreshResult result, PoetryCaAuthException? error)
        {
            Repository = repository;
            Result = result;
            Error = error;
        }

        public CodeArtifactRepository Repository { get; }
        public TokenRefreshResult Result { get; }
        public PoetryCaAuthException? Error { get; }
    }

    /// <summary>
    /// The refresh pipeline: credentials per source, one GetAuthorizationToken per distinct domain, owner,
    /// region, endpoint and identity (fetched concurrently), then one store per source, in input order.
    /// A source that fails at any step is reported and leaves whatever was stored before untouched.
    /// All observer calls happen on the calling thread, as PowerShell requires.
    /// </summary>
    public sealed class TokenRefresher
    {
        private readonly HostEnvironment _env;
        private readonly AwsCredentialResolver _credentials;
        private readonly CodeArtifactClient _client;

        public TokenRefresher(HostEnvironment env, AwsCredentialResolver credentials, CodeArtifactClient client)
        {
            _env = env;
            _credentials = credentials;
            _client = client;
        }

        public int TokenRequests { get; private set; }

        public IEnumerable<RefreshOutcome> Refresh(IReadOnlyList<RefreshItem> items, ICredentialTarget target,
            RefreshOptions options, IRefreshObserver observer)
        {
            // Checked here, eagerly, so a bad duration fails the call before anything is enumerated.
            CodeArtifactClient.CheckDuration(options.DurationSeconds);
            return RefreshItems(items, target, options, observer);
        }

        private IEnumerable<RefreshOutcome> RefreshItems(IReadOnlyList<RefreshItem> items, ICredentialTarget target,
            RefreshOptions options, IRefreshObserver observer)
        {
            // 0. Ask first (-WhatIf, -Confirm): a declined source costs no sign-in, no request and no prompt.
            var declined = new HashSet<RefreshItem>();
            foreach (RefreshItem item in items)
            {
                if (!observer.ShouldProcess(target.DescribeTarget(item.Repository), target.ActionDescription))
                {
                    declined.Add(item);
                }
            }

            // 1. Credentials and grouping, on this thread: resolving may prompt (MFA) through the host.
            var plans = new List<(RefreshItem Item, TokenGroup? Group, PoetryCaAuthException? Error)>();
            var groups = new Dictionary<string, TokenGroup>(StringComparer.Ordinal);
            foreach (RefreshItem item in items)
            {
                CodeArtifactRepository repo = item.Repository;
                if (declined.Contains(item))
                {
                    plans.Add((item, null, null));
                    continue;
                }

                try
                {
                    AuthSelection selection = NullIfEmpty(item.ProfileName) != null
                        ? _credentials.Select(options.Method, item.ProfileName, item.ProfileReason)
                        : _credentials.Select(options.Method, NullIfEmpty(repo.ProfileName), "the source's ProfileName");
                    ResolvedCredentials credentials = _credentials.Resolve(selection);
                    Uri endpoint = CodeArtifactEndpoint.Resolve(repo.Region, item.EndpointUrl, _env, out string endpointSource);
                    string key = string.Join("|", repo.Domain, repo.DomainOwner, repo.Region, endpoint.AbsoluteUri, credentials.IdentityKey);
                    if (!groups.TryGetValue(key, out TokenGroup? group))
                    {
                        group = new TokenGroup(repo, endpoint, credentials);
                        groups.Add(key, group);
                        // The reason says why this source came to be used; said once when it is the source itself.
                        string why = selection.Reason == credentials.Description ? string.Empty : $" ({selection.Reason})";
                        observer.Verbose($"Source '{repo.Name}': credentials from {credentials.Description}{why}; " +
                                         $"token for domain '{repo.Domain}' (owner {repo.DomainOwner}, region {repo.Region}) from {endpoint} ({endpointSource}).");
                    }
                    else
                    {
                        observer.Verbose($"Source '{repo.Name}': shares the token of domain '{repo.Domain}' (owner {repo.DomainOwner}) with '{group.First.Name}'.");
                    }

                    plans.Add((item, group, null));
                }
                catch (PoetryCaAuthException e)
                {
                    plans.Add((item, null, e));
                }
            }

            // 2. Tokens, one request chain per group, concurrently.
            if (groups.Count > 0)
            {
                observer.Progress(0, items.Count, $"Requesting {groups.Count} CodeArtifact token(s)");
                TokenRequests += groups.Count;
                Task.WaitAll(groups.Values.Select(g => g.FetchAsync(_client, options)).ToArray());
            }

            // 3. Store, one source at a time, in input order.
            int completed = 0;
            foreach (var plan in plans)
            {
                CodeArtifactRepository repo = plan.Item.Repository;
                observer.Progress(completed++, items.Count, $"Source '{repo.Name}'");
                TokenRefreshResult result = NewResult(repo, plan.Group, target);
                string targetText = target.DescribeTarget(repo);
                if (declined.Contains(plan.Item))
                {
                    result.Action = RefreshAction.WhatIf;
                    result.Message = $"Would fetch a token and store it in {targetText}.";
                    yield return new RefreshOutcome(repo, result, null);
                    continue;
                }

                PoetryCaAuthException? error = plan.Error ?? plan.Group?.Error;
                if (error != null)
                {
                    result.Action = RefreshAction.Failed;
                    result.Message = error.Message;
                    yield return new RefreshOutcome(repo, result, error);
                    continue;
                }

                TokenGroup group = plan.Group!;
                result.Expiration = group.Token!.Expiration;

                try
                {
                    using (options.StoreHook?.EnterStore(repo))
                    {
                        target.Store(repo, group.Token.Token, group.Token.Expiration);
                        options.StoreHook?.Stored(repo, group.Token.Token, group.Token.Expiration);
                    }

                    result.Action = RefreshAction.Stored;
                    result.Message = $"Stored in {targetText}; valid until {group.Token.Expiration:u}.";
                    observer.Verbose($"Source '{repo.Name}': {result.Message}");
                }
                catch (PoetryCaAuthException e)
                {
                    result.Action = RefreshAction.Failed;
                    result.Message = e.Message;
                    error = e;
                }

                yield return new RefreshOutcome(repo, result, error);
            }

            observer.Progress(items.Count, items.Count, "Done");
        }

        private static TokenRefreshResult NewResult(CodeArtifactRepository repo, TokenGroup? group, ICredentialTarget target) =>
            new TokenRefreshResult
            {
                Name = repo.Name,
                Domain = repo.Domain,
                DomainOwner = repo.DomainOwner,
                Region = repo.Region,
                Repository = repo.Repository,
                Target = target.Name,
                Identity = group?.Credentials.Description ?? string.Empty,
            };

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

        /// <summary>Sources that share one token.</summary>
        private sealed class TokenGroup
        {
            public TokenGroup(CodeArtifactRepository first, Uri endpoint, ResolvedCredentials credentials)
            {
                First = first;
                Endpoint = endpoint;
                Credentials = credentials;
            }

            public CodeArtifactRepository First { get; }
            public Uri Endpoint { get; }
            public ResolvedCredentials Credentials { get; }
            public AuthorizationTokenResult? Token { get; private set; }
            public PoetryCaAuthException? Error { get; private set; }

            public async Task FetchAsync(CodeArtifactClient client, RefreshOptions options)
            {
                try
                {
                    Token = await client.GetAuthorizationTokenAsync(Endpoint, First.Region, First.Domain, First.DomainOwner,
                        options.DurationSeconds, Credentials, options.Cancel).ConfigureAwait(false);
                }
                catch (PoetryCaAuthException e)
                {
                    Error = e;
                }
                catch (OperationCanceledException e)
                {
                    Error = new PoetryCaAuthException(ErrorKind.Cancelled, "OperationCancelled", "The refresh was cancelled.",
                        First.Name, null, e);
                }
            }
        }
    }
}
