using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Database;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Database;

/// <summary>
/// database-query against a live PostgreSQL server given by <c>OPENCLAW_TEST_POSTGRES</c>. Each test class instance works in
/// a table of its own, dropped afterwards.
/// </summary>
public sealed class PostgresQueryTests : IAsyncLifetime
{
    private readonly DatabaseQueryPlugin _plugin = new();
    private readonly string _table = "openclaw_plugin_test_" + Guid.NewGuid().ToString("N")[..12];

    private static string ConnectionString => Requirements.PostgresConnectionString
        ?? throw new InvalidOperationException($"{Requirements.PostgresVariable} must hold a PostgreSQL connection string when CI=true");

    public async Task InitializeAsync()
    {
        if (Requirements.PostgresConnectionString is null && !Requirements.InCi) return; // every test is skipped
        await Run($$"""
            CREATE TABLE {{_table}} (
              id integer PRIMARY KEY, name text NOT NULL UNIQUE, score numeric(6,2), active boolean, created timestamptz,
              tags text[], profile jsonb, avatar bytea, uid uuid);
            INSERT INTO {{_table}} VALUES
              (1, 'ada', 9.50, true, '2024-03-01T10:00:00Z', ARRAY['math','engines'], '{"lang":"en"}', '\xcafe', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
              (2, 'grace', 8.25, false, NULL, NULL, NULL, NULL, NULL),
              (3, 'linus', NULL, true, NULL, NULL, NULL, NULL, NULL);
            """, "execute");
    }

    public async Task DisposeAsync()
    {
        if (Requirements.PostgresConnectionString is null) return;
        await Run($"DROP TABLE IF EXISTS {_table}", "execute");
    }

    private async Task<JsonObject> Run(string query, string mode = "query", JsonObject? parameters = null, JsonObject? extra = null,
        TestPluginContext? context = null)
    {
        var inputs = new JsonObject { ["query"] = query, ["mode"] = mode, ["connection"] = "pg" };
        if (parameters is not null) inputs["parameters"] = parameters;
        foreach (var (key, value) in extra ?? []) inputs[key] = value?.DeepClone();
        context ??= new TestPluginContext();
        context.WithCredential("pg", "postgres", ("connection_string", ConnectionString));
        return await _plugin.ExecuteAsync(inputs, context);
    }

    [PostgresFact]
    public async Task Query_ReturnsTypedValues()
    {
        var output = await Run($"SELECT id, name, score, active, created, tags, profile, avatar, uid FROM {_table} WHERE id = @id",
            parameters: new JsonObject { ["id"] = 1 });

        var row = output["rows"]![0]!;
        Assert.Equal(1, (int)row["id"]!);
        Assert.Equal("ada", (string?)row["name"]);
        Assert.Equal(9.50m, (decimal)row["score"]!);
        Assert.True((bool)row["active"]!);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)row["created"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["math", "engines"], row["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("en", (string?)row["profile"]!["lang"]); // jsonb arrives parsed
        Assert.Equal("yv4=", (string?)row["avatar"]);
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", (string?)row["uid"]);
    }

    [PostgresFact]
    public async Task InjectionAttemptInAParameter_IsTreatedAsData()
    {
        var attack = $"ada' OR '1'='1'; DROP TABLE {_table}; --";

        var found = await Run($"SELECT id FROM {_table} WHERE name = @name", parameters: new JsonObject { ["name"] = attack });
        await Run($"INSERT INTO {_table} (id, name) VALUES (@id, @name)", "execute", new JsonObject { ["id"] = 10, ["name"] = attack });
        var stored = await Run($"SELECT name FROM {_table} WHERE id = 10");
        var count = await Run($"SELECT count(*) FROM {_table}", "scalar");

        Assert.Equal(0, (int)found["row_count"]!);
        Assert.Equal(attack, (string?)stored["rows"]![0]!["name"]);
        Assert.Equal(4, (long)count["value"]!);
    }

    [PostgresFact]
    public async Task ArrayParameter_WorksWithAny_AndObjectParameterIsJsonb()
    {
        var output = await Run($"SELECT name FROM {_table} WHERE id = ANY(@ids) ORDER BY id",
            parameters: new JsonObject { ["ids"] = new JsonArray(1, 3) });
        await Run($"UPDATE {_table} SET profile = @profile WHERE id = 2", "execute",
            new JsonObject { ["profile"] = new JsonObject { ["lang"] = "de", ["n"] = 2 } });
        var lang = await Run($"SELECT profile->>'lang' FROM {_table} WHERE id = 2", "scalar");

        Assert.Equal(["ada", "linus"], output["rows"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Equal("de", (string?)lang["value"]);
    }

    [PostgresFact]
    public async Task Execute_ReturnsRowsAffected_AndScalarTheFirstValue()
    {
        var updated = await Run($"UPDATE {_table} SET active = @active WHERE score > @min", "execute",
            new JsonObject { ["active"] = false, ["min"] = 8 });
        var since = await Run("SELECT @since::timestamptz < now()", "scalar", new JsonObject { ["since"] = "2020-01-01T00:00:00Z" });

        Assert.Equal(2, (int)updated["affected"]!);
        Assert.True((bool)since["value"]!);
    }

    [PostgresFact]
    public async Task SyntaxError_FailsWithoutRetry_WithSqlStateAndPosition()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run($"SELECT nme FROM {_table}"));

        Assert.False(error.Retryable);
        Assert.StartsWith("PostgreSQL error 42703: column \"nme\" does not exist (at character 8 of the query)", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task UniqueViolation_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Run($"INSERT INTO {_table} (id, name) VALUES (@id, @name)", "execute", new JsonObject { ["id"] = 30, ["name"] = "ada" }));

        Assert.False(error.Retryable);
        Assert.StartsWith("PostgreSQL error 23505:", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task MaxRows_StopsALargeResultEarly()
    {
        var started = Stopwatch.GetTimestamp();

        var output = await Run("SELECT g FROM generate_series(1, 5000000) g", extra: new JsonObject { ["max_rows"] = 5 });

        Assert.Equal(5, (int)output["row_count"]!);
        Assert.True((bool)output["truncated"]!);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20), "the rest of the result should not be read");
    }

    [PostgresFact]
    public async Task SlowStatement_TimesOutRetryably()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("SELECT pg_sleep(30)", extra: new JsonObject { ["timeout"] = "500ms" }));

        Assert.True(error.Retryable);
        Assert.Equal("the PostgreSQL query timed out after 500ms", error.Message);
    }

    [PostgresFact]
    public async Task UnreachableServer_FailsRetryably()
    {
        var context = new TestPluginContext().WithCredential("down", "postgres", ("connection_string", "Host=127.0.0.1;Port=1;Timeout=3"));

        var error = await Assert.ThrowsAsync<PluginException>(async () =>
            await _plugin.ExecuteAsync(new JsonObject { ["connection"] = "down", ["query"] = "SELECT 1" }, context));

        Assert.True(error.Retryable);
        Assert.StartsWith("PostgreSQL connection failed:", error.Message, StringComparison.Ordinal);
    }
}
