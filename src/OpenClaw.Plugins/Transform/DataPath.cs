using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenClaw.Plugins.Transform;

/// <summary>A failure locating or changing a value by path; the transform prefixes it with the operation index.</summary>
internal sealed class DataPathException(string message) : Exception(message);

/// <summary>One step of a path: a property name or an array index.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    public bool IsIndex => Name is null;
}

/// <summary>
/// A parsed path such as <c>a.b[0].c</c> or <c>items[2]['key.with.dots']</c>. The empty path, <c>$</c>, selects the
/// root; a leading <c>$.</c> is allowed.
/// </summary>
/// <remarks>
/// Reads never change the document. <see cref="Set"/> creates missing intermediate objects (or arrays, when the next
/// segment is an index) so authors need not build parents first; it never invents array slots except when asked to
/// pad, which keeps a typo in an index from silently growing an array.
/// </remarks>
internal sealed class DataPath
{
    private DataPath(string text, PathSegment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The path as written by the author (<c>$</c> for the root), for messages.</summary>
    public string Text { get; }

    public IReadOnlyList<PathSegment> Segments { get; }

    public bool IsRoot => Segments.Count == 0;

    /// <exception cref="DataPathException">The text is not a valid path.</exception>
    public static DataPath Parse(string text)
    {
        var segments = new List<PathSegment>();
        var i = 0;
        if (text == "$" || text.StartsWith("$.", StringComparison.Ordinal) || text.StartsWith("$[", StringComparison.Ordinal))
        {
            // A leading '$' names the root (as in JSONPath); a name merely starting with '$' stays a name.
            i = text.Length > 1 && text[1] == '.' ? 2 : 1;
            if (i == text.Length && text.Length > 1) throw Error(text, i, "a name is expected after '$.'");
        }

        var expectName = true; // at the start or after '.', a name (or '[') must follow
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '[')
            {
                segments.Add(ParseBracket(text, ref i));
                expectName = false;
            }
            else if (c == '.')
            {
                if (expectName) throw Error(text, i, "empty name");
                i++;
                if (i == text.Length) throw Error(text, i, "a name is expected after '.'");
                if (text[i] == '[') throw Error(text, i, "a name is expected after '.'");
                expectName = true;
            }
            else if (c == ']')
            {
                throw Error(text, i, "unexpected ']'");
            }
            else
            {
                if (!expectName) throw Error(text, i, "'.' or '[' expected");
                var start = i;
                while (i < text.Length && text[i] is not ('.' or '[' or ']')) i++;
                segments.Add(new PathSegment(text[start..i], 0));
                expectName = false;
            }
        }

