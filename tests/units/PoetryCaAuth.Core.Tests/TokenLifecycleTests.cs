using System.Net;
using System.Net.Http;
using System.Text;
using PoetryCaAuth;
using PoetryCaAuth.CodeArtifact;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Lifecycle;
using PoetryCaAuth.Model;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Refresh;
using Xunit;

namespace PoetryCaAuth.Core.Tests.Lifecycle;

/// <summary>A HostEnvironment whose OS, variables and home folder the test chooses.</summary>
internal sealed class LifecycleTestEnvironment : HostEnvironment
{
    private readonly OSKind _os;
    private readonly Dictionary<string, string> _variables;

    public LifecycleTestEnvironment(OSKind os, Dictionary<string, string>? variables = null)
    {
        _os = os;
        _variables = variables ?? new Dictionary<string, string>();
    }

    public override OSKind OS => _os;
    public override string? GetVariable(string name) => _variables.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;
    public void Set(string name, string value) => _variables[name] = value;
}

internal sealed class RecordingObserver : IRefreshObserver
{
    public List<string> Verbose { get; } = new();
    public List<string> Warnings { get; } = new();
    void IRefreshObserver.Verbose(string message) => Verbose.Add(message);
    void IRefreshObserver.Warning(string message) => Warnings.Add(message);
    public bool ShouldProcess(string target, string action) => true;
    public void Progress(int completed, int total, string status) { }
}

/// <summary>A destination whose contents the test controls.</summary>
internal sealed class FakeDestination : ICredentialDestination
{
    public string TargetName => "Fake";
    public bool TracksExpiry { get; set; } = true;
    public StoredCredentialState State { get; set; } = StoredCredentialState.Present;
    public Func<CodeArtifactRepository, string?> Group { get; set; } = _ => null;
    public string StateKey(CodeArtifactRepository repository) => "fake|" + repository.Name;
    public string Describe(CodeArtifactRepository repository) => "fake." + repository.Name;
    public string? SharedGroup(CodeArtifactRepository repository) => Group(repository);
    public StoredCredentialState Inspect(CodeArtifactRepository repository, string fingerprint) => State;
}

public sealed class TokenStatePathsTests
{
    [Theory]
    [InlineData(OSKind.Linux, "/home/ann/.local/state/PoetryCaAuth")]
    [InlineData(OSKind.MacOS, "/Users/ann/Library/Caches/PoetryCaAuth")]
    [InlineData(OSKind.Windows, @"C:\Users\ann\AppData\Local\PoetryCaAuth")]
    public void DefaultFolderPerOs(OSKind os, string expected)
    {
        var env = new LifecycleTestEnvironment(os, new Dictionary<string, string>
        {
            ["HOME"] = os == OSKind.MacOS ? "/Users/ann" : "/home/ann",
            ["USERPROFILE"] = @"C:\Users\ann",
        });
        Assert.Equal(expected, TokenStatePaths.GetDirectory(env));
    }

    [Fact]
    public void LinuxHonoursXdgStateHome()
    {
        var env = new LifecycleTestEnvironment(OSKind.Linux, new() { ["HOME"] = "/home/ann", ["XDG_STATE_HOME"] = "/srv/state" });
        Assert.Equal("/srv/state/PoetryCaAuth", TokenStatePaths.GetDirectory(env));
    }

    [Fact]
    public void LinuxIgnoresARelativeXdgStateHome()
    {
        var env = new LifecycleTestEnvironment(OSKind.Linux, new() { ["HOME"] = "/home/ann", ["XDG_STATE_HOME"] = "state" });
        Assert.Equal("/home/ann/.local/state/PoetryCaAuth", TokenStatePaths.GetDirectory(env));
    }

    [Fact]
    public void WindowsHonoursLocalAppData()
    {
        var env = new LifecycleTestEnvironment(OSKind.Windows, new() { ["USERPROFILE"] = @"C:\Users\ann", ["LOCALAPPDATA"] = @"D:\Local" });
        Assert.Equal(@"D:\Local\PoetryCaAuth", TokenStatePaths.GetDirectory(env));
    }

