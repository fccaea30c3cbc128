using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using PoetryCaAuth.Model;
using PoetryCaAuth.Refresh;

namespace PoetryCaAuth.Lifecycle
{
    /// <summary>A source that need not be refreshed, with the expiry of what is stored.</summary>
    public sealed class SkippedSource
    {
        public SkippedSource(RefreshItem item, DateTimeOffset expiration, string reason)
        {
            Item = item;
            Expiration = expiration;
            Reason = reason;
        }

        public RefreshItem Item { get; }
        public DateTimeOffset Expiration { get; }
        public string Reason { get; }
    }

    /// <summary>The skip check's answer: what to refresh, and what is still good.</summary>
    public sealed class LifecyclePlan
    {
        public List<RefreshItem> Stale { get; } = new List<RefreshItem>();
        public List<SkippedSource> Skipped { get; } = new List<SkippedSource>();
    }

    public sealed class LifecycleOptions
    {
        /// <summary>A source is skipped only when its stored token stays valid for longer than this.</summary>
        public TimeSpan MinimumRemaining { get; set; } = TimeSpan.FromHours(1);

        /// <summary>Refresh everything, whatever the state file says.</summary>
        public bool Force { get; set; }

        /// <summary>How long to wait for another run's store lock.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

        public Func<DateTimeOffset> UtcNow { get; set; } = () => DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// The token lifecycle around a refresh: before it, which sources still hold a token valid for long enough
    /// (read from the state file and a cheap look at the destination: no network, no process); during it, a
    /// cross-process lock around each store and the state update that follows a successful store.
    /// </summary>
    public sealed class TokenLifecycle
    {
        /// <summary>
        /// A record holds for one place AND one CodeArtifact domain: two projects may both call their source
        /// "codeartifact" for different domains, and a token for one says nothing about the other.
        /// </summary>
        internal static string StateKeyOf(ICredentialDestination destination, CodeArtifactRepository repository) =>
            destination.StateKey(repository) + "|" + repository.Domain + "-" + repository.DomainOwner + "." + repository.Region;

        private readonly TokenStateStore _store;
        private readonly LifecycleOptions _options;
        private readonly IRefreshObserver _observer;

        public TokenLifecycle(TokenStateStore store, LifecycleOptions options, IRefreshObserver observer)
        {
            _store = store;
            _options = options;
            _observer = observer;
        }

        public TokenStateStore Store => _store;

        public LifecyclePlan Partition(IReadOnlyList<RefreshItem> items, ICredentialDestination destination)
        {
            var plan = new LifecyclePlan();
            if (_options.Force)
            {
                _observer.Verbose("-Force: refreshing every source, whatever is stored.");
                plan.Stale.AddRange(items);
                return plan;
            }

            if (!destination.TracksExpiry)
            {
                _observer.Verbose($"The {destination.TargetName} target cannot be checked later, so every source is refreshed.");
                plan.Stale.AddRange(items);
                return plan;
            }

            TokenStateSnapshot state = _store.Load();
            if (state.Problem != null)
            {
                _observer.Verbose($"No token expiry is known: {state.Problem}. Every source is refreshed.");
            }

            DateTimeOffset now = _options.UtcNow();
            var decisions = new List<(RefreshItem Item, SkippedSource? Skip)>();
            foreach (RefreshItem item in items)
            {
                CodeArtifactRepository repo = item.Repository;
                string where = destination.Describe(repo);
                TokenStateEntry? entry = state.Get(StateKeyOf(destination, repo));
                if (entry == null)
                {
                    if (state.Problem == null) _observer.Verbose($"Source '{repo.Name}': no token recorded for {where}; refreshing.");
                    decisions.Add((item, null));
                    continue;
                }

                TimeSpan remaining = entry.Expires - now;
                if (remaining <= _options.MinimumRemaining)
                {
                    _observer.Verbose(remaining <= TimeSpan.Zero
                        ? $"Source '{repo.Name}': the token in {where} expired at {entry.Expires:u}; refreshing."
                        : $"Source '{repo.Name}': the token in {where} expires at {entry.Expires:u}, in {Format(remaining)}, " +
                          $"which is not more than -MinimumRemaining {Format(_options.MinimumRemaining)}; refreshing.");
                    decisions.Add((item, null));
                    continue;
                }

                StoredCredentialState found = destination.Inspect(repo, entry.Fingerprint);
                if (found == StoredCredentialState.Missing || found == StoredCredentialState.Different)
                {
                    _observer.Verbose($"Source '{repo.Name}': {where} " +
                                      (found == StoredCredentialState.Missing ? "no longer holds a token" : "holds another credential than the one recorded") +
                                      "; refreshing.");
                    decisions.Add((item, null));
                    continue;
                }

                string reason = $"the token in {where} is valid until {entry.Expires:u} ({Format(remaining)} left, more than -MinimumRemaining {Format(_options.MinimumRemaining)})";
                decisions.Add((item, new SkippedSource(item, entry.Expires, reason)));
            }

            // Sources that share variables are written together, so one stale member refreshes its whole group.
            var staleGroups = new HashSet<string>(decisions.Where(d => d.Skip == null)
                .Select(d => destination.SharedGroup(d.Item.Repository)).Where(g => g != null).Select(g => g!), StringComparer.Ordinal);
            foreach (var decision in decisions)
            {
                string? group = destination.SharedGroup(decision.Item.Repository);
                if (decision.Skip != null && group != null && staleGroups.Contains(group))
                {
                    _observer.Verbose($"Source '{decision.Item.Repository.Name}': still valid, but refreshed with the other sources that share its variables.");
                    plan.Stale.Add(decision.Item);
                }
                else if (decision.Skip != null)
                {
                    _observer.Verbose($"Source '{decision.Item.Repository.Name}': {decision.Skip.Reason}; skipped (use -Force to refresh anyway).");
                    plan.Skipped.Add(decision.Skip);
                }
                else
                {
                    plan.Stale.Add(decision.Item);
                }
            }

            return plan;
        }

