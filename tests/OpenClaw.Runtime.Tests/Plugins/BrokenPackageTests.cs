using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Plugins.Packages;
using static OpenClaw.Runtime.Plugins.Packages.PluginPackageErrorCodes;

namespace OpenClaw.Runtime.Tests.Plugins;

/// <summary>
/// Broken packages handed to the registry: each is refused with a message that names the problem and where it is, before
/// any plugin code runs, and leaves nothing installed (no row, no files).
/// </summary>
public sealed class BrokenPackageTests : IAsyncLifetime
{
    private RegistryHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await RegistryHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task BadManifest_IsRefusedWithEveryProblemAndItsPath()
    {
        var manifest = TestPackages.Manifest();
        manifest.Remove("name");
        manifest["version"] = "1.0";
        manifest["permisions"] = new JsonArray("network");
        manifest["resources"] = new JsonObject { ["memory_mb"] = 1 };
        manifest["entry"]!["assembly"] = "lib/Sample.dll";

        var errors = await AssertRefusedAsync(TestPackages.Build(manifest));

        Assert.Contains(errors, e => e is { Path: "$.name", Code: MissingField });
        Assert.Contains(errors, e => e.Path == "$.version" && e.Code == InvalidVersion && e.Message.Contains("MAJOR.MINOR.PATCH", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.permisions" && e.Code == UnknownField && e.Message.Contains("Unknown field 'permisions'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.resources.memory_mb" && e.Message.Contains("between 16 and 16384", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Path: "$.entry.assembly", Code: InvalidValue });
    }

    [Fact]
    public async Task ManifestThatIsNotJson_IsRefused()
    {
        var package = TestPackages.Zip((PluginManifest.FileName, "{ \"name\": "u8.ToArray()), (TestPackages.Assembly, TestPackages.FakeAssembly));

        var error = Assert.Single(await AssertRefusedAsync(package));

        Assert.Equal(ManifestSyntax, error.Code);
        Assert.StartsWith("plugin.json is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackageWithoutManifest_IsRefused()
    {
        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Zip((TestPackages.Assembly, TestPackages.FakeAssembly))));

        Assert.Equal((PluginManifest.FileName, ManifestSyntax), (error.Path, error.Code));
        Assert.Contains("no plugin.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileThatIsNotAZip_IsRefused()
    {
        var error = Assert.Single(await AssertRefusedAsync("PK? this is not an archive"u8.ToArray()));

        Assert.Equal(("package", InvalidArchive), (error.Path, error.Code));
    }

    [Fact]
    public async Task DigestMismatch_IsRefused()
    {
        var package = TestPackages.Tamper(TestPackages.Build(TestPackages.Manifest()), TestPackages.Assembly, "MZ: swapped after packing"u8.ToArray());

        var error = Assert.Single(await AssertRefusedAsync(package));

        Assert.Equal(("$.digest", DigestMismatch), (error.Path, error.Code));
        Assert.Contains("the package was altered after packing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtraFileAddedAfterPacking_IsADigestMismatch()
    {
        var manifest = TestPackages.Manifest();
        var files = new Dictionary<string, byte[]> { [TestPackages.Assembly] = TestPackages.FakeAssembly };
        manifest["digest"] = PluginPackageDigest.Compute(files);
        files["Extra.dll"] = "MZ: smuggled in"u8.ToArray();

        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(manifest, files)));

        Assert.Equal(DigestMismatch, error.Code);
    }

    [Fact]
    public async Task MissingDependency_IsRefused()
    {
        var manifest = TestPackages.Manifest();
        manifest["dependencies"] = new JsonArray("csv-parser@^1.0.0");

        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(manifest)));

        Assert.Equal(("$.dependencies[0]", MissingDependency), (error.Path, error.Code));
        Assert.Contains("needs 'csv-parser@^1.0.0', and no plugin named 'csv-parser' is installed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPermission_IsRefused()
    {
        var manifest = TestPackages.Manifest();
        manifest["permissions"] = new JsonArray("network", "root-access");

        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(manifest)));

        Assert.Equal(("$.permissions[1]", UnknownPermission), (error.Path, error.Code));
        Assert.Contains("Unknown permission 'root-access'; known permissions are credentials, database, email, javascript, network, process, storage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyOnABuiltInOutOfRange_IsAVersionConflict()
    {
        var manifest = TestPackages.Manifest();
        manifest["dependencies"] = new JsonArray("log", "http-request@>=2.0.0 <3.0.0");

        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(manifest)));

        Assert.Equal(("$.dependencies[1]", VersionConflict), (error.Path, error.Code));
        Assert.Contains("needs 'http-request@>=2.0.0 <3.0.0', but the installed versions of 'http-request' are 1.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidDependencyRange_IsRefused()
    {
        var manifest = TestPackages.Manifest();
        manifest["dependencies"] = new JsonArray("log@^one");

        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(manifest)));

        Assert.Equal(("$.dependencies[0]", InvalidVersion), (error.Path, error.Code));
    }

    [Fact]
    public async Task NameOfABuiltIn_IsRefused()
    {
        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(TestPackages.Manifest("http-request"))));

        Assert.Equal(("$.name", AlreadyInstalled), (error.Path, error.Code));
        Assert.Contains("built-in", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryAssemblyMissingFromThePayload_IsRefused()
    {
        var manifest = TestPackages.Manifest();
        manifest["entry"]!["assembly"] = "Other.dll";

        var error = Assert.Single(await AssertRefusedAsync(TestPackages.Build(manifest)));

        Assert.Equal(("$.entry.assembly", MissingEntry), (error.Path, error.Code));
    }

    [Theory]
    [InlineData("../../escaped.dll")]
    [InlineData("lib/../../escaped.dll")]
    [InlineData("/tmp/escaped.dll")]
    [InlineData("C:/escaped.dll")]
    [InlineData("lib\\..\\..\\escaped.dll")]
    [InlineData("./escaped.dll")]
    public async Task ZipSlipEntry_IsRefusedAndNothingIsWrittenOutside(string entryName)
    {
        var manifest = TestPackages.Manifest();
        var package = TestPackages.Build(manifest, new Dictionary<string, byte[]> { [TestPackages.Assembly] = TestPackages.FakeAssembly, [entryName] = "evil"u8.ToArray() });

        var error = Assert.Single(await AssertRefusedAsync(package));

        Assert.Equal((entryName, UnsafePath), (error.Path, error.Code));
        Assert.StartsWith("Unsafe entry name", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_harness.Folder, "escaped.dll")));
        Assert.False(File.Exists(Path.Combine(_harness.PackagesDirectory, "escaped.dll")));
        Assert.False(File.Exists("/tmp/escaped.dll"));
    }