    [Theory]
    [InlineData(OSKind.Linux)]
    [InlineData(OSKind.MacOS)]
    [InlineData(OSKind.Windows)]
    public void OverrideWinsEverywhere(OSKind os)
    {
        var env = new LifecycleTestEnvironment(os, new() { ["HOME"] = "/h", ["USERPROFILE"] = @"C:\h", ["POETRYCAAUTH_STATE_DIR"] = "/custom/state" });
        Assert.Equal("/custom/state", TokenStatePaths.GetDirectory(env));
    }
}

public sealed class TokenStateStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static TokenStateEntry Entry(string source, DateTimeOffset expires) =>
        new(source, "Poetry", expires, TokenStateStore.Fingerprint("token-" + source), DateTimeOffset.UtcNow);

    [Fact]
    public void RoundTripsEntriesAndNeverWritesTheToken()
    {
        var store = new TokenStateStore(_dir);
        DateTimeOffset expires = DateTimeOffset.UtcNow.AddHours(12);
        store.Record("k1", Entry("one", expires), DateTimeOffset.UtcNow);
        store.Record("k2", Entry("two", expires), DateTimeOffset.UtcNow);

        TokenStateSnapshot snapshot = store.Load();
        Assert.Null(snapshot.Problem);
        Assert.Equal(2, snapshot.Entries.Count);
        Assert.Equal(expires.UtcTicks / TimeSpan.TicksPerMillisecond, snapshot.Get("k1")!.Expires.UtcTicks / TimeSpan.TicksPerMillisecond);
        Assert.Equal(TokenStateStore.Fingerprint("token-one"), snapshot.Get("k1")!.Fingerprint);
        Assert.DoesNotContain("token-one", File.ReadAllText(store.FilePath));
    }

    [Fact]
    public void FingerprintIsShortAndStable()
    {
        string token = new string('x', 1200);
        Assert.Equal(32, TokenStateStore.Fingerprint(token).Length);
        Assert.Equal(TokenStateStore.Fingerprint(token), TokenStateStore.Fingerprint(token));
        Assert.NotEqual(TokenStateStore.Fingerprint(token), TokenStateStore.Fingerprint(token + "y"));
    }

    [Theory]
    [InlineData("not json at all {", "not valid JSON")]
    [InlineData("{\"format\":\"PoetryCaAuth.TokenState\",\"version\":99,\"entries\":{}}", "another version")]
    [InlineData("{\"something\":\"else\"}", "not a PoetryCaAuth state file")]
    [InlineData("[1,2,3]", "not a PoetryCaAuth state file")]
    public void ABadFileReadsAsEmptyAndIsRewritten(string content, string problem)
    {
        Directory.CreateDirectory(_dir);
        var store = new TokenStateStore(_dir);
        File.WriteAllText(store.FilePath, content);

        TokenStateSnapshot snapshot = store.Load();
        Assert.Empty(snapshot.Entries);
        Assert.Contains(problem, snapshot.Problem);

        store.Record("k", Entry("one", DateTimeOffset.UtcNow.AddHours(1)), DateTimeOffset.UtcNow);
        Assert.Null(store.Load().Problem);
        Assert.Single(store.Load().Entries);
    }

    [Fact]
    public void AMissingFileReadsAsEmpty()
    {
        TokenStateSnapshot snapshot = new TokenStateStore(_dir).Load();
        Assert.Empty(snapshot.Entries);
        Assert.Contains("no state file", snapshot.Problem);
    }

    [Fact]
    public void EntriesWithMissingFieldsAreIgnored()
    {
        Directory.CreateDirectory(_dir);
        var store = new TokenStateStore(_dir);
        File.WriteAllText(store.FilePath,
            "{\"format\":\"PoetryCaAuth.TokenState\",\"version\":1,\"entries\":{\"a\":{\"source\":\"a\"},\"b\":{\"source\":\"b\",\"target\":\"Poetry\",\"expires\":\"2099-01-01T00:00:00Z\",\"fingerprint\":\"f\"}}}");
        TokenStateSnapshot snapshot = store.Load();
        Assert.Null(snapshot.Get("a"));
        Assert.NotNull(snapshot.Get("b"));
    }

    [Fact]
    public void LongExpiredEntriesArePrunedOnWrite()
    {
        var store = new TokenStateStore(_dir);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        store.Record("old", Entry("old", now.AddDays(-3)), now);
        store.Record("new", Entry("new", now.AddHours(5)), now);
        Assert.Null(store.Load().Get("old"));
        Assert.NotNull(store.Load().Get("new"));
    }

    [Fact]
    public void FileAndFolderAreOwnerOnlyOnUnix()
    {
        if (OperatingSystem.IsWindows()) return;
        var store = new TokenStateStore(Path.Combine(_dir, "nested"));
        store.Record("k", Entry("one", DateTimeOffset.UtcNow.AddHours(1)), DateTimeOffset.UtcNow);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Directory));
    }
}