        /// <summary>The hook that <see cref="TokenRefresher"/> calls around each store.</summary>
        public IStoreHook CreateStoreHook(ICredentialDestination destination, CancellationToken cancel) =>
            new StoreHook(this, destination, cancel);

        internal static string Format(TimeSpan span) =>
            span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours:00}h{span.Minutes:00}m"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : $"{(int)Math.Max(0, span.TotalMinutes)}m{Math.Max(0, span.Seconds):00}s";

        private sealed class StoreHook : IStoreHook
        {
            private readonly TokenLifecycle _owner;
            private readonly ICredentialDestination _destination;
            private readonly CancellationToken _cancel;
            private PoetryCaAuthException? _timedOut;
            private bool _lockUnavailable;

            public StoreHook(TokenLifecycle owner, ICredentialDestination destination, CancellationToken cancel)
            {
                _owner = owner;
                _destination = destination;
                _cancel = cancel;
            }

            public IDisposable? EnterStore(CodeArtifactRepository repository)
            {
                // After one time-out the other run is evidently still busy: fail the rest at once, not after N more waits.
                if (_timedOut != null)
                {
                    throw new PoetryCaAuthException(_timedOut.Kind, _timedOut.ErrorId, _timedOut.Message, repository.Name,
                        _timedOut.RecommendedAction, _timedOut);
                }

                if (_lockUnavailable) return null;
                try
                {
                    return CrossProcessLock.Acquire(_owner._store.LockPath, _owner._options.LockTimeout, _cancel,
                        () => _owner._observer.Verbose($"Waiting up to {_owner._options.LockTimeout.TotalSeconds:0} s for another PoetryCaAuth run " +
                                                       $"to finish storing credentials (lock '{_owner._store.LockPath}')."));
                }
                catch (PoetryCaAuthException e)
                {
                    _timedOut = e;
                    throw new PoetryCaAuthException(e.Kind, e.ErrorId, e.Message, repository.Name, e.RecommendedAction, e);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // A state folder we cannot write must not stop credentials from being stored.
                    _lockUnavailable = true;
                    _owner._observer.Warning($"Could not take the credential store lock '{_owner._store.LockPath}' ({e.Message}); " +
                                             "storing without it. Concurrent runs may then overwrite each other's changes.");
                    return null;
                }
            }

            public void Stored(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration)
            {
                if (!_destination.TracksExpiry) return;
                DateTimeOffset now = _owner._options.UtcNow();
                var entry = new TokenStateEntry(repository.Name, _destination.TargetName, expiration,
                    TokenStateStore.Fingerprint(token.Reveal()), now);
                try
                {
                    _owner._store.Record(StateKeyOf(_destination, repository), entry, now);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    _owner._observer.Warning($"Source '{repository.Name}': stored, but its expiry could not be recorded in '{_owner._store.FilePath}' " +
                                             $"({e.Message}); the next run will refresh it again.");
                }
            }
        }
    }
}
