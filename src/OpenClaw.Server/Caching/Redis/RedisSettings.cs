using System.Globalization;

namespace OpenClaw.Server.Caching.Redis;

/// <summary>
/// Where the Redis server is, from <c>OpenClaw:Cache:Redis</c>: <c>host:port</c> or
/// <c>redis://[:password@]host[:port][/database]</c> (also <c>redis://user:password@...</c> for ACL users).
/// </summary>
public sealed record RedisSettings(string Host, int Port, string? User, string? Password, int Database)
{
    /// <exception cref="FormatException">The text is not a Redis address.</exception>
    public static RedisSettings Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (!value.Contains("://", StringComparison.Ordinal)) value = "redis://" + value;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "redis" || string.IsNullOrEmpty(uri.Host))
            throw new FormatException($"'{text}' is not a Redis address; use host:port or redis://[:password@]host:port/database.");
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }
        var database = 0;
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
            throw new FormatException($"'{text}' names database '{path}'; it must be a number.");
        return new RedisSettings(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port, user, password, database);
    }

    /// <summary>For logs and health reports: never the password.</summary>
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Database.ToString(CultureInfo.InvariantCulture)}";
}