public sealed class CrossProcessLockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-lock-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void ASecondHolderTimesOutWithLockTimeout()
    {
        string path = Path.Combine(_dir, "x.lock");
        using CrossProcessLock first = CrossProcessLock.Acquire(path, TimeSpan.FromSeconds(1), CancellationToken.None);
        bool told = false;
        var started = DateTime.UtcNow;
        var error = Assert.Throws<PoetryCaAuthException>(() =>
            CrossProcessLock.Acquire(path, TimeSpan.FromMilliseconds(400), CancellationToken.None, () => told = true));
        Assert.Equal(ErrorKind.LockTimeout, error.Kind);
        Assert.Equal("TokenStoreLockTimeout", error.ErrorId);
        Assert.True(told);
        Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 350, 5000);
    }

    [Fact]
    public async Task ReleasingLetsTheNextOneIn()
    {
        string path = Path.Combine(_dir, "x.lock");
        CrossProcessLock first = CrossProcessLock.Acquire(path, TimeSpan.FromSeconds(1), CancellationToken.None);
        var waiter = Task.Run(() => CrossProcessLock.Acquire(path, TimeSpan.FromSeconds(10), CancellationToken.None));
        await Task.Delay(200);
        Assert.False(waiter.IsCompleted);
        first.Dispose();
        using CrossProcessLock second = await waiter;
        Assert.True(File.Exists(path));
    }
}

