using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>
/// The digest a package's manifest carries: SHA-256 over its payload (every file but <c>plugin.json</c>) in a canonical order,
/// so the same files give the same digest whatever order or compression the zip uses.
/// </summary>
/// <remarks>
/// <para>Definition (also in <c>docs/plugins.md</c>). Sort the payload files by the UTF-8 bytes of their paths (forward
/// slashes, relative to the package root, compared byte by byte, shorter prefix first). For each file in that order, feed
/// the hash: the path's UTF-8 bytes, one <c>0x00</c> byte, the file length as an unsigned 64-bit big-endian integer, then the
/// file's bytes. The digest is <c>sha256:</c> followed by the 64 lower-case hex digits of the result. Folders are not
/// hashed (only files), and neither are zip timestamps or attributes.</para>
/// <para>The path and the length are hashed with the contents so that moving bytes from one file to another, or renaming a
/// file, changes the digest.</para>
/// </remarks>
public static class PluginPackageDigest
{
    /// <summary>The algorithm prefix of the digest text.</summary>
    public const string Prefix = "sha256:";

    /// <summary>Orders paths by their UTF-8 bytes, as the digest requires.</summary>
    public static IComparer<string> PathOrder { get; } = new Utf8Order();

    /// <summary>Whether <paramref name="digest"/> is <c>sha256:</c> and 64 lower-case hex digits.</summary>
    public static bool IsWellFormed(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith(Prefix, StringComparison.Ordinal) && digest[Prefix.Length..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>The digest of files given as path and content.</summary>
    public static string Compute(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var hasher = new Hasher();
        foreach (var (path, content) in files.OrderBy(f => f.Key, PathOrder))
        {
            using var stream = new MemoryStream(content, writable: false);
            hasher.AddFile(path, content.LongLength, stream);
        }
        return hasher.Finish();
    }

    /// <summary>The digest of the files under <paramref name="directory"/> (recursively; paths relative to it).</summary>
    public static async Task<string> ComputeForDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        using var hasher = new Hasher();
        foreach (var (path, full) in ListFiles(directory))
        {
            var stream = File.OpenRead(full);
            await using (stream.ConfigureAwait(false))
            {
                await hasher.AddFileAsync(path, stream.Length, stream, cancellationToken).ConfigureAwait(false);
            }
        }
        return hasher.Finish();
    }

    /// <summary>The files under <paramref name="directory"/> as (package path, full path), in digest order.</summary>
    internal static List<(string Path, string FullPath)> ListFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(full => (Path: Path.GetRelativePath(directory, full).Replace(Path.DirectorySeparatorChar, '/'), FullPath: full))
            .OrderBy(f => f.Path, PathOrder)
            .ToList();

    /// <summary>Feeds files in canonical order (the caller sorts them) and produces the digest text.</summary>
    internal sealed class Hasher : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _buffer = new byte[81920];

        /// <summary>Hashes one file; returns the number of content bytes actually read (which the caller may check).</summary>
        public long AddFile(string path, long length, Stream content) =>
            AddFileAsync(path, length, content, CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public async ValueTask<long> AddFileAsync(string path, long length, Stream content, CancellationToken cancellationToken)
        {
            _hash.AppendData(Encoding.UTF8.GetBytes(path));
            Span<byte> header = stackalloc byte[9];
            header[0] = 0;
            BinaryPrimitives.WriteUInt64BigEndian(header[1..], (ulong)length);
            _hash.AppendData(header);
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                _hash.AppendData(_buffer, 0, read);
                total += read;
            }
            return total;
        }

        public string Finish() => Prefix + Convert.ToHexStringLower(_hash.GetHashAndReset());

        public void Dispose() => _hash.Dispose();
    }

    private sealed class Utf8Order : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
        }
    }
}
