using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace OpenClaw.Cli.Commands;

/// <summary>Commands that talk to a running server: <c>workflows list</c>, <c>executions get ID</c>.</summary>
internal static class ServerCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static Option<string> ServerOption() => new("--server", "-s")
    {
        Description = "The server's base URL (default: $OPENCLAW_SERVER or http://127.0.0.1:5080).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OPENCLAW_SERVER") ?? "http://127.0.0.1:5080",
    };

    private static Option<string?> ApiKeyOption() => new("--api-key")
    {
        Description = "An API key (ock_...) sent as the bearer credential (default: $OPENCLAW_API_KEY, else the token `openclaw login` stored).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OPENCLAW_API_KEY"),
    };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the server's JSON instead of a table." };

    public static Command CreateWorkflows()
    {
        var server = ServerOption();
        var apiKey = ApiKeyOption();
        var credentials = CredentialStore.Option();
        var json = JsonOption();
        var search = new Option<string?>("--search") { Description = "Only workflows whose id or name contains this." };
        var list = new Command("list", "List the server's workflows.") { server, apiKey, credentials, json, search };
        list.SetAction((parse, ct) => CallAsync(parse.GetValue(server)!, Auth(parse, apiKey, credentials), BuildPath("workflows", ("search", parse.GetValue(search))), parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, RenderWorkflows, ct));
        return new Command("workflows", "Workflows stored on a server.") { list };
    }

    public static Command CreateExecutions()
    {
        var server = ServerOption();
        var apiKey = ApiKeyOption();
        var credentials = CredentialStore.Option();
        var json = JsonOption();
        var id = new Argument<Guid>("id") { Description = "The execution id." };
        var get = new Command("get", "Show an execution with its step history.") { id, server, apiKey, credentials, json };
        get.SetAction((parse, ct) => CallAsync(parse.GetValue(server)!, Auth(parse, apiKey, credentials), $"executions/{parse.GetValue(id)}", parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, RenderExecution, ct));
        return new Command("executions", "Executions on a server.") { get };
    }

    /// <summary>Where the bearer credential comes from: the API key if given, else the login token stored for the server.</summary>
    private static ServerAuth Auth(ParseResult parse, Option<string?> apiKey, Option<string> credentials) =>
        new(parse.GetValue(apiKey), parse.GetValue(credentials)!);

    private static string BuildPath(string path, params (string Name, string? Value)[] query)
    {
        var parts = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}").ToList();
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    private static async Task<int> CallAsync(
        string server, ServerAuth auth, string path, bool raw, TextWriter output, TextWriter error, Action<JsonElement, IAnsiConsole> render, CancellationToken ct)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"error: --server '{server}' is not an http(s) URL");
            return ExitCodes.InvalidInput;
        }
        using var http = new HttpClient { BaseAddress = new Uri(baseUri, "api/v2/"), Timeout = TimeSpan.FromSeconds(30) };
        HttpResponseMessage response;
        try
        {
            var bearer = await auth.BearerAsync(http, baseUri, ct);
            if (bearer is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            response = await http.GetAsync(path, ct);
        }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"error: cannot reach {baseUri}: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            error.WriteLine($"error: {baseUri} did not answer within {http.Timeout.TotalSeconds:0} s");
            return ExitCodes.InvalidInput;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonElement? body = TryParse(text);
            if (!response.IsSuccessStatusCode)
            {
                var detail = body is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String
                    ? d.GetString()
                    : response.ReasonPhrase;
                error.WriteLine($"error: {(int)response.StatusCode} {detail}");
                if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                    error.WriteLine("hint: pass --api-key (or set OPENCLAW_API_KEY), or run `openclaw login --server URL --username NAME`");
                return ExitCodes.InvalidInput;
            }
            if (body is not { ValueKind: JsonValueKind.Object } json)
            {
                error.WriteLine($"error: {baseUri} did not answer with OpenClaw JSON; is --server an OpenClaw server?");
                return ExitCodes.InvalidInput;
            }
            if (raw)
            {
                output.WriteLine(JsonSerializer.Serialize(json, Indented));
                return ExitCodes.Success;
            }
            render(json, Consoles.For(output));
            return ExitCodes.Success;
        }
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void RenderWorkflows(JsonElement page, IAnsiConsole console)
    {
        var table = new Table().AddColumns("id", "name", "status", "version", "updated");
        foreach (var w in page.GetProperty("items").EnumerateArray())
            table.AddRow(Text(w, "id"), Text(w, "name"), Text(w, "status"), Text(w, "version"), Text(w, "updated_at"));
        console.Write(table);
    }

    private static void RenderExecution(JsonElement e, IAnsiConsole console)
    {
        console.MarkupLine($"execution [bold]{Text(e, "id")}[/] of [bold]{Markup.Escape(Text(e, "workflow_id"))}[/] v{Text(e, "workflow_version")}: {Text(e, "status")}");
        if (e.TryGetProperty("error", out var err)) console.MarkupLine($"[red]{Markup.Escape(err.GetString() ?? "")}[/]");
        var table = new Table().AddColumns("step", "type", "status", "attempt", "error");
        foreach (var s in e.GetProperty("steps").EnumerateArray())
            table.AddRow(Markup.Escape(Text(s, "key")), Markup.Escape(Text(s, "type")), Text(s, "status"), Text(s, "attempt"), Markup.Escape(Text(s, "error")));
        console.Write(table);
        if (e.TryGetProperty("outputs", out var outputs)) console.WriteLine(JsonSerializer.Serialize(outputs, Indented));
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "";
}
