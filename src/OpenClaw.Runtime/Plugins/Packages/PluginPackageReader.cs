using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>
/// Opens a plugin package (a zip with <c>plugin.json</c> at its root and the plugin's files) and checks its structure without
/// writing anything: entry names (no absolute paths, <c>..</c>, links or duplicates: zip-slip), size limits (checked on the
/// bytes actually inflated, not the sizes the archive claims), the manifest's schema, and the payload digest.
/// </summary>
/// <remarks>
/// Whether the package may be installed (digest match, entry assembly present, dependencies) is decided by
/// <see cref="PluginPackageValidator"/>. <see cref="ExtractToAsync"/> writes the files once that has passed.
/// </remarks>
public sealed class PluginPackageReader : IAsyncDisposable
{
    private readonly Stream? _ownedStream;
    private readonly ZipArchive? _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _payload = new(StringComparer.Ordinal);
    private readonly List<PluginPackageError> _errors = [];
    private readonly PluginPackageLimits _limits;

    private PluginPackageReader(ZipArchive? archive, Stream? ownedStream, PluginPackageLimits limits)
    {
        _archive = archive;
        _ownedStream = ownedStream;
        _limits = limits;
    }

    /// <summary>Problems with the archive and its manifest; empty when the package is well-formed.</summary>
    public IReadOnlyList<PluginPackageError> Errors => _errors;

    /// <summary>The parsed manifest, or null when it is missing or invalid.</summary>
    public PluginManifest? Manifest { get; private set; }

    /// <summary>The payload's digest as computed from the archive (see <see cref="PluginPackageDigest"/>); null when unreadable.</summary>
    public string? PayloadDigest { get; private set; }

    /// <summary>The payload files' paths, in digest order.</summary>
    public IReadOnlyList<string> PayloadPaths => _payload.Keys.Order(PluginPackageDigest.PathOrder).ToList();

    /// <summary>Bytes the package takes once extracted.</summary>
    public long ExtractedBytes { get; private set; }

