using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenClaw.Server.Tests.Infrastructure;

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

/// <summary>Plugin packages as request bodies, and edits of them.</summary>
public static class PluginPackages
{
    public static ByteArrayContent Zip(byte[] package)
    {
        var content = new ByteArrayContent(package);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    /// <summary>A zip of exactly these entries.</summary>
    public static byte[] ZipOf(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The package with its <c>plugin.json</c> edited. The digest covers the payload only, so the package stays valid as long
    /// as the edit leaves the files and the digest alone.
    /// </summary>
    public static byte[] EditManifest(byte[] package, Action<JsonObject> edit)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.GetEntry("plugin.json")!;
            JsonObject manifest;
            using (var reader = new StreamReader(entry.Open())) manifest = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
            edit(manifest);
            entry.Delete();
            using var stream = archive.CreateEntry("plugin.json").Open();
            stream.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        }
        return buffer.ToArray();
    }

    /// <summary>A workflow of one step calling the <c>greeter</c> plugin (the newest enabled version).</summary>
    public static string GreeterWorkflowJson(string id) => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Greet through the sandbox",
          "inputs": [ { "name": "who", "type": "string", "default": "Ada" } ],
          "steps": [
            { "id": "hello", "type": "plugin", "timeout": "30s", "config": { "plugin": "greeter", "inputs": { "name": "${{ inputs.who }}" } } }
          ],
          "outputs": { "greeting": "${{ steps.hello.output.greeting }}", "version": "${{ steps.hello.output.version }}" }
        }
        """;
}
