using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Cli.Commands;

/// <summary><c>openclaw login</c>: logs in with a user name and password and stores the tokens for later server commands.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server", "-s")
        {
            Description = "The server's base URL (default: $OPENCLAW_SERVER or http://127.0.0.1:5080).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OPENCLAW_SERVER") ?? "http://127.0.0.1:5080",
        };
        var username = new Option<string>("--username", "-u") { Description = "The user name.", Required = true };
        var password = new Option<string?>("--password")
        {
            Description = "The password (default: $OPENCLAW_PASSWORD, else read from standard input; prefer those, a command line is visible to other users).",
        };
        var tenant = new Option<string?>("--tenant") { Description = "The tenant (default: the default tenant)." };
        var credentials = CredentialStore.Option();
        var login = new Command("login", "Log in to a server and store the token for the server commands.") { server, username, password, tenant, credentials };
        login.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var serverText = parse.GetValue(server)!;
            if (!Uri.TryCreate(serverText.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                error.WriteLine($"error: --server '{serverText}' is not an http(s) URL");
                return ExitCodes.InvalidInput;
            }
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("OPENCLAW_PASSWORD") ?? await Console.In.ReadLineAsync(ct);
            if (string.IsNullOrEmpty(secret))
            {
                error.WriteLine("error: no password: pass --password, set OPENCLAW_PASSWORD or write it to standard input");
                return ExitCodes.InvalidInput;
            }
            var body = new JsonObject { ["username"] = parse.GetValue(username), ["password"] = secret };
            if (parse.GetValue(tenant) is { } t) body["tenant"] = t;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                using var response = await http.PostAsync(new Uri(baseUri, "api/v2/auth/login"), ServerAuth.JsonContent(body), ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    error.WriteLine($"error: {(int)response.StatusCode} {Detail(text) ?? response.ReasonPhrase}");
                    return ExitCodes.InvalidInput;
                }
                var file = parse.GetValue(credentials)!;
                CredentialStore.Save(file, baseUri, ReadSession(text));
                parse.InvocationConfiguration.Output.WriteLine($"Logged in to {baseUri} as {parse.GetValue(username)}; token stored in {file}.");
                return ExitCodes.Success;
            }
            catch (HttpRequestException ex)
            {
                error.WriteLine($"error: cannot reach {baseUri}: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
        });
        return login;
    }

    /// <summary>The session in a login or refresh answer.</summary>
    public static StoredSession ReadSession(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var refresh = root.TryGetProperty("refresh_token", out var r) ? r.GetString() : null;
        return new StoredSession(root.GetProperty("access_token").GetString()!, refresh,
            DateTimeOffset.UtcNow.AddSeconds(root.GetProperty("expires_in").GetInt32()));
    }

    private static string? Detail(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
