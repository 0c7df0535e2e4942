using System.CommandLine;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace OpenClaw.Cli.Commands;

/// <summary>
/// One call to a server's API (<c>/api/v2/</c>): the shared <c>--server</c> and <c>--json</c> options, errors printed
/// with what the server said (and each field of a validation problem) and exit code 2, success rendered or printed raw.
/// </summary>
internal static class ServerCall
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Option<string> ServerOption() => new("--server", "-s")
    {
        Description = "The server's base URL (default: $OPENCLAW_SERVER or http://127.0.0.1:5080).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OPENCLAW_SERVER") ?? "http://127.0.0.1:5080",
    };

    public static Option<string?> ApiKeyOption() => new("--api-key")
    {
        Description = "An API key (ock_...) sent as the bearer credential (default: $OPENCLAW_API_KEY, else the token `openclaw login` stored).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OPENCLAW_API_KEY"),
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print the server's JSON instead of a table." };

    public static string BuildPath(string path, params (string Name, string? Value)[] query)
    {
        var parts = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}").ToList();
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    /// <summary>Sends the request; renders the JSON answer (or, for 204, prints <paramref name="done"/>).</summary>
    public static async Task<int> SendAsync(
        string server, ServerAuth auth, HttpMethod method, string path, string? body, bool raw, TextWriter output, TextWriter error,
        Action<JsonElement, IAnsiConsole> render, CancellationToken ct, string? done = null)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"error: --server '{server}' is not an http(s) URL");
            return ExitCodes.InvalidInput;
        }
        using var http = new HttpClient { BaseAddress = new Uri(baseUri, "api/v2/"), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            var bearer = await auth.BearerAsync(http, baseUri, ct);
            if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            response = await http.SendAsync(request, ct);
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
            JsonElement? json = TryParse(text);
            if (!response.IsSuccessStatusCode)
            {
                WriteProblem(error, response, json);
                return ExitCodes.InvalidInput;
            }
            if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                if (done is not null) output.WriteLine(done);
                return ExitCodes.Success;
            }
            if (json is not { ValueKind: JsonValueKind.Object } answer)
            {
                error.WriteLine($"error: {baseUri} did not answer with OpenClaw JSON; is --server an OpenClaw server?");
                return ExitCodes.InvalidInput;
            }
            if (raw)
            {
                output.WriteLine(JsonSerializer.Serialize(answer, Indented));
                return ExitCodes.Success;
            }
            render(answer, Consoles.For(output));
            return ExitCodes.Success;
        }
    }

    /// <summary>Reads a JSON object from a file for <paramref name="option"/>; null and a message when it is not one.</summary>
    public static (string? Json, string? Error) ReadObjectFile(string option, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.GetRawText(), null)
                : (null, $"{option} '{path}' must hold a JSON object.");
        }
        catch (IOException ex)
        {
            return (null, $"{option} '{path}' cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return (null, $"{option} '{path}' cannot be read: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return (null, $"{option} '{path}' is not valid JSON: {ex.Message}");
        }
    }

    public static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "";

    private static void WriteProblem(TextWriter error, HttpResponseMessage response, JsonElement? json)
    {
        var problem = json is { ValueKind: JsonValueKind.Object } p ? p : default;
        string? detail = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()
            : problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("title", out var t) ? t.GetString() : response.ReasonPhrase;
        error.WriteLine($"error: {(int)response.StatusCode} {detail}");
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            error.WriteLine("hint: pass --api-key (or set OPENCLAW_API_KEY), or run `openclaw login --server URL --username NAME`");
        if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                foreach (var message in field.Value.EnumerateArray()) error.WriteLine($"  {field.Name}: {message.GetString()}");
            }
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
}
