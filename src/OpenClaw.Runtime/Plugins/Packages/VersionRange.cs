using System.Diagnostics.CodeAnalysis;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>
/// A range of semantic versions in the npm notation plugin dependencies use: exact (<c>1.2.3</c>, <c>=1.2.3</c>), caret
/// (<c>^1.2.3</c>), tilde (<c>~1.2.3</c>), comparisons (<c>&gt;=1.2.0 &lt;2.0.0</c>, space meaning "and"), x-ranges (<c>1.x</c>,
/// <c>1.2.*</c>, <c>1</c>, <c>*</c>) and alternatives joined by <c>||</c>.
/// </summary>
/// <remarks>
/// Written by hand rather than taken from a package: no semver library restores from this environment's NuGet mirror, and the
/// subset plugins need is small. The semantics are npm's (node-semver): caret allows changes that do not modify the left-most
/// non-zero number, tilde allows patch changes, a partial version in a comparison is filled with zeros (or bumped, for
/// <c>&gt;</c> and <c>&lt;=</c>), and a pre-release version satisfies a range only when one of the comparators of the
/// matching alternative names a pre-release of the same MAJOR.MINOR.PATCH, so <c>^1.0.0</c> never picks <c>2.0.0-beta</c>.
/// </remarks>
public sealed class VersionRange
{
    private readonly IReadOnlyList<IReadOnlyList<Comparator>> _alternatives;

