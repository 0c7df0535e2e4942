using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>A Semantic Versioning 2.0.0 version: <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>.</summary>
/// <remarks>
/// Precedence follows semver.org section 11: numbers compare numerically, a pre-release sorts before its release, pre-release
/// identifiers compare one by one (numeric ones numerically and below alphanumeric ones), and build metadata is ignored. Equality
/// is precedence equality, so <c>1.0.0+a</c> equals <c>1.0.0+b</c>.
/// </remarks>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private SemanticVersion(int major, int minor, int patch, string[] prerelease, string build)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        PrereleaseIdentifiers = prerelease;
        Build = build;
    }

    /// <summary>Creates a release or pre-release version from its parts.</summary>
    public SemanticVersion(int major, int minor, int patch, string prerelease = "")
        : this(major, minor, patch, prerelease.Length == 0 ? [] : prerelease.Split('.'), "")
    {
        if (major < 0 || minor < 0 || patch < 0) throw new ArgumentOutOfRangeException(nameof(major), "Version numbers cannot be negative.");
        if (prerelease.Length > 0 && !PrereleaseIdentifiers.All(IsValidPrereleaseIdentifier))
            throw new ArgumentException($"'{prerelease}' is not a valid pre-release.", nameof(prerelease));
    }

    public int Major { get; }

    public int Minor { get; }

    public int Patch { get; }

    /// <summary>The dot-separated pre-release identifiers; empty for a release.</summary>
    public IReadOnlyList<string> PrereleaseIdentifiers { get; }

    /// <summary>The pre-release part without its hyphen, or empty.</summary>
    public string Prerelease => string.Join('.', PrereleaseIdentifiers);

    /// <summary>The build metadata without its plus sign, or empty. Ignored when versions are compared.</summary>
    public string Build { get; }

    public bool IsPrerelease => PrereleaseIdentifiers.Count > 0;

    /// <summary>Parses a strict semantic version (no leading <c>v</c>, no missing parts, no leading zeros).</summary>
    /// <exception cref="FormatException">The text is not a semantic version; the message says why.</exception>
    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var version, out var error) ? version : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SemanticVersion? version) =>
        TryParse(text, out version, out _);

    /// <summary>Parses a strict semantic version; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text, [NotNullWhen(true)] out SemanticVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "A version cannot be empty; use MAJOR.MINOR.PATCH, e.g. 1.0.0.";
            return false;
        }

        var rest = text;
        var build = "";
        var plus = rest.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            build = rest[(plus + 1)..];
            rest = rest[..plus];
            if (build.Length == 0 || !build.Split('.').All(id => id.Length > 0 && id.All(IsIdentifierChar)))
            {
                error = $"'{text}' has invalid build metadata: use dot-separated [0-9A-Za-z-] identifiers after '+'.";
                return false;
            }
        }

        string[] prerelease = [];
        var hyphen = rest.IndexOf('-', StringComparison.Ordinal);
        if (hyphen >= 0)
        {
            prerelease = rest[(hyphen + 1)..].Split('.');
            rest = rest[..hyphen];
            if (!prerelease.All(IsValidPrereleaseIdentifier))
            {
                error = $"'{text}' has an invalid pre-release: use dot-separated [0-9A-Za-z-] identifiers after '-', numbers without leading zeros.";
                return false;
            }
        }

        var parts = rest.Split('.');
        if (parts.Length != 3)
        {
            error = $"'{text}' is not a semantic version: it needs exactly three numbers, MAJOR.MINOR.PATCH (e.g. 1.0.0).";
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (!TryParseNumber(parts[i], out numbers[i]))
            {
                error = $"'{text}' is not a semantic version: '{parts[i]}' is not a number without leading zeros.";
                return false;
            }
        }

        version = new SemanticVersion(numbers[0], numbers[1], numbers[2], prerelease, build);
        error = null;
        return true;
    }

    internal static bool TryParseNumber(string text, out int value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 9 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0')) return false;
        value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    private static bool IsValidPrereleaseIdentifier(string id) =>
        id.Length > 0 && id.All(IsIdentifierChar) && !(id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit));

    /// <summary>The same release numbers without pre-release or build (what ranges compare tuples with).</summary>
    internal bool SameRelease(SemanticVersion other) => Major == other.Major && Minor == other.Minor && Patch == other.Patch;

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c != 0) return c;
        c = Minor.CompareTo(other.Minor);
        if (c != 0) return c;
        c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;

        // A release has higher precedence than any of its pre-releases.
        if (PrereleaseIdentifiers.Count == 0 || other.PrereleaseIdentifiers.Count == 0)
            return Math.Sign(other.PrereleaseIdentifiers.Count.CompareTo(PrereleaseIdentifiers.Count));

        for (var i = 0; i < Math.Min(PrereleaseIdentifiers.Count, other.PrereleaseIdentifiers.Count); i++)
        {
            var a = PrereleaseIdentifiers[i];
            var b = other.PrereleaseIdentifiers[i];
            var aNumeric = a.All(char.IsAsciiDigit);
            var bNumeric = b.All(char.IsAsciiDigit);
            c = (aNumeric, bNumeric) switch
            {
                (true, true) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
            if (c != 0) return Math.Sign(c);
        }
        return PrereleaseIdentifiers.Count.CompareTo(other.PrereleaseIdentifiers.Count);
    }

    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is SemanticVersion other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, Prerelease);

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
        if (IsPrerelease) text += "-" + Prerelease;
        if (Build.Length > 0) text += "+" + Build;
        return text;
    }

    public static bool operator ==(SemanticVersion? left, SemanticVersion? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(SemanticVersion? left, SemanticVersion? right) => !(left == right);

    public static bool operator <(SemanticVersion? left, SemanticVersion? right) => left is null ? right is not null : left.CompareTo(right) < 0;

    public static bool operator <=(SemanticVersion? left, SemanticVersion? right) => left is null || left.CompareTo(right) <= 0;

    public static bool operator >(SemanticVersion? left, SemanticVersion? right) => left is not null && left.CompareTo(right) > 0;

    public static bool operator >=(SemanticVersion? left, SemanticVersion? right) => left is null ? right is null : left.CompareTo(right) >= 0;
}
