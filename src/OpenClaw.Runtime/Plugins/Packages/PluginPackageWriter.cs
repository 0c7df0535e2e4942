using System.IO.Compression;
using System.Text;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>Writes plugin packages: <c>plugin.json</c> (with the payload digest filled in) followed by the payload files.</summary>
/// <remarks>
/// Entries are written in digest order with a fixed timestamp, so packing the same files twice gives byte-identical zips.
/// </remarks>
public static class PluginPackageWriter
{
    /// <summary>The timestamp every entry gets (the earliest a zip can record): packages are reproducible.</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Packs every file under <paramref name="payloadDirectory"/> with <paramref name="manifest"/>.</summary>
    /// <returns>The manifest as written, with its <see cref="PluginManifest.Digest"/>.</returns>
    /// <exception cref="ArgumentException">The folder holds a <c>plugin.json</c> of its own, or no entry assembly.</exception>
    public static async Task<PluginManifest> WriteAsync(
        PluginManifest manifest, string payloadDirectory, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        var files = PluginPackageDigest.ListFiles(payloadDirectory);
        if (files.Any(f => f.Path == PluginManifest.FileName))
            throw new ArgumentException($"The payload folder '{payloadDirectory}' holds a plugin.json; the manifest is written by the packer.", nameof(payloadDirectory));
        if (!files.Any(f => f.Path == manifest.Entry.Assembly))
            throw new ArgumentException($"The payload folder '{payloadDirectory}' has no '{manifest.Entry.Assembly}' (the manifest's entry assembly).", nameof(payloadDirectory));

        var digest = await PluginPackageDigest.ComputeForDirectoryAsync(payloadDirectory, cancellationToken).ConfigureAwait(false);
        var final = manifest with { Digest = digest };
        using var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        WriteManifest(archive, final);
        foreach (var (path, full) in files)
        {
            var entry = archive.CreateEntry(path, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTime;
            var source = File.OpenRead(full);
            await using (source.ConfigureAwait(false))
            {
                var target = entry.Open();
                await using (target.ConfigureAwait(false))
                {
                    await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        return final;
    }

    /// <summary>Packs in-memory files (path with '/' separators, content) with <paramref name="manifest"/>.</summary>
    /// <param name="computeDigest">False keeps the manifest's digest as given (tests use this to write a mismatched package).</param>
    /// <returns>The manifest as written.</returns>
    public static PluginManifest Write(PluginManifest manifest, IReadOnlyDictionary<string, byte[]> files, Stream output, bool computeDigest = true)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(files);
        var final = computeDigest ? manifest with { Digest = PluginPackageDigest.Compute(files) } : manifest;
        using var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        WriteManifest(archive, final);
        foreach (var (path, content) in files.OrderBy(f => f.Key, PluginPackageDigest.PathOrder))
        {
            var entry = archive.CreateEntry(path, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTime;
            using var target = entry.Open();
            target.Write(content);
        }
        return final;
    }

    private static void WriteManifest(ZipArchive archive, PluginManifest manifest)
    {
        var entry = archive.CreateEntry(PluginManifest.FileName, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var stream = entry.Open();
        stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(manifest.ToJsonString()));
    }
}