public sealed class TokenLifecyclePartitionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-life-" + Guid.NewGuid().ToString("N"));
    private readonly DateTimeOffset _now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static RefreshItem Item(string name) => new(new CodeArtifactRepository { Name = name, Domain = "d", DomainOwner = "111122223333", Region = "us-west-2" });

    private TokenLifecycle Lifecycle(RecordingObserver observer, bool force = false, double minimumHours = 1) =>
        new(new TokenStateStore(_dir), new LifecycleOptions { UtcNow = () => _now, Force = force, MinimumRemaining = TimeSpan.FromHours(minimumHours) }, observer);

    private void Record(string name, DateTimeOffset expires) =>
        new TokenStateStore(_dir).Record(TokenLifecycle.StateKeyOf(new FakeDestination(), Item(name).Repository),
            new TokenStateEntry(name, "Fake", expires, "fp", _now), _now);

    [Fact]
    public void SkipsWhatStaysValidLongerThanTheMinimum()
    {
        Record("a", _now.AddHours(11));
        var observer = new RecordingObserver();
        LifecyclePlan plan = Lifecycle(observer).Partition(new[] { Item("a") }, new FakeDestination());
        Assert.Empty(plan.Stale);
        Assert.Equal(_now.AddHours(11), Assert.Single(plan.Skipped).Expiration);
        Assert.Contains(observer.Verbose, m => m.Contains("skipped") && m.Contains("-Force"));
    }

    [Theory]
    [InlineData(-1.0)]     // expired
    [InlineData(0.5)]      // nearly expired: less than the minimum left
    [InlineData(1.0)]      // exactly the minimum: not more than it
    public void RefreshesExpiredAndNearlyExpired(double hoursLeft)
    {
        Record("a", _now.AddHours(hoursLeft));
        LifecyclePlan plan = Lifecycle(new RecordingObserver()).Partition(new[] { Item("a") }, new FakeDestination());
        Assert.Single(plan.Stale);
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void RefreshesWhatWasNeverRecorded()
    {
        Record("a", _now.AddHours(11));
        LifecyclePlan plan = Lifecycle(new RecordingObserver()).Partition(new[] { Item("a"), Item("b") }, new FakeDestination());
        Assert.Equal("b", Assert.Single(plan.Stale).Repository.Name);
    }

    [Theory]
    [InlineData(StoredCredentialState.Missing, true)]
    [InlineData(StoredCredentialState.Different, true)]
    [InlineData(StoredCredentialState.Unknown, false)]
    [InlineData(StoredCredentialState.Present, false)]
    public void RefreshesWhenTheDestinationLostTheCredential(StoredCredentialState state, bool refreshed)
    {
        Record("a", _now.AddHours(11));
        LifecyclePlan plan = Lifecycle(new RecordingObserver()).Partition(new[] { Item("a") }, new FakeDestination { State = state });
        Assert.Equal(refreshed, plan.Stale.Count == 1);
    }

    [Fact]
    public void ForceRefreshesEverythingWithoutReadingState()
    {
        Record("a", _now.AddHours(11));
        LifecyclePlan plan = Lifecycle(new RecordingObserver(), force: true).Partition(new[] { Item("a") }, new FakeDestination());
        Assert.Single(plan.Stale);
    }

    [Fact]
    public void DestinationsThatCannotBeCheckedAlwaysRefresh()
    {
        Record("a", _now.AddHours(11));
        LifecyclePlan plan = Lifecycle(new RecordingObserver()).Partition(new[] { Item("a") }, new FakeDestination { TracksExpiry = false });
        Assert.Single(plan.Stale);
    }

    [Fact]
    public void OneStaleMemberRefreshesItsWholeGroup()
    {
        Record("a", _now.AddHours(11));
        Record("c", _now.AddHours(11));
        var destination = new FakeDestination { Group = r => r.Name == "c" ? null : "pip" };
        LifecyclePlan plan = Lifecycle(new RecordingObserver()).Partition(new[] { Item("a"), Item("b"), Item("c") }, destination);
        Assert.Equal(new[] { "a", "b" }, plan.Stale.Select(i => i.Repository.Name));
        Assert.Equal("c", Assert.Single(plan.Skipped).Item.Repository.Name);
    }

    [Fact]
    public void ACorruptStateFileMeansRefreshNotFailure()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, TokenStatePaths.StateFileName), "\0\0garbage");
        var observer = new RecordingObserver();
        LifecyclePlan plan = Lifecycle(observer).Partition(new[] { Item("a") }, new FakeDestination());
        Assert.Single(plan.Stale);
        Assert.Contains(observer.Verbose, m => m.Contains("not valid JSON"));
    }
}

