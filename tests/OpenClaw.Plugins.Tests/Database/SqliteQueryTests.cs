using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using OpenClaw.Plugins.Database;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Database;

/// <summary>database-query against a real SQLite file.</summary>
public sealed class SqliteQueryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("openclaw-sqlite-").FullName;
    private readonly DatabaseQueryPlugin _plugin = new();

    public SqliteQueryTests()
    {
        Run("""
            CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score REAL, active INTEGER, avatar BLOB, profile TEXT);
            INSERT INTO users (id, name, score, active, avatar, profile) VALUES
              (1, 'ada', 9.5, 1, x'CAFE', '{"lang":"en"}'),
              (2, 'grace', 8.25, 0, NULL, NULL),
              (3, 'linus', NULL, 1, NULL, NULL);
            """, "execute").GetAwaiter().GetResult();
    }

    // Pooling off: a pooled connection would keep the file open after the test and block deleting it.
    private string ConnectionString => $"Data Source={Path.Combine(_folder, "test.db")};Pooling=False";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<JsonObject> Run(string query, string mode = "query", JsonObject? parameters = null, JsonObject? extra = null,
        TestPluginContext? context = null)
    {
        var inputs = new JsonObject { ["provider"] = "sqlite", ["connection_string"] = ConnectionString, ["query"] = query, ["mode"] = mode };
        if (parameters is not null) inputs["parameters"] = parameters;
        foreach (var (key, value) in extra ?? []) inputs[key] = value?.DeepClone();
        return await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());
    }

    [Fact]
    public async Task Query_ReturnsRowsAsObjects_WithColumnsAndCount()
    {
        var output = await Run("SELECT id, name, score, active, avatar FROM users ORDER BY id");

        Assert.Equal(3, (int)output["row_count"]!);
        Assert.Equal(["id", "name", "score", "active", "avatar"], output["columns"]!.AsArray().Select(c => (string)c!));
        Assert.False((bool)output["truncated"]!);
        var first = output["rows"]![0]!;
        Assert.Equal(1, (long)first["id"]!);
        Assert.Equal("ada", (string?)first["name"]);
        Assert.Equal(9.5, (double)first["score"]!);
        Assert.Equal("yv4=", (string?)first["avatar"]); // bytes as base64
        Assert.Null(output["rows"]![2]!["score"]);
    }

    [Theory]
    [InlineData("SELECT name FROM users WHERE id = @id", "id")]
    [InlineData("SELECT name FROM users WHERE id = $id", "id")]
    [InlineData("SELECT name FROM users WHERE id = :id", "id")]
    [InlineData("SELECT name FROM users WHERE id = @id", "@id")]
    public async Task Parameters_AreBoundByName_InEverySqlitePlaceholderStyle(string query, string key)
    {
        var output = await Run(query, parameters: new JsonObject { [key] = 2 });

        Assert.Equal("grace", (string?)output["rows"]![0]!["name"]);
    }

    [Fact]
    public async Task InjectionAttemptInAParameter_IsTreatedAsData()
    {
        const string attack = "ada' OR '1'='1'; DROP TABLE users; --";

        var found = await Run("SELECT id FROM users WHERE name = @name", parameters: new JsonObject { ["name"] = attack });
        await Run("INSERT INTO users (id, name) VALUES (@id, @name)", "execute", new JsonObject { ["id"] = 10, ["name"] = attack });
        var stored = await Run("SELECT name FROM users WHERE id = 10");
        var count = await Run("SELECT count(*) FROM users", "scalar");

        Assert.Equal(0, (int)found["row_count"]!);
        Assert.Equal(attack, (string?)stored["rows"]![0]!["name"]);
        Assert.Equal(4, (long)count["value"]!); // the table is still there, with the new row
    }

    [Fact]
    public async Task Execute_ReturnsRowsAffected()
    {
        var output = await Run("UPDATE users SET active = @active WHERE score > @min", "execute",
            new JsonObject { ["active"] = false, ["min"] = 8 });

        Assert.Equal(2, (int)output["affected"]!);
        Assert.Equal(["affected"], output.Select(p => p.Key));
    }

    [Fact]
    public async Task Scalar_ReturnsTheFirstValue_OrNull()
    {
        Assert.Equal("linus", (string?)(await Run("SELECT name FROM users WHERE id = 3", "scalar"))["value"]);
        Assert.Null((await Run("SELECT name FROM users WHERE id = 99", "scalar"))["value"]);
    }

    [Fact]
    public async Task ObjectParameters_AreStoredAsJsonText_ForSqlitesJsonFunctions()
    {
        await Run("UPDATE users SET profile = @profile WHERE id = 2", "execute",
            new JsonObject { ["profile"] = new JsonObject { ["lang"] = "de", ["tags"] = new JsonArray("x", "y") } });

        var output = await Run("SELECT json_extract(profile, '$.lang') AS lang, json_array_length(profile, '$.tags') AS tags FROM users WHERE id = 2");

        Assert.Equal("de", (string?)output["rows"]![0]!["lang"]);
        Assert.Equal(2, (long)output["rows"]![0]!["tags"]!);
    }

    [Fact]
    public async Task NullAndBooleanAndDecimalParameters_AreBound()
    {
        await Run("INSERT INTO users (id, name, score, active) VALUES (@id, @name, @score, @active)", "execute",
            new JsonObject { ["id"] = 20, ["name"] = "null-score", ["score"] = null, ["active"] = true });
        await Run("INSERT INTO users (id, name, score) VALUES (@id, @name, @score)", "execute",
            new JsonObject { ["id"] = 21, ["name"] = "decimal", ["score"] = 0.1m });

        var output = await Run("SELECT score, active FROM users WHERE id IN (20, 21) ORDER BY id");

        Assert.Null(output["rows"]![0]!["score"]);
        Assert.Equal(1, (long)output["rows"]![0]!["active"]!);
        Assert.Equal(0.1, (double)output["rows"]![1]!["score"]!);
    }

    [Fact]
    public async Task MaxRows_TruncatesTheResult_AndSaysSo()
    {
        var output = await Run("SELECT id FROM users ORDER BY id", extra: new JsonObject { ["max_rows"] = 2 });

        Assert.Equal(2, (int)output["row_count"]!);
        Assert.True((bool)output["truncated"]!);
    }

    [Fact]
    public async Task RepeatedColumnNames_AreMadeUnique()
    {
        var output = await Run("SELECT a.name, b.name FROM users a JOIN users b ON b.id = a.id + 1 WHERE a.id = 1");

        Assert.Equal(["name", "name_2"], output["columns"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("grace", (string?)output["rows"]![0]!["name_2"]);
    }

    [Fact]
    public async Task SyntaxError_FailsWithoutRetry_WithTheDatabasesMessage()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("SELEC name FROM users"));

        Assert.False(error.Retryable);
        Assert.StartsWith("SQLite error 1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("syntax error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConstraintViolation_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Run("INSERT INTO users (id, name) VALUES (@id, @name)", "execute", new JsonObject { ["id"] = 30, ["name"] = "ada" }));

        Assert.False(error.Retryable);
        Assert.Contains("UNIQUE constraint failed: users.name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockedDatabase_FailsRetryably()
    {
        await using var holder = new SqliteConnection(ConnectionString);
        await holder.OpenAsync();
        await using var transaction = (SqliteTransaction)await holder.BeginTransactionAsync();
        await using (var write = holder.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "UPDATE users SET score = 0";
            await write.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            Run("UPDATE users SET score = 1", "execute", extra: new JsonObject { ["timeout"] = 1 }));

        // SQLite's busy wait and the step's timeout end together, so either may report it; both are retryable.
        Assert.True(error.Retryable, error.Message);
        Assert.True(error.Message.Contains("database is locked", StringComparison.Ordinal)
            || error.Message == "the SQLite execute timed out after 1s", error.Message);
    }

    [Theory]
    [InlineData(5, true)]   // SQLITE_BUSY
    [InlineData(6, true)]   // SQLITE_LOCKED
    [InlineData(1, false)]  // SQLITE_ERROR
    [InlineData(19, false)] // SQLITE_CONSTRAINT
    public void SqliteErrors_AreRetryableOnlyWhenTheDatabaseIsBusy(int code, bool retryable)
    {
        var failure = DatabaseProvider.Sqlite.Describe(new SqliteException("message", code));

        Assert.Equal(retryable, failure!.Retryable);
    }

    [Fact]
    public async Task Credential_SuppliesProviderAndConnectionString()
    {
        var context = new TestPluginContext().WithCredential("warehouse", "sqlite", ("connection_string", ConnectionString));

        var output = await _plugin.ExecuteAsync(new JsonObject { ["connection"] = "warehouse", ["query"] = "SELECT count(*) FROM users", ["mode"] = "scalar" },
            context);

        Assert.Equal(3, (long)output["value"]!);
    }

    [Theory]
    [InlineData("""{ "query": "SELECT 1" }""", "give the database")]
    [InlineData("""{ "query": "SELECT 1", "connection_string": "Data Source=:memory:" }""", "input 'provider' (postgres or sqlite) is required")]
    [InlineData("""{ "query": "SELECT 1", "connection_string": "Data Source=:memory:", "provider": "oracle" }""", "input 'provider' must be postgres or sqlite")]
    [InlineData("""{ "query": "SELECT 1", "connection": "missing" }""", "credential 'missing' does not exist")]
    [InlineData("""{ "query": "SELECT 1", "connection": "api" }""", "credential 'api' is of type 'bearer'")]
    [InlineData("""{ "query": "SELECT 1", "connection": "api", "connection_string": "x" }""", "not both")]
    [InlineData("""{ "query": "SELECT 1", "connection_string": "Data Source=:memory:", "provider": "sqlite", "mode": "stream" }""", "input 'mode' must be one of")]
    [InlineData("""{ "query": "SELECT 1", "connection_string": "Data Source=:memory:", "provider": "sqlite", "max_rows": 0 }""", "input 'max_rows' must be a positive integer")]
    [InlineData("""{ "query": "SELECT @x", "connection_string": "Data Source=:memory:", "provider": "sqlite", "parameters": { "x; DROP": 1 } }""",
        "'x; DROP' is not a valid parameter name")]
    [InlineData("""{ "query": "SELECT 1", "connection_string": "Data Source=:memory:;Bogus Key=1", "provider": "sqlite" }""",
        "the SQLite connection string is invalid")]
    public async Task InvalidInputs_FailWithoutRetry(string json, string message)
    {
        var context = new TestPluginContext().WithCredential("api", "bearer", ("token", "t"));

        var error = await Assert.ThrowsAsync<PluginException>(async () => await _plugin.ExecuteAsync(JsonNode.Parse(json)!.AsObject(), context));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_SurfacesAsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Run("SELECT * FROM users", context: new TestPluginContext { Token = cancellation.Token }));
    }
}
