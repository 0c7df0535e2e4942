using System.IO.Compression;
using System.Text.Json.Nodes;
using OpenClaw.Cli.Tests.Infrastructure;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Cli.Tests;

public sealed class PluginCommandsTests : IDisposable
{
    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task New_ThenPack_ThenValidate_GivesAnInstallablePackage()
    {
        var created = await CliRunner.RunAsync("plugin", "new", "word-count", "--output", _files.Path);

        Assert.True(created.ExitCode == 0, created.ToString());
        var project = Path.Combine(_files.Path, "word-count");
        Assert.True(File.Exists(Path.Combine(project, "WordCountPlugin.csproj")));
        Assert.Contains("[Plugin(\"word-count\"", await File.ReadAllTextAsync(Path.Combine(project, "WordCountPlugin.cs")), StringComparison.Ordinal);
        Assert.Contains("\"type\": \"WordCountPlugin.WordCountPlugin\"", await File.ReadAllTextAsync(Path.Combine(project, "plugin.json")), StringComparison.Ordinal);

        var package = Path.Combine(_files.Path, "word-count.zip");
        var packed = await CliRunner.RunAsync("plugin", "pack", project, "--output", package, "--version", "0.2.0");

        Assert.True(packed.ExitCode == 0, packed.ToString());
        Assert.Contains($"word-count 0.2.0: {package}", packed.Out, StringComparison.Ordinal);
        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.Equal(["WordCountPlugin.deps.json", "WordCountPlugin.dll", "WordCountPlugin.pdb", "plugin.json"],
                zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }
        await using (var reader = await PluginPackageReader.OpenAsync(package))
        {
            var manifest = reader.Manifest!;
            Assert.Equal("0.2.0", manifest.Version.ToString());
            Assert.Equal(reader.PayloadDigest, manifest.Digest);
            Assert.Equal(["message"], manifest.RequiredInputs); // read from the class: plugin.json declares no inputs
            Assert.Equal("integer", (string?)manifest.Outputs["properties"]?["length"]?["type"]);
        }

        var validated = await CliRunner.RunAsync("plugin", "validate", package);

        Assert.True(validated.ExitCode == 0, validated.ToString());
        Assert.StartsWith("word-count.zip: valid (word-count 0.2.0, 3 files, sha256:", validated.Out, StringComparison.Ordinal);
        Assert.Contains("permissions: none", validated.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WordCount")]
    [InlineData("word_count")]
    [InlineData("-word")]
    public async Task New_InvalidName_Exits2(string name)
    {
        var result = await CliRunner.RunAsync("plugin", "new", name, "--output", _files.Path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"'{name}' is not a valid plugin name", result.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_files.Path));
    }

    [Fact]
    public async Task New_IntoAFolderThatIsNotEmpty_Exits2()
    {
        Directory.CreateDirectory(Path.Combine(_files.Path, "taken"));
        _files.Write("taken/keep.txt", "mine");

        var result = await CliRunner.RunAsync("plugin", "new", "taken", "--output", _files.Path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("exists and is not empty", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_FolderWithoutAProject_Exits2()
    {
        var result = await CliRunner.RunAsync("plugin", "pack", _files.Path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("must hold exactly one .csproj", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_InvalidManifest_Exits2WithThePaths()
    {
        _files.Write("Broken.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        _files.Write("plugin.json", """{ "name": "Broken", "version": "one", "permissions": ["telepathy"], "entry": { "assembly": "Broken.dll", "type": "Broken.Plugin" } }""");

        var result = await CliRunner.RunAsync("plugin", "pack", _files.Path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("$.name: 'Broken' is not a valid plugin name", result.Err, StringComparison.Ordinal);
        Assert.Contains("$.version: ", result.Err, StringComparison.Ordinal);
        Assert.Contains("$.permissions[0]: Unknown permission 'telepathy'", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenPackage_Exits2WithEveryPathMessageAndCode()
    {
        var manifest = new JsonObject
        {
            ["name"] = "sneaky",
            ["version"] = "1.0.0",
            ["permissions"] = new JsonArray("network", "kernel"),
            ["entry"] = new JsonObject { ["assembly"] = "Sneaky.dll", ["type"] = "Sneaky.Plugin" },
            ["digest"] = "sha256:" + new string('a', 64),
        };
        var file = Path.Combine(_files.Path, "sneaky.zip");
        using (var zip = ZipFile.Open(file, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("plugin.json").Open())) writer.Write(manifest.ToJsonString());
            using (var writer = new StreamWriter(zip.CreateEntry("Sneaky.dll").Open())) writer.Write("MZ");
        }

        var result = await CliRunner.RunAsync("plugin", "validate", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("sneaky.zip: 1 problem", lines[0]);
        Assert.StartsWith("$.permissions[1]: Unknown permission 'kernel'", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("[unknown-permission]", lines[1], StringComparison.Ordinal);

        // With the manifest fixed, the forged digest is what is wrong.
        manifest["permissions"] = new JsonArray("network");
        File.Delete(file);
        using (var zip = ZipFile.Open(file, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("plugin.json").Open())) writer.Write(manifest.ToJsonString());
            using (var writer = new StreamWriter(zip.CreateEntry("Sneaky.dll").Open())) writer.Write("MZ");
        }
        var digest = await CliRunner.RunAsync("plugin", "validate", file);
        Assert.True(digest.ExitCode == 2, digest.ToString());
        Assert.Contains("$.digest: The payload hashes to sha256:", digest.Err, StringComparison.Ordinal);
        Assert.Contains("[digest-mismatch]", digest.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_Exits2()
    {
        var result = await CliRunner.RunAsync("plugin", "validate", Path.Combine(_files.Path, "nope.zip"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("does not exist", result.Err, StringComparison.Ordinal);
    }
}
