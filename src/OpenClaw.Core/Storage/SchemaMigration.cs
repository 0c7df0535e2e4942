using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Storage;

/// <summary>One versioned schema script of a storage backend (<c>Migrations/0001_name.sql</c>, embedded in its assembly).</summary>
public sealed record SchemaMigration(int Version, string Name, string Sql);

/// <summary>Finding and checking a backend's embedded migration scripts; each backend applies them its own way.</summary>
public static partial class SchemaMigrations
{
    /// <summary>The <c>*.Migrations.NNNN_name.sql</c> resources of <paramref name="assembly"/>, in no particular order.</summary>
    public static IReadOnlyList<SchemaMigration> LoadEmbedded(Assembly assembly)
    {
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.Contains(".Migrations.", StringComparison.Ordinal)) continue;
            var match = ResourceName().Match(resource);
            if (!match.Success) continue;

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidDataException($"Embedded migration '{resource}' could not be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new SchemaMigration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        return migrations;
    }

    /// <summary>A description of two migrations sharing a version, or null when versions are unique.</summary>
    public static string? DescribeDuplicate(IEnumerable<SchemaMigration> migrations)
    {
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"Two migrations share version {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Name))}.";
    }

    [GeneratedRegex(@"(?<version>\d+)_(?<name>[A-Za-z0-9_\-]+)\.sql$")]
    private static partial Regex ResourceName();
}
