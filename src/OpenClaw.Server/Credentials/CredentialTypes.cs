namespace OpenClaw.Server.Credentials;

/// <summary>The kinds of credential and the secret fields each must have (more are allowed).</summary>
internal static class CredentialTypes
{
    public static readonly IReadOnlyDictionary<string, string[]> RequiredFields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["http_basic"] = ["username", "password"],
        ["bearer"] = ["token"],
        ["api_key"] = ["value"],
        ["smtp"] = ["host"],
        ["database"] = ["provider", "connection_string"],
        ["generic"] = [],
    };

    public static IReadOnlyCollection<string> All => (IReadOnlyCollection<string>)RequiredFields.Keys;
}
