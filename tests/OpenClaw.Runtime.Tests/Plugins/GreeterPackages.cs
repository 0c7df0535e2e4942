using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Runtime.Tests.Plugins;

/// <summary>The tests that install the sample plugin share its packages (built once) and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class GreeterCollection : ICollectionFixture<GreeterPackages>
{
    public const string Name = "greeter sample plugin";
}

/// <summary>
/// <c>samples/plugins/OpenClaw.Sample.Greeter</c> built and packed by the packer <c>openclaw plugin pack</c> uses, as version
/// 1.0.0 and 2.0.0, from copies in a temp folder (so the repository's tree gets no bin/obj and parallel builds never meet).
/// </summary>
public sealed class GreeterPackages : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "openclaw-greeter-packages", Guid.NewGuid().ToString("N"));

    public string V1 { get; private set; } = "";

    public string V2 { get; private set; } = "";

    public PluginManifest V1Manifest { get; private set; } = null!;

    public static string SampleDirectory { get; } = FindSample();

    public Stream OpenV1() => File.OpenRead(V1);

    public Stream OpenV2() => File.OpenRead(V2);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        (V1, V1Manifest) = await PackAsync("1.0.0");
        (V2, _) = await PackAsync("2.0.0");
    }

    private async Task<(string, PluginManifest)> PackAsync(string version)
    {
        var copy = Path.Combine(_folder, "greeter-" + version);
        foreach (var file in Directory.EnumerateFiles(SampleDirectory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(SampleDirectory, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }
        var properties = new Dictionary<string, string> { ["OpenClawSdkAssembly"] = Path.Combine(AppContext.BaseDirectory, "OpenClaw.Plugins.Sdk.dll") };
        return await PluginProjectPacker.PackAsync(copy, Path.Combine(_folder, $"greeter-{version}.zip"), version, properties);
    }

    private static string FindSample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var sample = Path.Combine(dir.FullName, "samples", "plugins", "OpenClaw.Sample.Greeter");
            if (File.Exists(Path.Combine(dir.FullName, "OpenClaw.sln")) && Directory.Exists(sample)) return sample;
        }
        throw new InvalidOperationException("samples/plugins/OpenClaw.Sample.Greeter was not found above " + AppContext.BaseDirectory);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
        return Task.CompletedTask;
    }
}
