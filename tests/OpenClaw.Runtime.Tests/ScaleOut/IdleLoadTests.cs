using System.Diagnostics;
using Npgsql;
using OpenClaw.Storage.Tests.Postgres;
using Xunit.Abstractions;
using OpenClaw.Runtime.Tests.Processes;

namespace OpenClaw.Runtime.Tests.ScaleOut;

/// <summary>
/// An idle worker sends almost no queries: it waits on LISTEN and only polls as a safety net (every 5 s by default) and
/// looks for expired leases (every 5 s). Counted from the server's side over a quiet interval, from the database's
/// committed and rolled-back transactions (every statement outside an explicit transaction is one).
/// </summary>
public sealed class IdleLoadTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(10);

    /// <summary>Safety poll and reaper every 5 s: about 4 per 10 s. 20 leaves room for a renewal tick or a stats flush.</summary>
    private const int MaxTransactions = 20;

    private readonly HttpClient _http = ServerProcess.CreateClient(TimeSpan.FromSeconds(10));
    private PostgresTestServer _postgres = null!;
    private string _database = "";
    private string _connectionString = "";
    private ServerProcess? _worker;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresTestServer.GetAsync();
        (_database, _connectionString) = await _postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _worker?.Dispose();
        NpgsqlConnection.ClearAllPools();
        await _postgres.DropDatabaseAsync(_database);
    }

    public void Dispose() => _http.Dispose();

    [PostgresFact]
    public async Task An_idle_worker_sends_fewer_than_20_queries_in_10_seconds()
    {
        _worker = RoleProcess.Start("worker", _connectionString, new Dictionary<string, string>(StringComparer.Ordinal));
        await _worker.WaitUntilReadyAsync(_http, TimeSpan.FromSeconds(60));

        // Start-up work (migration check, first claim, LISTEN) is over within one safety-poll period; not counted.
        var settle = Stopwatch.StartNew();
        long before = await TransactionsAsync();
        while (settle.Elapsed < TimeSpan.FromSeconds(6))
        {
            await Task.Delay(500);
            Assert.False(_worker.HasExited, $"the worker exited. Output:\n{_worker.Output}");
        }

        long start = await TransactionsAsync();
        var quiet = Stopwatch.StartNew();
        // Measuring, not waiting for a state: the interval itself is what is observed.
        await Task.Delay(QuietInterval);
        long end = await TransactionsAsync();
        var elapsed = quiet.Elapsed;
        Assert.False(_worker.HasExited, $"the worker exited. Output:\n{_worker.Output}");

        long count = end - start;
        output.WriteLine($"start-up settling: {start - before} transactions in {settle.Elapsed.TotalSeconds:0.0} s; " +
            $"idle: {count} transactions in {elapsed.TotalSeconds:0.0} s on the worker's database");
        Assert.True(count < MaxTransactions, $"an idle worker ran {count} transactions in {elapsed.TotalSeconds:0.0} s; expected fewer than {MaxTransactions}");
    }

    /// <summary>
    /// Committed plus rolled-back transactions of the worker's database, read over a connection to another database
    /// (the maintenance one) so that measuring adds nothing to the count. Statistics reach the view when a backend goes
    /// idle (at most about once a second), so each reading lags by up to that much; the interval is long enough for it.
    /// </summary>
    private async Task<long> TransactionsAsync()
    {
        await using var connection = new NpgsqlConnection(_postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_stat_clear_snapshot(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", _database);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        Assert.True(await reader.ReadAsync(), $"no statistics for database {_database}");
        return reader.GetInt64(0);
    }
}
