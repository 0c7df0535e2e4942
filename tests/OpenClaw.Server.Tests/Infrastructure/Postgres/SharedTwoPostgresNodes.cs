using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary><see cref="TwoPostgresNodes"/> shared by the tests of one class (an xunit class fixture).</summary>
public sealed class SharedTwoPostgresNodes : IAsyncLifetime
{
    private TwoPostgresNodes? _nodes;

    public TestServer A => Nodes.A;

    public TestServer B => Nodes.B;

    private TwoPostgresNodes Nodes => _nodes ?? throw new InvalidOperationException("No PostgreSQL here: the tests using these nodes are skipped.");

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is null) _nodes = await TwoPostgresNodes.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_nodes is not null) await _nodes.DisposeAsync();
    }
}