    [Fact]
    public async Task SymbolicLinkEntry_IsRefused()
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var manifest = TestPackages.Manifest();
            manifest["digest"] = PluginPackageDigest.Compute(new Dictionary<string, byte[]> { [TestPackages.Assembly] = "/etc/passwd"u8.ToArray() });
            using (var stream = archive.CreateEntry(PluginManifest.FileName).Open()) stream.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            var link = archive.CreateEntry(TestPackages.Assembly);
            link.ExternalAttributes = unchecked((int)0xA1FF0000); // S_IFLNK | 0777: a link to /etc/passwd when extracted by unzip
            using (var stream = link.Open()) stream.Write("/etc/passwd"u8);
        }

        var error = Assert.Single(await AssertRefusedAsync(buffer.ToArray()));

        Assert.Equal((TestPackages.Assembly, UnsafePath), (error.Path, error.Code));
        Assert.Contains("Symbolic links", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateEntries_AreRefused()
    {
        var package = TestPackages.Zip(
            (PluginManifest.FileName, Encoding.UTF8.GetBytes(TestPackages.Manifest().ToJsonString())),
            (TestPackages.Assembly, TestPackages.FakeAssembly),
            ("sample.DLL", TestPackages.FakeAssembly));

        var error = Assert.Single(await AssertRefusedAsync(package));

        Assert.Equal(("sample.DLL", UnsafePath), (error.Path, error.Code));
    }

    [Fact]
    public async Task PackagePastTheSizeLimits_IsRefusedByTheValidator()
    {
        var package = TestPackages.Build(TestPackages.Manifest(), new Dictionary<string, byte[]>
        {
            [TestPackages.Assembly] = TestPackages.FakeAssembly,
            ["data.bin"] = new byte[64 * 1024], // compresses to almost nothing: a small zip bomb
        });
        var validator = new PluginPackageValidator(new PluginPackageLimits { MaxFileBytes = 16 * 1024 });

        var result = await validator.ValidateAsync(new MemoryStream(package));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("data.bin", TooLarge), (error.Path, error.Code));
        Assert.Contains("at most 16384 are allowed", error.Message, StringComparison.Ordinal);
        Assert.Equal(TooLarge, Assert.Single((await new PluginPackageValidator(new PluginPackageLimits { MaxPackageBytes = 100 }).ValidateAsync(new MemoryStream(package))).Errors).Code);
    }

    [Fact]
    public async Task AlreadyInstalledVersion_IsRefused_AndTheInstalledOneIsUntouched()
    {
        // Installing the first copy disabled runs OnInstall only; a fake assembly cannot run it, so put the row in by hand.
        var manifestJson = TestPackages.Manifest();
        var package = TestPackages.Build(manifestJson);
        var manifest = PluginManifest.Parse(manifestJson.ToJsonString());
        var now = DateTimeOffset.UtcNow;
        await _harness.Store.CreateAsync(new PluginRecord("row-1", "default", "sample", "1.0.0", PluginStatuses.Disabled,
            new JsonObject { ["manifest"] = manifest.ToJson(), ["settings"] = new JsonObject() }.ToJsonString(), now, now));
        Directory.CreateDirectory(Path.Combine(_harness.PackagesDirectory, "sample", "1.0.0"));
        var registry = _harness.NewRegistry();
        await registry.InitializeAsync();

        var refused = await Assert.ThrowsAsync<PluginPackageException>(() => registry.InstallAsync(new MemoryStream(package)));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(("$.version", AlreadyInstalled), (error.Path, error.Code));
        Assert.Equal("sample 1.0.0 is already installed; uninstall it first or pack a new version.", error.Message);
        Assert.Equal("row-1", Assert.Single(await _harness.Store.ListAsync("default")).Id);
        Assert.True(Directory.Exists(Path.Combine(_harness.PackagesDirectory, "sample", "1.0.0")));
        registry.Dispose();
    }

    [Fact]
    public async Task Initialize_RemovesWhatAnInterruptedInstallLeft()
    {
        var now = DateTimeOffset.UtcNow;
        await _harness.Store.CreateAsync(new PluginRecord("crashed", "default", "half-done", "1.0.0", PluginStatuses.Installing, "{}", now, now));
        Directory.CreateDirectory(Path.Combine(_harness.PackagesDirectory, "half-done", "1.0.0"));
        Directory.CreateDirectory(Path.Combine(_harness.PackagesDirectory, "orphan", "2.0.0"));
        await File.WriteAllTextAsync(Path.Combine(_harness.PackagesDirectory, "orphan", "2.0.0", "Orphan.dll"), "left by a crash");

        using var restarted = _harness.NewRegistry();
        await restarted.InitializeAsync();

        Assert.Empty(await _harness.Store.ListAsync("default"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_harness.PackagesDirectory));
    }

    /// <summary>Installs the package, expects it refused, checks nothing is left, and returns the problems.</summary>
    private async Task<IReadOnlyList<PluginPackageError>> AssertRefusedAsync(byte[] package)
    {
        var refused = await Assert.ThrowsAsync<PluginPackageException>(() => _harness.InstallAsync(package));
        Assert.NotEmpty(refused.Errors);
        Assert.All(refused.Errors, e => Assert.Contains(e.Message, refused.Message, StringComparison.Ordinal));
        await _harness.AssertNothingInstalledAsync();
        Assert.Empty(_harness.Events.Violations);
        return refused.Errors;
    }
}
