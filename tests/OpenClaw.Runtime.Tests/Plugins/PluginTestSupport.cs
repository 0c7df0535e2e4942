using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Runtime.Plugins.Registry;
using OpenClaw.Sandbox;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Runtime.Tests.Plugins;

/// <summary>
/// A test that runs plugin code in the sandbox. Skipped, with the reason shown, where <c>bwrap</c> is missing, except in CI
/// (<c>CI=true</c>), where it must run (the sandbox tests' rule).
/// </summary>
public sealed class SandboxFactAttribute : FactAttribute
{
    public SandboxFactAttribute()
    {
        if (!BubblewrapInstalled && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap";
    }

    public static bool BubblewrapInstalled { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "bwrap")));
}

/// <summary>Hand-made packages: a manifest and files that are not real assemblies (enough for everything but running them).</summary>
internal static class TestPackages
{
    public const string Assembly = "Sample.dll";

    public static readonly byte[] FakeAssembly = "MZ: not really an assembly"u8.ToArray();

    public static JsonObject Manifest(string name = "sample", string version = "1.0.0") => new()
    {
        ["name"] = name,
        ["version"] = version,
        ["description"] = $"The {name} test plugin",
        ["author"] = "tests",
        ["category"] = "testing",
        ["tags"] = new JsonArray("test", "fake"),
        ["dependencies"] = new JsonArray(),
        ["permissions"] = new JsonArray(),
        ["resources"] = new JsonObject { ["memory_mb"] = 64, ["cpu_time_seconds"] = 5 },
        ["entry"] = new JsonObject { ["assembly"] = Assembly, ["type"] = "Sample.SamplePlugin" },
    };

    /// <summary>A package of <paramref name="manifest"/> and <paramref name="files"/> (default: a fake entry assembly), with the digest filled in unless the manifest has one.</summary>
    public static byte[] Build(JsonObject manifest, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        files ??= new Dictionary<string, byte[]> { [Assembly] = FakeAssembly };
        if (!manifest.ContainsKey("digest")) manifest["digest"] = PluginPackageDigest.Compute(files);
        return Zip([(PluginManifest.FileName, Encoding.UTF8.GetBytes(manifest.ToJsonString())), .. files.Select(f => (f.Key, f.Value))]);
    }

    /// <summary>A zip of exactly these entries, names as given (so tests can write names no packer would).</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The package with one entry's bytes replaced, everything else (the manifest and its digest) unchanged.</summary>
    public static byte[] Tamper(byte[] package, string entry, byte[] content)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry(entry)!.Delete();
            using var stream = archive.CreateEntry(entry).Open();
            stream.Write(content);
        }
        return buffer.ToArray();
    }

    /// <summary>The package with its manifest edited and its digest kept (so the payload still matches).</summary>
    public static byte[] EditManifest(byte[] package, Action<JsonObject> edit)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.GetEntry(PluginManifest.FileName)!;
            JsonObject manifest;
            using (var reader = new StreamReader(entry.Open())) manifest = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
            edit(manifest);
            entry.Delete();
            using var stream = archive.CreateEntry(PluginManifest.FileName).Open();
            stream.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        }
        return buffer.ToArray();
    }
}

/// <summary>
/// A registry over a real SQLite file and a real sandbox invoker (one warm runner per plugin), with the built-in plugins
/// known, in a private temp folder.
/// </summary>
internal sealed class RegistryHarness : IAsyncDisposable
{
    private RegistryHarness(string folder, SqliteDatabase database, ILoggerFactory loggers)
    {
        Folder = folder;
        Database = database;
        Store = new SqlitePluginStore(database);
        Sandbox = new SandboxedPluginInvoker(Options.Create(new SandboxOptions { RunnersPerPlugin = 1 }), Events, loggers.CreateLogger<SandboxedPluginInvoker>());
        BuiltIns = new InProcessPluginRegistry(BuiltInPlugins.Create());
        Registry = NewRegistry(loggers);
    }

    public string Folder { get; }
    public string PackagesDirectory => Path.Combine(Folder, "plugins");
    public SqliteDatabase Database { get; }
    public IPluginStore Store { get; }
    public InMemorySecurityEventSink Events { get; } = new();
    public SandboxedPluginInvoker Sandbox { get; }
    public InProcessPluginRegistry BuiltIns { get; }
    public PluginRegistry Registry { get; }

    public static async Task<RegistryHarness> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "openclaw-plugin-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = Path.Combine(folder, "openclaw.db") });
        var harness = new RegistryHarness(folder, database, NullLoggerFactory.Instance);
        await harness.Registry.InitializeAsync();
        return harness;
    }

    /// <summary>Another registry over the same database and folder, as after a restart.</summary>
    public PluginRegistry NewRegistry(ILoggerFactory? loggers = null) => new(
        Store, Sandbox, new PluginRegistryOptions { PackagesDirectory = PackagesDirectory }, (loggers ?? NullLoggerFactory.Instance).CreateLogger<PluginRegistry>(),
        builtIns: BuiltIns);

    public Task<PluginChange> InstallAsync(byte[] package, bool enable = true) => Registry.InstallAsync(new MemoryStream(package), enable);

    /// <summary>No row in the <c>plugins</c> table and nothing in the package folder.</summary>
    public async Task AssertNothingInstalledAsync()
    {
        Assert.Empty(await Store.ListAsync("default"));
        Assert.True(!Directory.Exists(PackagesDirectory) || !Directory.EnumerateFileSystemEntries(PackagesDirectory).Any(),
            "The package folder should be empty but holds: " + string.Join(", ", Directory.EnumerateFileSystemEntries(PackagesDirectory, "*", SearchOption.AllDirectories)));
        Assert.Empty(Registry.List());
    }

    public async ValueTask DisposeAsync()
    {
        Registry.Dispose();
        await Sandbox.DisposeAsync();
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files do not affect other tests: every harness has its own folder.
        }
    }
}
