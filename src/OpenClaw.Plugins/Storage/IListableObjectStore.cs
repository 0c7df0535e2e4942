using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Storage;

/// <summary>An object store that can also describe, delete and list objects, which <c>object-storage</c> needs for those operations.</summary>
/// <remarks>
/// The SDK's <see cref="IPluginObjectStore"/> has only put and get (what plugins need for large outputs). This extends it
/// rather than changing the SDK contract; a host whose store cannot list still serves put and get.
/// </remarks>
public interface IListableObjectStore : IPluginObjectStore
{
    /// <summary>Describes the object stored under <paramref name="key"/>, or returns <see langword="null"/>.</summary>
    ValueTask<StoredObject?> StatAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes the object stored under <paramref name="key"/>.</summary>
    /// <returns><see langword="true"/> when there was one.</returns>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The objects whose keys start with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>What a listing says about one object.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
/// <param name="ContentType">The media type given when it was stored, when known.</param>
public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified, string? ContentType);