    /// <summary>Opens and checks the package file at <paramref name="path"/>.</summary>
    public static async Task<PluginPackageReader> OpenAsync(string path, PluginPackageLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        try
        {
            return await OpenCoreAsync(stream, ownsStream: true, limits ?? PluginPackageLimits.Default, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens and checks a package read from <paramref name="package"/>, which stays the caller's to dispose.</summary>
    /// <remarks>A stream that cannot seek (an HTTP body) is first copied to a temporary file, up to the size limit.</remarks>
    public static async Task<PluginPackageReader> OpenAsync(Stream package, PluginPackageLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        limits ??= PluginPackageLimits.Default;
        if (package.CanSeek) return await OpenCoreAsync(package, ownsStream: false, limits, cancellationToken).ConfigureAwait(false);

        var buffer = new FileStream(
            Path.Combine(Path.GetTempPath(), "openclaw-package-" + Guid.NewGuid().ToString("N") + ".zip"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var copied = await CopyLimitedAsync(package, buffer, limits.MaxPackageBytes + 1, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            if (copied > limits.MaxPackageBytes)
            {
                await buffer.DisposeAsync().ConfigureAwait(false);
                var reader = new PluginPackageReader(null, null, limits);
                reader._errors.Add(TooLargePackage(limits));
                return reader;
            }
            return await OpenCoreAsync(buffer, ownsStream: true, limits, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<PluginPackageReader> OpenCoreAsync(Stream stream, bool ownsStream, PluginPackageLimits limits, CancellationToken cancellationToken)
    {
        if (stream.Length - stream.Position > limits.MaxPackageBytes)
        {
            if (ownsStream) await stream.DisposeAsync().ConfigureAwait(false);
            var tooLarge = new PluginPackageReader(null, null, limits);
            tooLarge._errors.Add(TooLargePackage(limits));
            return tooLarge;
        }

        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: !ownsStream, Encoding.UTF8);
        }
        catch (InvalidDataException e)
        {
            if (ownsStream) await stream.DisposeAsync().ConfigureAwait(false);
            var broken = new PluginPackageReader(null, null, limits);
            broken._errors.Add(new("package", $"The package is not a readable zip archive: {e.Message}", PluginPackageErrorCodes.InvalidArchive));
            return broken;
        }

        var reader = new PluginPackageReader(archive, ownsStream ? stream : null, limits);
        try
        {
            await reader.InspectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            reader._errors.Add(new("package", $"The package is not a readable zip archive: {e.Message}", PluginPackageErrorCodes.InvalidArchive));
        }
        return reader;
    }

    private async Task InspectAsync(CancellationToken cancellationToken)
    {
        var entries = _archive!.Entries;
        if (entries.Count > _limits.MaxEntries)
        {
            _errors.Add(new("package", $"The package has {entries.Count} entries; at most {_limits.MaxEntries} are allowed.", PluginPackageErrorCodes.TooLarge));
            return;
        }

        ZipArchiveEntry? manifestEntry = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long declared = 0;
        foreach (var entry in entries)
        {
            var name = entry.FullName;
            if (UnsafePathReason(name) is { } reason)
            {
                _errors.Add(new(Printable(name), $"Unsafe entry name: {reason}. Package paths must be relative, use '/', and stay inside the package.", PluginPackageErrorCodes.UnsafePath));
                continue;
            }
            var unixMode = (entry.ExternalAttributes >> 16) & 0xF000;
            if (unixMode == 0xA000)
            {
                _errors.Add(new(name, "Symbolic links are not allowed in a package.", PluginPackageErrorCodes.UnsafePath));
                continue;
            }
            if (!seen.Add(name.TrimEnd('/')))
            {
                _errors.Add(new(name, "The entry appears more than once (names are compared ignoring case).", PluginPackageErrorCodes.UnsafePath));
                continue;
            }
            if (name.EndsWith('/')) continue; // a folder: nothing to hash or extract by itself

            if (entry.Length > _limits.MaxFileBytes)
            {
                _errors.Add(new(name, string.Create(CultureInfo.InvariantCulture, $"The file is {entry.Length} bytes; at most {_limits.MaxFileBytes} are allowed."), PluginPackageErrorCodes.TooLarge));
                continue;
            }
            declared += entry.Length;
            if (name == PluginManifest.FileName) manifestEntry = entry;
            else _payload[name] = entry;
        }
        if (declared > _limits.MaxExtractedBytes)
            _errors.Add(new("package", string.Create(CultureInfo.InvariantCulture, $"The package extracts to {declared} bytes; at most {_limits.MaxExtractedBytes} are allowed."), PluginPackageErrorCodes.TooLarge));
        if (_errors.Count > 0) return;

        if (manifestEntry is null)
        {
            _errors.Add(new(PluginManifest.FileName, "The package has no plugin.json at its root.", PluginPackageErrorCodes.ManifestSyntax));
        }
        else if (manifestEntry.Length > PluginManifest.MaxBytes)
        {
            _errors.Add(new(PluginManifest.FileName, $"plugin.json is larger than {PluginManifest.MaxBytes} bytes.", PluginPackageErrorCodes.TooLarge));
        }
        else
        {
            var text = await ReadTextAsync(manifestEntry, cancellationToken).ConfigureAwait(false);
            if (text is null) _errors.Add(new(PluginManifest.FileName, "plugin.json is not what the archive says it is (its size does not match).", PluginPackageErrorCodes.InvalidArchive));
            else Manifest = PluginManifest.Parse(text, requireDigest: true, _errors);
        }

        // The digest is computed from the bytes actually inflated; an entry whose real size differs from its header is refused.
        using var hasher = new PluginPackageDigest.Hasher();
        long total = 0;
        foreach (var path in PayloadPaths)
        {
            var entry = _payload[path];
            var stream = entry.Open();
            await using (stream.ConfigureAwait(false))
            {
                var limited = new LimitedReadStream(stream, entry.Length);
                var read = await hasher.AddFileAsync(path, entry.Length, limited, cancellationToken).ConfigureAwait(false);
                if (read != entry.Length || limited.Overflowed)
                {
                    _errors.Add(new(path, "The file's content does not match the size recorded in the archive.", PluginPackageErrorCodes.InvalidArchive));
                    return;
                }
                total += read;
            }
        }
        ExtractedBytes = total + (manifestEntry?.Length ?? 0);
        PayloadDigest = hasher.Finish();
    }

    /// <summary>Writes <c>plugin.json</c> and the payload under <paramref name="directory"/>, which must not exist yet.</summary>
    /// <exception cref="InvalidOperationException">The package has errors, or the folder exists.</exception>
    public async Task ExtractToAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (_errors.Count > 0 || Manifest is null || _archive is null)
            throw new InvalidOperationException("A package with errors cannot be extracted.");
        var root = Path.GetFullPath(directory);
        if (Directory.Exists(root)) throw new InvalidOperationException($"The folder '{root}' exists already.");
        Directory.CreateDirectory(root);

        var entries = _payload.Append(new(PluginManifest.FileName, _archive.GetEntry(PluginManifest.FileName)!));
        foreach (var (path, entry) in entries)
        {
            var target = Path.GetFullPath(Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar)));
            // Names were checked when the package was opened; this is the last line of defence against zip-slip.
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InvalidOperationException($"Entry '{path}' would be written outside '{root}'.");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var source = entry.Open();
            await using (source.ConfigureAwait(false))
            {
                var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await using (output.ConfigureAwait(false))
                {
                    await new LimitedReadStream(source, entry.Length).CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Why an entry name is unsafe, or null.</summary>
    internal static string? UnsafePathReason(string name)
    {
        if (name.Length == 0) return "the name is empty";
        if (name.Length > 260) return "the name is longer than 260 characters";
        if (name.Any(char.IsControl)) return "the name contains control characters";
        if (name.Contains('\\', StringComparison.Ordinal)) return "it contains a backslash";
        if (name[0] == '/') return "it is an absolute path";
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':') return "it starts with a drive letter";
        var segments = name.TrimEnd('/').Split('/');
        if (segments.Any(s => s is ".." or "." || s.Length == 0)) return "it contains '..', '.' or an empty path segment";
        return null;
    }

    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static PluginPackageError TooLargePackage(PluginPackageLimits limits) =>
        new("package", string.Create(CultureInfo.InvariantCulture, $"The package is larger than {limits.MaxPackageBytes} bytes."), PluginPackageErrorCodes.TooLarge);

    private static async Task<string?> ReadTextAsync(ZipArchiveEntry entry, CancellationToken cancellationToken)
    {
        var stream = entry.Open();
        await using (stream.ConfigureAwait(false))
        {
            var limited = new LimitedReadStream(stream, entry.Length);
            using var buffer = new MemoryStream();
            await limited.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (limited.Overflowed || buffer.Length != entry.Length) return null;
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
    }

    private static async Task<long> CopyLimitedAsync(Stream source, Stream target, long max, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while (total < max && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, max - total)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            total += read;
        }
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        _archive?.Dispose();
        if (_ownedStream is not null) await _ownedStream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Reads at most <c>limit</c> bytes and notes whether the source had more (an archive lying about a size).</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _remaining = limit;

        public bool Overflowed { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_remaining == 0)
            {
                Span<byte> probe = stackalloc byte[1];
                if (inner.Read(probe) > 0) Overflowed = true;
                return 0;
            }
            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_remaining == 0)
            {
                if (await inner.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0) Overflowed = true;
                return 0;
            }
            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
            _remaining -= n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
