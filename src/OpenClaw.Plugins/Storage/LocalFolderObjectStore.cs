using System.Runtime.CompilerServices;
using System.Text;

namespace OpenClaw.Plugins.Storage;

/// <summary>An object store in a local folder: the default when no S3-compatible store is configured.</summary>
/// <remarks>
/// <para>A key is a relative path of segments separated by <c>/</c> (<c>reports/2024/summary.json</c>) and maps to the file
/// of that path under the root. Keys are checked before any file is touched: empty segments, <c>.</c>, <c>..</c>,
/// backslashes, control characters, absolute paths and the reserved top-level folder <c>.openclaw</c> are refused with an
/// <see cref="ArgumentException"/>, so no key can reach outside the root.</para>
/// <para>Writes are atomic: content goes to a temporary file in <c>.openclaw/tmp</c> (the same file system), is flushed to
/// disk, then renamed over the target, so a reader sees the old object or the new one, never a part. The content type is
/// kept beside it under <c>.openclaw/meta</c>.</para>
/// <para>Like a file system (and unlike S3), a key cannot be both an object and a folder of other objects: with
/// <c>a</c> stored, <c>a/b</c> is refused, and the reverse.</para>
/// </remarks>
public sealed class LocalFolderObjectStore : IListableObjectStore
{
    private const string ReservedFolder = ".openclaw";
    private const string MetaSuffix = ".content-type";
    private const int MaxKeyLength = 1024;
    private const int MaxSegmentBytes = 255;

    private readonly string _root;
    private readonly string _temp;
    private readonly string _meta;

