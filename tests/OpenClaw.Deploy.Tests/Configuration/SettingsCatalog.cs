using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using OpenClaw.Deploy.Tests.Infrastructure;

namespace OpenClaw.Deploy.Tests.Configuration;

/// <summary>One configuration setting: its key (<c>OpenClaw:Runtime:LeaseDuration</c>) and environment variable name.</summary>
/// <param name="DeclaringType">The options class declaring it (its XML summary describes the setting); null for settings read without one.</param>
internal sealed record Setting(string Key, string EnvironmentVariable, Type Type, object? Default, bool IsList, Type? DeclaringType = null);

/// <summary>
/// Every setting the server binds, found by reflection over its options classes, so the settings reference in
/// docs/operations.md and the variable names in the deployment files are checked against the code, not a copy.
/// </summary>
internal static class SettingsCatalog
{
    /// <summary>
    /// The options classes and the configuration section each is bound to, by full name (some are internal to the
    /// server). <see cref="BoundOptionsTypes"/> finds every class bound in src, so a new one fails the test until it is listed here.
    /// </summary>
    public static readonly (string Section, string TypeName)[] Roots =
    [
        ("OpenClaw", "OpenClaw.Server.Hosting.OpenClawServerOptions"),
        ("OpenClaw:Sandbox", "OpenClaw.Sandbox.SandboxOptions"),
        ("OpenClaw:Auth", "OpenClaw.Server.Security.AuthOptions"),
        ("OpenClaw:Tenants", "OpenClaw.Server.Security.TenantLimitOptions"),
        ("OpenClaw:Credentials", "OpenClaw.Server.Credentials.CredentialKeyOptions"),
        ("OpenClaw:Webhooks", "OpenClaw.Server.Triggers.WebhookOptions"),
        ("OpenClaw:Notifications", "OpenClaw.Server.Notifications.NotificationOptions"),
        ("OpenClaw:Scheduler", "OpenClaw.Server.Scheduling.SchedulerSettings"),
        ("OpenClaw:Events", "OpenClaw.Server.Events.ExecutionEventsOptions"),
        ("OpenClaw:Cache", "OpenClaw.Server.Caching.CacheOptions"),
        ("OpenClaw:Tracing", "OpenClaw.Server.Observability.Tracing.TracingOptions"),
    ];

    /// <summary>Options classes bound in code rather than from configuration (storage options are filled from <c>OpenClawServerOptions</c>).</summary>
    public static readonly string[] NotFromConfiguration = ["PostgresStorageOptions", "SqliteStorageOptions"];

    /// <summary>Settings read straight from configuration rather than through an options class (<c>OpenClawComposition</c>).</summary>
    private static readonly Setting[] Unbound =
    [
        new("OpenClaw:Marketplace:Folders", "OpenClaw__Marketplace__Folders__0", typeof(string[]), null, IsList: true),
        new("OpenClaw:Marketplace:Servers", "OpenClaw__Marketplace__Servers__0", typeof(string[]), null, IsList: true),
        new("ConnectionStrings:OpenClaw", "ConnectionStrings__OpenClaw", typeof(string), null, IsList: false),
    ];

    /// <summary>How the reference names the key part of a dictionary setting's variables (<c>...__tenant-a=5</c>).</summary>
    public const string MapKey = "__<key>";

    public static IReadOnlyList<Setting> All { get; } = Build();

    /// <summary>Whether an environment variable names a setting (list entries <c>__0</c>, <c>__1</c>, ... included).</summary>
    public static bool IsSetting(string environmentVariable)
    {
        var name = Regex.Replace(environmentVariable, @"__\d+$", "__0");
        return All.Any(s => string.Equals(s.EnvironmentVariable, name, StringComparison.OrdinalIgnoreCase)
            || (s.EnvironmentVariable.EndsWith(MapKey, StringComparison.Ordinal)
                && environmentVariable.StartsWith(s.EnvironmentVariable[..^(MapKey.Length - 2)], StringComparison.OrdinalIgnoreCase)
                && environmentVariable.Length > s.EnvironmentVariable.Length - MapKey.Length + 2));
    }

    /// <summary>The simple names of every options class src registers with <c>AddOptions&lt;T&gt;()</c> or reads with <c>GetSection("OpenClaw...").Get&lt;T&gt;()</c>.</summary>
    public static IReadOnlySet<string> BoundOptionsTypes() =>
        Directory.EnumerateFiles(Repository.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"AddOptions<(\w+)>\(|GetSection\(""OpenClaw[^""]*""\)\s*\.Get<(\w+)>\(")
                .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value))
            .ToHashSet(StringComparer.Ordinal);

    public static Type Resolve(string fullName) =>
        AppDomain.CurrentDomain.GetAssemblies().Concat(LoadOpenClawAssemblies())
            .Select(a => a.GetType(fullName)).FirstOrDefault(t => t is not null)
        ?? throw new InvalidOperationException($"No loaded OpenClaw assembly declares {fullName}.");

    private static IEnumerable<Assembly> LoadOpenClawAssemblies() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "OpenClaw.*.dll").Select(Assembly.LoadFrom);

    private static List<Setting> Build()
    {
        var settings = new List<Setting>();
        foreach (var (section, typeName) in Roots)
        {
            var type = Resolve(typeName);
            Walk(section, type, Activator.CreateInstance(type, nonPublic: true), settings);
        }
        settings.AddRange(Unbound);
        return settings;
    }

    private static void Walk(string prefix, Type type, object? instance, List<Setting> settings)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Computed properties (no setter or init) are not bound from configuration.
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0) continue;
            var key = $"{prefix}:{property.Name}";
            var value = instance is null ? null : property.GetValue(instance);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(propertyType))
            {
                settings.Add(new Setting(key, key.Replace(":", "__", StringComparison.Ordinal), propertyType, value, IsList: false, type));
            }
            else if (typeof(IDictionary).IsAssignableFrom(propertyType))
            {
                settings.Add(new Setting(key, key.Replace(":", "__", StringComparison.Ordinal) + MapKey, propertyType, value, IsList: true, type));
            }
            else if (propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                settings.Add(new Setting(key, key.Replace(":", "__", StringComparison.Ordinal) + "__0", propertyType, value, IsList: true, type));
            }
            else
            {
                Walk(key, propertyType, value, settings);
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);
}
