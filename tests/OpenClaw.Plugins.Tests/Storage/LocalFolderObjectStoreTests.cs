using System.Text;
using OpenClaw.Plugins.Storage;

namespace OpenClaw.Plugins.Tests.Storage;

/// <summary>The local-folder store: round trips, atomic replacement, listing, and keys that would escape the folder.</summary>
public sealed class LocalFolderObjectStoreTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("openclaw-store-").FullName;
    private readonly LocalFolderObjectStore _store;

    public LocalFolderObjectStoreTests() => _store = new LocalFolderObjectStore(Path.Combine(_parent, "root"));

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private ValueTask Put(string key, string text, string contentType = "text/plain") =>
        _store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(text)), contentType);

    private async Task<string?> Read(string key)
    {
        var stream = await _store.GetAsync(key);
        if (stream is null) return null;
        await using (stream)
        using (var reader = new StreamReader(stream))
            return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Put_ThenGet_ReturnsTheContent_AndStatTheContentType()
    {
        await Put("reports/2024/summary.json", "{\"ok\":true}", "application/json");

        Assert.Equal("{\"ok\":true}", await Read("reports/2024/summary.json"));
        var info = await _store.StatAsync("reports/2024/summary.json");
        Assert.Equal(11, info!.Size);
        Assert.Equal("application/json", info.ContentType);
        Assert.True(File.Exists(Path.Combine(_store.RootFolder, "reports", "2024", "summary.json")));
    }

    [Fact]
    public async Task Put_ReplacesTheWholeObject_AndLeavesNoTemporaryFiles()
    {
        await Put("a.txt", new string('x', 10_000));
        await Put("a.txt", "short");

        Assert.Equal("short", await Read("a.txt"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_store.RootFolder, ".openclaw", "tmp")));
    }

    [Fact]
    public async Task ReaderOfTheOldVersion_IsNotDisturbed_ByAConcurrentReplace()
    {
        await Put("doc", "version one");
        var stream = (await _store.GetAsync("doc"))!;

        await Put("doc", "version two");

        await using (stream)
        using (var reader = new StreamReader(stream))
            Assert.Equal("version one", await reader.ReadToEndAsync());
        Assert.Equal("version two", await Read("doc"));
    }

    [Fact]
    public async Task FailedWrite_KeepsThePreviousObject_AndRemovesItsTemporaryFile()
    {
        await Put("doc", "intact");

        await Assert.ThrowsAsync<IOException>(async () => await _store.PutAsync("doc", new FailingStream(), "text/plain"));

        Assert.Equal("intact", await Read("doc"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_store.RootFolder, ".openclaw", "tmp")));
    }

    [Fact]
    public async Task Get_OfAMissingKey_ReturnsNull()
    {
        Assert.Null(await _store.GetAsync("nothing/here"));
        Assert.Null(await _store.StatAsync("nothing"));
    }

    [Fact]
    public async Task Delete_RemovesTheObjectAndEmptyFolders_AndReportsWhetherItExisted()
    {
        await Put("a/b/c.txt", "x");

        Assert.True(await _store.DeleteAsync("a/b/c.txt"));
        Assert.False(await _store.DeleteAsync("a/b/c.txt"));
        Assert.Null(await Read("a/b/c.txt"));
        Assert.False(Directory.Exists(Path.Combine(_store.RootFolder, "a")));
    }

    [Fact]
    public async Task List_ReturnsObjectsUnderThePrefix_InKeyOrder_WithoutTheStoresOwnFiles()
    {
        await Put("reports/2024-02.csv", "b", "text/csv");
        await Put("reports/2024-01.csv", "a", "text/csv");
        await Put("reports/archive/2023.csv", "old");
        await Put("other.txt", "o");

        var all = await _store.ListAsync("").ToListAsync();
        var reports2024 = await _store.ListAsync("reports/2024-").ToListAsync();

        Assert.Equal(["other.txt", "reports/2024-01.csv", "reports/2024-02.csv", "reports/archive/2023.csv"], all.Select(o => o.Key));
        Assert.Equal(["reports/2024-01.csv", "reports/2024-02.csv"], reports2024.Select(o => o.Key));
        Assert.Equal("text/csv", reports2024[0].ContentType);
        Assert.Equal(1, reports2024[0].Size);
    }

    [Theory]
    [InlineData("../escape.txt", "'..'")]
    [InlineData("a/../../escape.txt", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("a\\..\\b", "backslash")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a/", "empty segment")]
    [InlineData("", "empty")]
    [InlineData(".openclaw/tmp/x", "reserves")]
    [InlineData("a\nb", "control characters")]
    public async Task UnsafeKeys_AreRefused_BeforeAnyFileIsTouched(string key, string reason)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Put(key, "x"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_parent, "escape.txt")));
        Assert.Empty(Directory.EnumerateFiles(_store.RootFolder, "*", SearchOption.TopDirectoryOnly));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.DeleteAsync(key));
    }

    [Fact]
    public async Task KeyThatIsAlsoAFolderOfOtherKeys_IsRefusedClearly()
    {
        await Put("a", "file");

        var error = await Assert.ThrowsAsync<IOException>(async () => await Put("a/b", "nested"));

        Assert.Contains("needs 'a' as a folder, but an object has that key", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream that fails part-way, as a broken upload would.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private int _reads;

        public FailingStream() : base(Encoding.UTF8.GetBytes(new string('p', 200_000)))
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ++_reads > 1 ? throw new IOException("connection reset") : base.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ++_reads > 1 ? throw new IOException("connection reset") : base.ReadAsync(buffer, offset, count, cancellationToken);
    }
}