    /// <summary>Uses <paramref name="rootFolder"/>, creating it when missing.</summary>
    public LocalFolderObjectStore(string rootFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootFolder);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootFolder));
        _temp = Path.Combine(_root, ReservedFolder, "tmp");
        _meta = Path.Combine(_root, ReservedFolder, "meta");
        Directory.CreateDirectory(_temp);
        Directory.CreateDirectory(_meta);
    }

    /// <summary>The absolute root folder.</summary>
    public string RootFolder => _root;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The key is not valid.</exception>
    /// <exception cref="IOException">The key clashes with a folder of other objects, or the disk failed.</exception>
    public async ValueTask PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        if (Directory.Exists(path)) throw new IOException($"key '{key}' is a folder of other objects; delete them first or choose another key");
        EnsureParentFolder(path, key);

        await WriteAtomicallyAsync(path, async file => await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        var metaPath = MetaPathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(metaPath)!);
        await WriteAtomicallyAsync(metaPath, async file => await file.WriteAsync(Encoding.UTF8.GetBytes(contentType ?? ""), cancellationToken)
            .ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public ValueTask<Stream?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // FileShare.Delete: a concurrent put renames over the file; this reader keeps the version it opened.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous);
            return ValueTask.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException && !File.Exists(path))
        {
            return ValueTask.FromResult<Stream?>(null); // missing, or a folder of other objects: no object has this key
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public async ValueTask<StoredObject?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(key));
        if (!info.Exists) return null;
        return new StoredObject(key, info.Length, info.LastWriteTimeUtc, await ContentTypeAsync(key, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<string?> ContentTypeAsync(string key, CancellationToken cancellationToken)
    {
        var metaPath = MetaPathOf(key);
        try
        {
            return await File.ReadAllTextAsync(metaPath, cancellationToken).ConfigureAwait(false) is { Length: > 0 } type ? type : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(path)) return ValueTask.FromResult(false);
        File.Delete(path);
        var metaPath = MetaPathOf(key);
        if (File.Exists(metaPath)) File.Delete(metaPath);
        RemoveEmptyFolders(Path.GetDirectoryName(path)!, _root);
        RemoveEmptyFolders(Path.GetDirectoryName(metaPath)!, _meta);
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The prefix contains <c>..</c>, a backslash or control characters.</exception>
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix ??= "";
        if (prefix.Length > 0) CheckPrefix(prefix);

        // Start at the deepest folder the prefix names in full: "reports/2024-" searches reports/.
        var folderPart = prefix.LastIndexOf('/') is var slash and >= 0 ? prefix[..slash] : "";
        var start = folderPart.Length == 0 ? _root : Path.Combine(_root, folderPart.Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start)) yield break;

        var keys = new List<(string Key, string Path)>();
        foreach (var file in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(ReservedFolder + "/", StringComparison.Ordinal) || !key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            keys.Add((key, file));
        }
        keys.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));

        foreach (var (key, file) in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(file);
            if (!info.Exists) continue; // deleted while listing
            yield return new StoredObject(key, info.Length, info.LastWriteTimeUtc, await ContentTypeAsync(key, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Checks a key and returns the file it maps to.</summary>
    /// <exception cref="ArgumentException">The key is not valid; the message says why.</exception>
    public string PathOf(string key)
    {
        CheckKey(key);
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        // Defence in depth: the checks above already rule this out.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"key '{key}' leads outside the store", nameof(key));
        return path;
    }

    private string MetaPathOf(string key) => Path.Combine(_meta, key.Replace('/', Path.DirectorySeparatorChar) + MetaSuffix);

    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("the key is empty", nameof(key));
        if (key.Length > MaxKeyLength) throw new ArgumentException($"key is longer than {MaxKeyLength} characters", nameof(key));
        CheckCharacters(key, "key");
        if (key.StartsWith('/') || Path.IsPathRooted(key)) throw new ArgumentException($"key '{key}' is an absolute path; keys are relative", nameof(key));
        var segments = key.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0) throw new ArgumentException($"key '{key}' has an empty segment (a leading, trailing or doubled /)", nameof(key));
            if (segment is "." or "..") throw new ArgumentException($"key '{key}' contains '{segment}' as a segment, which is not allowed", nameof(key));
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
                throw new ArgumentException($"key '{key}' has a segment longer than {MaxSegmentBytes} bytes", nameof(key));
        }
        if (segments[0].Equals(ReservedFolder, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"key '{key}' starts with '{ReservedFolder}', which the store reserves for itself", nameof(key));
    }

    private static void CheckPrefix(string prefix)
    {
        CheckCharacters(prefix, "prefix");
        if (prefix.StartsWith('/')) throw new ArgumentException($"prefix '{prefix}' is an absolute path; keys are relative", nameof(prefix));
        if (prefix.Split('/').Any(s => s is "." or "..")) throw new ArgumentException($"prefix '{prefix}' contains '.' or '..' as a segment", nameof(prefix));
    }

    private static void CheckCharacters(string text, string what)
    {
        if (text.Contains('\\')) throw new ArgumentException($"{what} '{text}' contains a backslash; separate segments with /", what);
        if (text.Any(char.IsControl)) throw new ArgumentException($"{what} contains control characters", what);
    }

    private void EnsureParentFolder(string path, string key)
    {
        // Walk down from the root: a file where a folder is needed means another object's key is a prefix of this one.
        var parent = Path.GetDirectoryName(path)!;
        var relative = Path.GetRelativePath(_root, parent);
        if (relative == ".") return;
        var current = _root;
        foreach (var segment in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            if (File.Exists(current))
                throw new IOException(
                    $"key '{key}' needs '{Path.GetRelativePath(_root, current).Replace(Path.DirectorySeparatorChar, '/')}' as a folder, but an object has that key");
        }
        Directory.CreateDirectory(parent);
    }

    private async Task WriteAtomicallyAsync(string path, Func<FileStream, Task> write, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await write(file).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true); // the rename must not become durable before the data
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temporary file wastes space but breaks nothing.
        }
    }

    /// <summary>Removes folders left empty by a delete, up to (not including) <paramref name="stopAt"/>.</summary>
    private static void RemoveEmptyFolders(string folder, string stopAt)
    {
        while (folder.Length > stopAt.Length && folder.StartsWith(stopAt, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                return; // something was written into it meanwhile
            }
            folder = Path.GetDirectoryName(folder)!;
        }
    }
}
