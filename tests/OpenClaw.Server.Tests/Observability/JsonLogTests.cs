using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenClaw.Server.Observability.Logging;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Observability;

/// <summary>JSON console logs with exactly the specification's fields.</summary>
public sealed class JsonLogTests
{
    private static readonly string[] SpecFields =
        ["timestamp", "level", "service", "request_id", "user_id", "workflow_id", "message", "error", "execution_time"];

    private static readonly string ServerDll = typeof(JsonLogTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OpenClawServerDll").Value!;

    private static JsonElement Format(LogLevel level, string category, object state, Func<object, Exception?, string> formatter, Exception? error, params object[] scopes)
    {
        var formatterOptions = new JsonLogFormatterOptions { Service = "openclaw-test", IncludeScopes = true };
        var jsonFormatter = new JsonLogFormatter(new FixedOptions(formatterOptions));
        var scopeProvider = new LoggerExternalScopeProvider();
        var pushed = scopes.Select(scopeProvider.Push).ToList();
        using var output = new StringWriter();
        jsonFormatter.Write(new LogEntry<object>(level, category, new EventId(7), state, error, formatter), scopeProvider, output);
        pushed.ForEach(p => p.Dispose());
        var text = output.ToString();
        Assert.EndsWith("\n", text);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static void AssertSpecShape(JsonElement line)
    {
        var names = line.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal([.. SpecFields, "context"], names);
    }

    [Fact]
    public void Formatter_LiftsScopesAndMessageValuesToTheSpecFields()
    {
        var state = new Dictionary<string, object?>
        {
            ["StepKey"] = "fetch",
            ["ExecutionTime"] = 12.5,
            ["{OriginalFormat}"] = "Step {StepKey} succeeded in {ExecutionTime} ms",
        };
        var line = Format(LogLevel.Information, "OpenClaw.Runtime.Workers.WorkerLoop", state, (_, _) => "Step fetch succeeded in 12.5 ms", null,
            new Dictionary<string, object?> { ["RequestId"] = "0HN:1", ["RequestPath"] = "/api/v2/x" },
            new Dictionary<string, object?> { ["user_id"] = "u-42", ["tenant_id"] = "acme" },
            new Dictionary<string, object?> { ["workflow_id"] = "orders", ["execution_id"] = Guid.Empty, ["attempt"] = 2 });

        AssertSpecShape(line);
        Assert.Equal("INFO", line.Str("level"));
        Assert.Equal("openclaw-test", line.Str("service"));
        Assert.Equal("0HN:1", line.Str("request_id"));
        Assert.Equal("u-42", line.Str("user_id"));
        Assert.Equal("orders", line.Str("workflow_id"));
        Assert.Equal("Step fetch succeeded in 12.5 ms", line.Str("message"));
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        Assert.Equal(12.5, line.GetProperty("execution_time").GetDouble());
        Assert.True(DateTimeOffset.TryParse(line.Str("timestamp"), out _));
        Assert.EndsWith("Z", line.Str("timestamp"));
        var context = line.GetProperty("context");
        Assert.Equal("OpenClaw.Runtime.Workers.WorkerLoop", context.Str("category"));
        Assert.Equal("fetch", context.Str("step_key"));
        Assert.Equal("acme", context.Str("tenant_id"));
        Assert.Equal("/api/v2/x", context.Str("request_path"));
        Assert.Equal(2, context.GetProperty("attempt").GetInt32());
        Assert.False(context.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Formatter_WritesTheErrorAndNullsForWhatIsUnknown()
    {
        InvalidOperationException error;
        try
        {
            throw new InvalidOperationException("boom \"quoted\"\nsecond line");
        }
        catch (InvalidOperationException ex)
        {
            error = ex;
        }

        var line = Format(LogLevel.Error, "Test", new Dictionary<string, object?>(), (_, _) => "It failed", error);

        AssertSpecShape(line);
        Assert.Equal("ERROR", line.Str("level"));
        Assert.Contains("boom \"quoted\"\nsecond line", line.Str("error"));
        Assert.Contains("InvalidOperationException", line.Str("error"));
        foreach (var field in (string[])["request_id", "user_id", "workflow_id", "execution_time"])
            Assert.Equal(JsonValueKind.Null, line.GetProperty(field).ValueKind);
    }

    [Fact]
    public async Task Server_PrintsJsonLines_RequestLinesCarryRequestAndUser_StepLinesCarryWorkflowAndTime()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll);
        // On the command line: appsettings.json's Urls would win over ASPNETCORE_URLS.
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["OpenClaw__DataDirectory"] = dataDirectory;
        start.Environment["OpenClaw__SqliteSynchronous"] = "NORMAL";
        start.Environment["OpenClaw__Auth__BootstrapApiKey"] = TestServer.BootstrapApiKey;
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__LogLevel__OpenClaw.Requests"] = "Debug";
        start.Environment["Logging__LogLevel__OpenClaw.Runtime.Workers"] = "Debug";
        var lines = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string? listening;
            try
            {
                listening = await Poll.UntilAsync(() => Task.FromResult(lines.FirstOrDefault(l => l.Contains("Now listening on", StringComparison.Ordinal))),
                    l => l is not null, TimeSpan.FromSeconds(90), "the server to start");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}; the server printed:\n{string.Join("\n", lines)}", ex);
            }
            var address = JsonDocument.Parse(listening!).RootElement.GetProperty("context").Str("address");
            using var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestServer.BootstrapApiKey);
            var id = Definitions.NewId("logs");
            (await client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();
            using var started = await client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            await Poll.UntilAsync(() => client.GetJsonAsync(started.Headers.Location!.OriginalString.TrimStart('/')), e => e.Str("status") == "succeeded");

            var parsed = await Poll.UntilAsync(
                () => Task.FromResult(lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()),
                all => all.Count(l => l.GetProperty("context").Str("category") == "OpenClaw.Runtime.Workers.WorkerLoop") >= 2,
                what: "both step lines");

            Assert.All(parsed, AssertSpecShape);
            Assert.All(parsed, l => Assert.Equal("openclaw", l.Str("service")));
            var request = parsed.First(l => l.GetProperty("context").Str("category") == "OpenClaw.Requests"
                && l.Str("message").StartsWith("POST /api/v2/workflows answered", StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty(request.Str("request_id")));
            Assert.False(string.IsNullOrEmpty(request.Str("user_id")));
            Assert.True(request.GetProperty("execution_time").GetDouble() > 0);
            Assert.Equal(201, request.GetProperty("context").GetProperty("status_code").GetInt32());
            var steps = parsed.Where(l => l.GetProperty("context").Str("category") == "OpenClaw.Runtime.Workers.WorkerLoop").ToList();
            Assert.All(steps, s => Assert.Equal(id, s.Str("workflow_id")));
            Assert.All(steps, s => Assert.True(s.GetProperty("execution_time").GetDouble() >= 0));
            Assert.Equal(["done", "greet"], steps.Select(s => s.GetProperty("context").Str("step")).Order());
            // A plugin's own log line (the log step) runs inside the step's scope and carries the workflow too.
            Assert.Contains(parsed, l => l.Str("workflow_id") == id && l.Str("message").Contains("Hello, world!", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    private sealed class FixedOptions(JsonLogFormatterOptions value) : IOptionsMonitor<JsonLogFormatterOptions>
    {
        public JsonLogFormatterOptions CurrentValue => value;

        public JsonLogFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<JsonLogFormatterOptions, string?> listener) => null;
    }
}