/// <summary>The hooks TokenRefresher calls around each store, with a fake CodeArtifact over HttpClient.</summary>
public sealed class RefresherStoreHookTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pca-hook-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private sealed class TokenHandler : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            long expires = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"authorizationToken\":\"eyJtoken-" + Requests + "\",\"expiration\":" + expires + "}", Encoding.UTF8, "application/json"),
            });
        }
    }

    private sealed class ListTarget : ICredentialTarget
    {
        public List<string> Stored { get; } = new();
        public Func<string, bool> Fails { get; set; } = _ => false;
        public string Name => "List";
        public string ActionDescription => "store";
        public string DescribeTarget(CodeArtifactRepository repository) => repository.Name;

        public void Store(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration)
        {
            if (Fails(repository.Name)) throw new PoetryCaAuthException(ErrorKind.PoetryFailed, "PoetryConfigFailed", "no", repository.Name);
            Stored.Add(repository.Name);
        }
    }

    private static (TokenRefresher, TokenHandler) Refresher()
    {
        var env = new LifecycleTestEnvironment(OSKind.Linux, new()
        {
            ["HOME"] = "/nowhere",
            ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE000000001",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["AWS_ENDPOINT_URL_CODEARTIFACT"] = "http://127.0.0.1:9",
        });
        var handler = new TokenHandler();
        var client = new CodeArtifactClient(new CodeArtifactClientOptions(), new HttpClient(handler));
        return (new TokenRefresher(env, new AwsCredentialResolver(env), client), handler);
    }

    private static RefreshItem Item(string name) =>
        new(new CodeArtifactRepository { Name = name, Domain = "my-domain", DomainOwner = "111122223333", Region = "us-west-2" });

    [Fact]
    public void ARecordForOneDomain_SaysNothingAboutASameNamedSourceInAnother()
    {
        var destination = new FakeDestination();
        CodeArtifactRepository here = Item("codeartifact").Repository;
        var elsewhere = new CodeArtifactRepository { Name = "codeartifact", Domain = "other-domain", DomainOwner = "444455556666", Region = "eu-west-1" };

        Assert.NotEqual(TokenLifecycle.StateKeyOf(destination, here), TokenLifecycle.StateKeyOf(destination, elsewhere));
    }

    [Fact]
    public void RecordsOnlyAfterASuccessfulStore()
    {
        (TokenRefresher refresher, TokenHandler handler) = Refresher();
        var observer = new RecordingObserver();
        var lifecycle = new TokenLifecycle(new TokenStateStore(_dir), new LifecycleOptions(), observer);
        var destination = new FakeDestination();
        var target = new ListTarget { Fails = n => n == "bad" };
        var options = new RefreshOptions { StoreHook = lifecycle.CreateStoreHook(destination, CancellationToken.None) };

        List<RefreshOutcome> outcomes = refresher.Refresh(new[] { Item("good"), Item("bad") }, target, options, observer).ToList();

        Assert.Equal(1, handler.Requests);
        Assert.Null(outcomes[0].Error);
        Assert.Equal("PoetryConfigFailed", outcomes[1].Error!.ErrorId);
        TokenStateSnapshot state = lifecycle.Store.Load();
        string good = TokenLifecycle.StateKeyOf(destination, Item("good").Repository);
        Assert.NotNull(state.Get(good));
        Assert.Null(state.Get(TokenLifecycle.StateKeyOf(destination, Item("bad").Repository)));
        Assert.Equal(TokenStateStore.Fingerprint("eyJtoken-1"), state.Get(good)!.Fingerprint);
    }

    [Fact]
    public void ALockHeldElsewhereFailsEachSourceWithLockTimeoutAndStoresNothing()
    {
        (TokenRefresher refresher, _) = Refresher();
        var observer = new RecordingObserver();
        var store = new TokenStateStore(_dir);
        var lifecycle = new TokenLifecycle(store, new LifecycleOptions { LockTimeout = TimeSpan.FromMilliseconds(300) }, observer);
        var target = new ListTarget();
        using CrossProcessLock held = CrossProcessLock.Acquire(store.LockPath, TimeSpan.FromSeconds(1), CancellationToken.None);
        var options = new RefreshOptions { StoreHook = lifecycle.CreateStoreHook(new FakeDestination(), CancellationToken.None) };

        var started = DateTime.UtcNow;
        List<RefreshOutcome> outcomes = refresher.Refresh(new[] { Item("a"), Item("b") }, target, options, observer).ToList();

        Assert.All(outcomes, o => Assert.Equal("TokenStoreLockTimeout", o.Error!.ErrorId));
        Assert.Equal(new[] { "a", "b" }, outcomes.Select(o => (string)o.Error!.Target!));
        Assert.Empty(target.Stored);
        // The second source does not wait a second time.
        Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 250, 3000);
    }

    [Fact]
    public void AnUnwritableStateFolderWarnsButStillStores()
    {
        (TokenRefresher refresher, _) = Refresher();
        // A file where the folder should be: even root cannot create the folder (chmod would not stop root).
        Directory.CreateDirectory(_dir);
        string blocked = Path.Combine(_dir, "state");
        File.WriteAllText(blocked, "not a folder");
        var observer = new RecordingObserver();
        var lifecycle = new TokenLifecycle(new TokenStateStore(blocked), new LifecycleOptions(), observer);
        var target = new ListTarget();
        var options = new RefreshOptions { StoreHook = lifecycle.CreateStoreHook(new FakeDestination(), CancellationToken.None) };

        List<RefreshOutcome> outcomes = refresher.Refresh(new[] { Item("a") }, target, options, observer).ToList();

        Assert.Null(outcomes[0].Error);
        Assert.Equal(new[] { "a" }, target.Stored);
        Assert.Contains(observer.Warnings, w => w.Contains("lock"));
        Assert.Contains(observer.Warnings, w => w.Contains("next run will refresh"));
    }
}
