using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Email;

/// <summary>How the connection to the SMTP server is secured.</summary>
internal enum SmtpSecurity
{
    /// <summary>TLS from the first byte on port 465; otherwise STARTTLS when the server offers it.</summary>
    Auto,

    /// <summary>STARTTLS is required; a server that does not offer it is refused.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Tls,

    /// <summary>Plain text, even for the password. Only for relays on a trusted network.</summary>
    None,
}

/// <summary>Where and how to deliver: server, port, security and the login, if any.</summary>
/// <remarks>
/// Logins come only from a credential of type <c>smtp</c> (values <c>host</c>, <c>port</c>, <c>username</c>,
/// <c>password</c>, <c>starttls</c> or <c>security</c>, and optionally a default <c>from</c>), so passwords never sit in
/// workflow definitions. A server without a login may be given inline with <c>host</c> and <c>port</c>.
/// </remarks>
internal sealed record SmtpSettings(string Host, int Port, SmtpSecurity Security, string? Username, string? Password, string? DefaultFrom)
{
    public const string CredentialType = "smtp";

    private static readonly string[] SecurityNames = ["auto", "starttls", "tls", "none"];

    public static readonly PluginField[] Fields =
    [
        new("credential", "string",
            Description: "Name of an smtp credential (host, port, username, password, starttls or security, optional from). Either this or host."),
        new("host", "string", Description: "SMTP server for delivery without a login, when no credential is given."),
        new("port", "integer", Description: "SMTP port; by default 465 for tls, 587 for starttls, otherwise 25."),
        new("security", "string",
            Description: "auto: TLS on port 465, else STARTTLS when offered; starttls: required; tls: TLS from the start; none: plain text.",
            Default: "auto", Enum: SecurityNames),
    ];

    public string Endpoint => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether sending a password over an unencrypted connection to this server is acceptable.</summary>
    public bool PlainTextLoginAllowed =>
        Security == SmtpSecurity.None || Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <exception cref="PluginException">The credential is missing or of the wrong type, or the inputs are invalid (not retryable).</exception>
    public static async ValueTask<SmtpSettings> ResolveAsync(JsonObject inputs, PluginContext context)
    {
        var credentialName = PluginInputs.OptionalString(inputs, "credential");
        var inlineHost = PluginInputs.OptionalString(inputs, "host");
        var securityInput = PluginInputs.OptionalString(inputs, "security");
        var portInput = OptionalPort(inputs["port"], "input 'port'");

        if (credentialName is null)
        {
            if (string.IsNullOrWhiteSpace(inlineHost))
                throw PluginInputs.Invalid("give the SMTP server: input 'credential' (an smtp credential) or input 'host'");
            var inlineSecurity = ParseSecurity(securityInput, "input 'security'") ?? SmtpSecurity.Auto;
            return new SmtpSettings(inlineHost.Trim(), portInput ?? DefaultPort(inlineSecurity), inlineSecurity, null, null, null);
        }

        if (inlineHost is not null)
            throw PluginInputs.Invalid("give either input 'credential' or input 'host', not both: the credential names the server");

        var credential = await context.GetCredentialAsync(credentialName, context.CancellationToken).ConfigureAwait(false)
            ?? throw PluginInputs.Invalid($"credential '{credentialName}' does not exist or is not granted to this step");
        if (!credential.Type.Equals(CredentialType, StringComparison.OrdinalIgnoreCase))
            throw PluginInputs.Invalid($"credential '{credentialName}' is of type '{credential.Type}'; the email plugins need type '{CredentialType}'");

        var values = credential.Values;
        var host = values.GetValueOrDefault("host");
        if (string.IsNullOrWhiteSpace(host)) throw PluginInputs.Invalid($"credential '{credentialName}' has no 'host'");

        var security = ParseSecurity(securityInput, "input 'security'")
            ?? ParseSecurity(values.GetValueOrDefault("security"), $"credential '{credentialName}' value 'security'");
        var port = portInput ?? OptionalPort(values.GetValueOrDefault("port") is { Length: > 0 } p ? JsonValue.Create(p) : null,
            $"credential '{credentialName}' value 'port'");
        if (security is null && values.GetValueOrDefault("starttls") is { Length: > 0 } starttls)
        {
            if (!bool.TryParse(starttls, out var required))
                throw PluginInputs.Invalid($"credential '{credentialName}' value 'starttls' must be true or false; got '{starttls}'");
            security = required ? SmtpSecurity.StartTls : port == 465 ? SmtpSecurity.Tls : SmtpSecurity.None;
        }
        security ??= SmtpSecurity.Auto;

        var username = values.GetValueOrDefault("username") is { Length: > 0 } u ? u : null;
        var password = values.GetValueOrDefault("password");
        if (username is not null && password is null)
            throw PluginInputs.Invalid($"credential '{credentialName}' has a 'username' but no 'password'");
        return new SmtpSettings(host.Trim(), port ?? DefaultPort(security.Value), security.Value, username, password,
            values.GetValueOrDefault("from") is { Length: > 0 } from ? from : null);
    }

    private static int DefaultPort(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Tls => 465,
        SmtpSecurity.StartTls => 587,
        _ => 25,
    };

    private static SmtpSecurity? ParseSecurity(string? value, string what) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "auto" => SmtpSecurity.Auto,
        "starttls" => SmtpSecurity.StartTls,
        "tls" or "ssl" => SmtpSecurity.Tls,
        "none" => SmtpSecurity.None,
        _ => throw PluginInputs.Invalid($"{what} must be one of {string.Join(", ", SecurityNames)}; got '{value}'"),
    };

    private static int? OptionalPort(JsonNode? node, string what)
    {
        if (node is null) return null;
        var text = PluginInputs.ScalarText(node);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535) return port;
        throw PluginInputs.Invalid($"{what} must be a port number from 1 to 65535; got {node.ToJsonString()}");
    }
}
