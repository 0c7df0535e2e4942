using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Cli.Commands;

/// <summary>
/// The tokens <c>openclaw login</c> stored, per server, in <c>~/.config/openclaw/credentials.json</c> (mode 0600; under
/// <c>$XDG_CONFIG_HOME</c> when set).
/// </summary>
internal static class CredentialStore
{
    public static string DefaultPath()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config)) config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "openclaw", "credentials.json");
    }

    public static Option<string> Option() => new("--credentials")
    {
        Description = "The file `openclaw login` keeps tokens in (default: ~/.config/openclaw/credentials.json).",
        DefaultValueFactory = _ => DefaultPath(),
    };

    /// <summary>The stored session for <paramref name="server"/>, or null.</summary>
    public static StoredSession? Find(string file, Uri server)
    {
        if (!File.Exists(file)) return null;
        var root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
        if (root?["servers"]?[server.ToString()] is not JsonObject entry) return null;
        return new StoredSession(
            entry["access_token"]?.GetValue<string>() ?? "",
            entry["refresh_token"]?.GetValue<string>(),
            entry["expires_at"] is { } at ? DateTimeOffset.Parse(at.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : DateTimeOffset.MinValue);
    }

    /// <summary>Stores the session for <paramref name="server"/>, keeping other servers' entries; the file is readable by its owner only.</summary>
    public static void Save(string file, Uri server, StoredSession session)
    {
        var root = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? [] : [];
        if (root["servers"] is not JsonObject servers) root["servers"] = servers = [];
        servers[server.ToString()] = new JsonObject
        {
            ["access_token"] = session.AccessToken,
            ["refresh_token"] = session.RefreshToken,
            ["expires_at"] = session.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(file, options))
        {
            JsonSerializer.Serialize(stream, root, new JsonSerializerOptions { WriteIndented = true });
        }
        // An existing file keeps its mode on open; tighten it.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

/// <summary>A logged-in session: the access token, the refresh token that renews it, and when the access token expires.</summary>
internal sealed record StoredSession(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>The credential a server command sends: the API key if given, else the stored login token (refreshed when expired).</summary>
internal sealed record ServerAuth(string? ApiKey, string CredentialsFile)
{
    public async Task<string?> BearerAsync(HttpClient http, Uri server, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(ApiKey)) return ApiKey;
        if (CredentialStore.Find(CredentialsFile, server) is not { } session) return null;
        if (session.ExpiresAt > DateTimeOffset.UtcNow.AddSeconds(30) || session.RefreshToken is null) return session.AccessToken;

        using var response = await http.PostAsync(new Uri(server, "api/v2/auth/refresh"),
            JsonContent(new JsonObject { ["refresh_token"] = session.RefreshToken }), ct);
        if (!response.IsSuccessStatusCode) return session.AccessToken; // The server will say 401; the hint says to log in again.
        var renewed = LoginCommand.ReadSession(await response.Content.ReadAsStringAsync(ct));
        CredentialStore.Save(CredentialsFile, server, renewed);
        return renewed.AccessToken;
    }

    public static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