        return new DataPath(text.Length == 0 ? "$" : text, [.. segments]);
    }

    private static PathSegment ParseBracket(string text, ref int i)
    {
        var open = i;
        i++; // '['
        if (i < text.Length && text[i] is '\'' or '"')
        {
            var quote = text[i];
            var close = text.IndexOf(quote, i + 1);
            if (close < 0) throw Error(text, open, $"unclosed quote {quote}");
            var name = text[(i + 1)..close];
            i = close + 1;
            if (i >= text.Length || text[i] != ']') throw Error(text, i, "']' expected after quoted name");
            i++;
            return new PathSegment(name, 0);
        }

        var end = text.IndexOf(']', i);
        if (end < 0) throw Error(text, open, "unclosed '['");
        var digits = text[i..end];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Error(text, i, $"index '{digits}' is not a non-negative integer");
        }
        i = end + 1;
        return new PathSegment(null, index);
    }

    private static DataPathException Error(string text, int position, string problem) =>
        new($"invalid path '{text}': {problem} at position {position}");

    /// <summary>Finds the value at this path; a present JSON null counts as existing.</summary>
    public bool TryGet(JsonNode? root, out JsonNode? value)
    {
        value = root;
        foreach (var segment in Segments)
        {
            if (!TryGetChild(value, segment, out value)) return false;
        }
        return true;
    }

    /// <summary>Returns the value at this path.</summary>
    /// <exception cref="DataPathException">The path does not exist.</exception>
    public JsonNode? Get(JsonNode? root) =>
        TryGet(root, out var value) ? value : throw new DataPathException($"path '{Text}' does not exist");

    /// <summary>Stores <paramref name="value"/> (which must have no parent) at this path, creating parents as needed.</summary>
    /// <param name="root">The document root; replaced when the path is the root or the root is null.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="padArrays">Fill missing array slots before the index with nulls instead of failing.</param>
    /// <exception cref="DataPathException">A parent is a scalar or of the wrong kind, or an index is out of range.</exception>
    public void Set(ref JsonNode? root, JsonNode? value, bool padArrays = false)
    {
        if (IsRoot)
        {
            root = value;
            return;
        }

        root ??= NewContainerFor(Segments[0]);
        var current = root;
        for (var depth = 0; depth < Segments.Count - 1; depth++)
        {
            var existing = TryGetChild(current, Segments[depth], out var child) ? child : null;
            if (existing is null)
            {
                // Missing and null parents alike are replaced by a container suited to the next segment.
                existing = NewContainerFor(Segments[depth + 1]);
                PutChild(current, depth, existing, padArrays);
            }
            current = existing;
        }
        PutChild(current, Segments.Count - 1, value, padArrays);
    }

    private void PutChild(JsonNode parent, int depth, JsonNode? value, bool padArrays)
    {
        var segment = Segments[depth];
        switch (parent)
        {
            case JsonObject obj when !segment.IsIndex:
                obj[segment.Name!] = value;
                break;
            case JsonArray array when segment.IsIndex:
                if (segment.Index < array.Count)
                {
                    array[segment.Index] = value;
                }
                else if (segment.Index == array.Count || padArrays)
                {
                    while (array.Count < segment.Index) array.Add(null);
                    array.Add(value);
                }
                else
                {
                    throw new DataPathException(
                        $"path '{Text}': index {segment.Index} is out of range for '{Prefix(depth)}' ({Count(array.Count)})");
                }
                break;
            default:
                throw new DataPathException($"path '{Text}': {KindMismatch(parent, segment, depth)}");
        }
    }

    /// <summary>Removes the value at this path and returns it, detached from the document.</summary>
    /// <exception cref="DataPathException">The path is the root or does not exist.</exception>
    public JsonNode? Remove(JsonNode? root)
    {
        if (IsRoot) throw new DataPathException("the root cannot be removed");
        var parent = root;
        for (var i = 0; i < Segments.Count - 1; i++)
        {
            if (!TryGetChild(parent, Segments[i], out parent)) throw new DataPathException($"path '{Text}' does not exist");
        }

        var last = Segments[^1];
        switch (parent)
        {
            case JsonObject obj when !last.IsIndex && obj.TryGetPropertyValue(last.Name!, out var removed):
                obj.Remove(last.Name!);
                return removed;
            case JsonArray array when last.IsIndex && last.Index < array.Count:
                var element = array[last.Index];
                array.RemoveAt(last.Index);
                return element;
            default:
                throw new DataPathException($"path '{Text}' does not exist");
        }
    }

    private static bool TryGetChild(JsonNode? node, PathSegment segment, out JsonNode? child)
    {
        child = null;
        return node switch
        {
            JsonObject obj when !segment.IsIndex => obj.TryGetPropertyValue(segment.Name!, out child),
            JsonArray array when segment.IsIndex && segment.Index < array.Count => TryGetElement(array, segment.Index, out child),
            _ => false,
        };
    }

    private static bool TryGetElement(JsonArray array, int index, out JsonNode? element)
    {
        element = array[index];
        return true;
    }

    private static JsonNode NewContainerFor(PathSegment next) => next.IsIndex ? new JsonArray() : new JsonObject();

    private string KindMismatch(JsonNode? current, PathSegment segment, int depth)
    {
        var where = depth == 0 ? "the root" : $"'{Prefix(depth)}'";
        var wanted = segment.IsIndex ? "an array" : "an object";
        return $"{where} is {PluginInputs.Describe(current)}, not {wanted}";
    }

    private static string Count(int n) => n == 1 ? "it has 1 item" : $"it has {n} items";

    /// <summary>The path text of the first <paramref name="count"/> segments, in canonical form.</summary>
    private string Prefix(int count)
    {
        if (count == 0) return "$";
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var (name, index) = Segments[i];
            if (name is null)
                builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            else if (name.Length == 0 || name.AsSpan().IndexOfAny(".[]'\"") >= 0)
                builder.Append(name.Contains('\'') ? "[\"" : "['").Append(name).Append(name.Contains('\'') ? "\"]" : "']");
            else
                builder.Append(i == 0 ? "" : ".").Append(name);
        }
        return builder.ToString();
    }
}
