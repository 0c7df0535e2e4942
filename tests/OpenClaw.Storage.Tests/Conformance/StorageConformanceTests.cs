namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>
/// Base of the conformance suites: every test gets a fresh backend from <see cref="CreateBackendAsync"/> (xunit creates
/// one class instance per test), disposed when the test ends.
/// </summary>
public abstract class StorageConformanceTests : IAsyncLifetime
{
    private IStorageBackend? _backend;

    protected IStorageBackend Backend => _backend ?? throw new InvalidOperationException("The backend is created in InitializeAsync.");

    /// <summary>A backend over a new, empty, migrated database that no other test uses.</summary>
    protected abstract Task<IStorageBackend> CreateBackendAsync();

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }
}