    private VersionRange(string text, IReadOnlyList<IReadOnlyList<Comparator>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    /// <summary>Any version (<c>*</c>).</summary>
    public static VersionRange Any { get; } = Parse("*");

    /// <summary>The range as written.</summary>
    public string Text { get; }

    /// <exception cref="FormatException">The text is not a range; the message says why.</exception>
    public static VersionRange Parse(string text) => TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    /// <summary>Parses a range; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionRange? range, [NotNullWhen(false)] out string? error)
    {
        range = null;
        var source = (text ?? "").Trim();
        if (source.Length == 0) source = "*";
        var alternatives = new List<IReadOnlyList<Comparator>>();
        foreach (var part in source.Split("||"))
        {
            var tokens = Tokenize(part);
            if (tokens.Count == 0)
            {
                error = $"'{text}' has an empty alternative around '||'.";
                return false;
            }
            var comparators = new List<Comparator>();
            foreach (var token in tokens)
            {
                if (!TryDesugar(token, comparators, out error))
                {
                    error = $"'{text}' is not a version range: {error}";
                    return false;
                }
            }
            alternatives.Add(comparators);
        }
        range = new VersionRange(source, alternatives);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="version"/> lies in the range.</summary>
    public bool IsSatisfiedBy(SemanticVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        foreach (var alternative in _alternatives)
        {
            if (!alternative.All(c => c.Matches(version))) continue;
            if (!version.IsPrerelease) return true;
            // npm's rule: a pre-release only counts when the range opted into pre-releases of that very release.
            if (alternative.Any(c => c.Version.IsPrerelease && c.Version.SameRelease(version) && !c.IsSyntheticBound)) return true;
        }
        return false;
    }

    /// <summary>The newest of <paramref name="versions"/> in the range, or null.</summary>
    public SemanticVersion? MaxSatisfying(IEnumerable<SemanticVersion> versions) =>
        versions.Where(IsSatisfiedBy).OrderDescending().FirstOrDefault();

    public override string ToString() => Text;

    /// <summary>Splits on spaces, keeping an operator separated from its version (<c>&gt;= 1.2</c>) together.</summary>
    private static List<string> Tokenize(string part)
    {
        var raw = part.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tokens = new List<string>();
        for (var i = 0; i < raw.Length; i++)
        {
            var token = raw[i];
            if (token is "<" or "<=" or ">" or ">=" or "=" or "^" or "~" && i + 1 < raw.Length) token += raw[++i];
            tokens.Add(token);
        }
        return tokens;
    }

    private static bool TryDesugar(string token, List<Comparator> into, [NotNullWhen(false)] out string? error)
    {
        var op = token.StartsWith(">=", StringComparison.Ordinal) ? ">="
            : token.StartsWith("<=", StringComparison.Ordinal) ? "<="
            : token.Length > 0 && token[0] is '>' or '<' or '=' or '^' or '~' ? token[..1]
            : "";
        var operand = token[op.Length..];
        if (op.Length == 0 && operand.StartsWith('v')) operand = operand[1..];
        if (!Partial.TryParse(operand, out var p, out error)) return false;

        switch (op)
        {
            case "" or "=":
                if (p.Major is null) return Done(out error);
                if (p.Minor is null) Between(into, V(p.Major.Value, 0, 0), V(p.Major.Value + 1, 0, 0));
                else if (p.Patch is null) Between(into, V(p.Major.Value, p.Minor.Value, 0), V(p.Major.Value, p.Minor.Value + 1, 0));
                else into.Add(new Comparator(Op.Equal, p.Full!));
                return Done(out error);

            case "^":
                if (p.Major is null) return Done(out error);
                if (p.Major > 0 || p.Minor is null)
                    Between(into, p.Lower, V(p.Major.Value + 1, 0, 0));
                else if (p.Minor > 0 || p.Patch is null)
                    Between(into, p.Lower, V(0, p.Minor.Value + 1, 0));
                else
                    Between(into, p.Lower, V(0, 0, p.Patch.Value + 1));
                return Done(out error);

            case "~":
                if (p.Major is null) return Done(out error);
                if (p.Minor is null) Between(into, p.Lower, V(p.Major.Value + 1, 0, 0));
                else Between(into, p.Lower, V(p.Major.Value, p.Minor.Value + 1, 0));
                return Done(out error);

            case ">":
                if (p.Major is null) into.Add(new Comparator(Op.Less, V(0, 0, 0), IsSyntheticBound: true)); // ">*" matches nothing
                else if (p.Minor is null) into.Add(new Comparator(Op.GreaterOrEqual, V(p.Major.Value + 1, 0, 0), IsSyntheticBound: true));
                else if (p.Patch is null) into.Add(new Comparator(Op.GreaterOrEqual, V(p.Major.Value, p.Minor.Value + 1, 0), IsSyntheticBound: true));
                else into.Add(new Comparator(Op.Greater, p.Full!));
                return Done(out error);

            case ">=":
                if (p.Major is not null) into.Add(new Comparator(Op.GreaterOrEqual, p.Lower, IsSyntheticBound: p.Patch is null));
                return Done(out error);

            case "<":
                if (p.Major is null) into.Add(new Comparator(Op.Less, V(0, 0, 0), IsSyntheticBound: true));
                else if (p.Patch is null) into.Add(new Comparator(Op.Less, Bound(p.Lower), IsSyntheticBound: true));
                else into.Add(new Comparator(Op.Less, p.Full!));
                return Done(out error);

            case "<=":
                if (p.Major is null) return Done(out error);
                if (p.Minor is null) into.Add(new Comparator(Op.Less, V(p.Major.Value + 1, 0, 0), IsSyntheticBound: true));
                else if (p.Patch is null) into.Add(new Comparator(Op.Less, V(p.Major.Value, p.Minor.Value + 1, 0), IsSyntheticBound: true));
                else into.Add(new Comparator(Op.LessOrEqual, p.Full!));
                return Done(out error);
        }
        error = $"unknown operator in '{token}'.";
        return false;
    }

    private static bool Done(out string? error)
    {
        error = null;
        return true;
    }

    /// <summary>&gt;= lower and &lt; the first pre-release of upper, so pre-releases of the next major are outside.</summary>
    private static void Between(List<Comparator> into, SemanticVersion lower, SemanticVersion upperRelease)
    {
        into.Add(new Comparator(Op.GreaterOrEqual, lower, IsSyntheticBound: !lower.IsPrerelease));
        into.Add(new Comparator(Op.Less, Bound(upperRelease), IsSyntheticBound: true));
    }

    /// <summary>The lowest version with these numbers: <c>X.Y.Z-0</c>.</summary>
    private static SemanticVersion Bound(SemanticVersion release) => new(release.Major, release.Minor, release.Patch, "0");

    private static SemanticVersion V(int major, int minor, int patch) => new(major, minor, patch);

    private enum Op
    {
        Equal,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    }

    /// <param name="IsSyntheticBound">Made up by desugaring (an x-range or caret bound), so it does not opt into pre-releases.</param>
    private sealed record Comparator(Op Op, SemanticVersion Version, bool IsSyntheticBound = false)
    {
        public bool Matches(SemanticVersion v) => Op switch
        {
            Op.Equal => v.CompareTo(Version) == 0,
            Op.Less => v.CompareTo(Version) < 0,
            Op.LessOrEqual => v.CompareTo(Version) <= 0,
            Op.Greater => v.CompareTo(Version) > 0,
            _ => v.CompareTo(Version) >= 0,
        };
    }

    /// <summary>A possibly partial version: <c>1</c>, <c>1.2</c>, <c>1.x</c>, <c>1.2.3-beta</c>, <c>*</c>.</summary>
    private sealed record Partial(int? Major, int? Minor, int? Patch, SemanticVersion? Full)
    {
        /// <summary>The smallest version the partial names (missing numbers as zero).</summary>
        public SemanticVersion Lower => Full ?? new SemanticVersion(Major ?? 0, Minor ?? 0, Patch ?? 0);

        public static bool TryParse(string text, [NotNullWhen(true)] out Partial? partial, [NotNullWhen(false)] out string? error)
        {
            partial = null;
            if (text.Length == 0)
            {
                error = "an operator has no version after it.";
                return false;
            }
            var release = text;
            var plus = release.IndexOf('+', StringComparison.Ordinal);
            if (plus >= 0) release = release[..plus];
            var hyphen = release.IndexOf('-', StringComparison.Ordinal);
            var prerelease = hyphen >= 0 ? release[(hyphen + 1)..] : null;
            if (hyphen >= 0) release = release[..hyphen];

            var parts = release.Split('.');
            if (parts.Length > 3)
            {
                error = $"'{text}' has more than three numbers.";
                return false;
            }
            var numbers = new int?[3];
            var wildcardSeen = false;
            for (var i = 0; i < parts.Length; i++)
            {
                if (parts[i] is "x" or "X" or "*")
                {
                    wildcardSeen = true;
                    continue;
                }
                if (wildcardSeen || !SemanticVersion.TryParseNumber(parts[i], out var n))
                {
                    error = $"'{parts[i]}' in '{text}' is not a number (or x/* after which only x/* may follow).";
                    return false;
                }
                numbers[i] = n;
            }
            SemanticVersion? full = null;
            if (numbers[2] is not null)
            {
                if (!SemanticVersion.TryParse(text, out full, out var fullError))
                {
                    error = fullError;
                    return false;
                }
            }
            else if (prerelease is not null)
            {
                error = $"'{text}' has a pre-release but not all three numbers.";
                return false;
            }
            partial = new Partial(numbers[0], numbers[1], numbers[2], full);
            error = null;
            return true;
        }
    }
}
