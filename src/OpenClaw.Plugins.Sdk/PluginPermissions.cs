namespace OpenClaw.Plugins.Sdk;

/// <summary>The permission names a plugin may declare. Anything else is refused by the validator.</summary>
public static class PluginPermissions
{
    /// <summary>Open network connections.</summary>
    public const string Network = "network";

    /// <summary>Run scripts (JavaScript in a browser, user code).</summary>
    public const string JavaScript = "javascript";

    /// <summary>Read credentials the workflow grants to the step.</summary>
    public const string Credentials = "credentials";

    /// <summary>Read and write the object store.</summary>
    public const string Storage = "storage";

    /// <summary>Start child processes.</summary>
    public const string Process = "process";

    /// <summary>Send e-mail.</summary>
    public const string Email = "email";

    /// <summary>Query databases.</summary>
    public const string Database = "database";

    /// <summary>Every known permission.</summary>
    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>(StringComparer.Ordinal) { Network, JavaScript, Credentials, Storage, Process, Email, Database };
}
