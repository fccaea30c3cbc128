using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Core.Tests;

/// <summary>
/// A machine made of dictionaries: its OS, variables, home folder and the files and folders that "exist".
/// By default nothing exists; <see cref="UseRealFileSystem"/> lets discovery tests use real temp files while
/// still controlling the variables (so the test process environment is never touched).
/// </summary>
internal sealed class FakeHostEnvironment : HostEnvironment
{
    private readonly OSKind _os;
    private readonly string _home;

    public FakeHostEnvironment(OSKind os = OSKind.Linux, string? home = null)
    {
        _os = os;
        _home = home ?? (os == OSKind.Windows ? @"C:\Users\alice" : os == OSKind.MacOS ? "/Users/alice" : "/home/alice");
    }

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Files { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Directories { get; } = new(StringComparer.Ordinal);
    public bool UseRealFileSystem { get; init; }

    /// <summary>Every path asked about, in order: lets tests check where a search looked.</summary>
    public List<string> Probed { get; } = new();

    public override OSKind OS => _os;

    public override string HomeDirectory => _home;

    public override IEnumerable<string> VariableNames => Variables.Keys;

    public override string? GetVariable(string name) =>
        Variables.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;

    /// <summary>Pretend files are executable unless listed here; real files (UseRealFileSystem) ask the OS.</summary>
    public HashSet<string> NotExecutable { get; } = new(StringComparer.Ordinal);

    public override bool IsExecutable(string path) =>
        !NotExecutable.Contains(path) && (UseRealFileSystem ? base.IsExecutable(path) : Files.Contains(path));

    public override bool FileExists(string path)
    {
        Probed.Add(path);
        return UseRealFileSystem ? File.Exists(path) : Files.Contains(path);
    }

    public override bool DirectoryExists(string path)
    {
        Probed.Add(path);
        return UseRealFileSystem ? Directory.Exists(path) : Directories.Contains(path);
    }

    public FakeHostEnvironment With(string name, string value)
    {
        Variables[name] = value;
        return this;
    }

    public FakeHostEnvironment WithFile(string path)
    {
        Files.Add(path);
        return this;
    }

    public FakeHostEnvironment WithDirectory(string path)
    {
        Directories.Add(path);
        return this;
    }
}

/// <summary>A temp folder removed at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pcaa-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relativePath, string content)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public string CreateDirectory(string relativePath) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relativePath)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
