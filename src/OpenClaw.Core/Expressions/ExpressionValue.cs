using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// A value seen by an expression: null, boolean, number, string, array or object. It wraps caller data
/// (<see cref="JsonElement"/>, <see cref="JsonNode"/>, <see cref="IExpressionObject"/>, CLR primitives) without
/// copying it, so reading <c>steps.fetch.output.body</c> costs a few lookups rather than a document build.
/// </summary>
/// <remarks>
/// <para>The default value is null. Numbers are held as <see cref="long"/> when exact, otherwise as <see cref="double"/>.
/// Strings inside a wrapped <see cref="JsonElement"/> are read when the value is created; arrays and objects stay
/// wrapped and are read member by member.</para>
/// <para>A value that wraps caller data is valid only while that data is (for example, until its
/// <see cref="JsonDocument"/> is disposed), and sees later changes to a wrapped <see cref="JsonNode"/>.
/// <see cref="ToJsonNode"/> and <see cref="ToJsonElement"/> return independent copies.</para>
/// </remarks>
public readonly struct ExpressionValue
{
    private readonly object? _reference;
    private readonly JsonElement _element;
    private readonly long _bits;
    private readonly Representation _representation;

    private ExpressionValue(Representation representation, long bits = 0, object? reference = null, JsonElement element = default)
    {
        _representation = representation;
        _bits = bits;
        _reference = reference;
        _element = element;
    }

    private enum Representation : byte
    {
        Null,
        Boolean,
        Integer,
        Double,
        String,
        Element,
        JsonArray,
        JsonObject,
        List,
        Object,
    }

    /// <summary>The null value.</summary>
    public static ExpressionValue Null => default;

    /// <summary>The boolean <c>true</c>.</summary>
    public static ExpressionValue True { get; } = new(Representation.Boolean, 1);

    /// <summary>The boolean <c>false</c>.</summary>
    public static ExpressionValue False { get; } = new(Representation.Boolean, 0);

    /// <summary>Which of the six kinds this value is.</summary>
    public ExpressionValueKind Kind => _representation switch
    {
        Representation.Null => ExpressionValueKind.Null,
        Representation.Boolean => ExpressionValueKind.Boolean,
        Representation.Integer or Representation.Double => ExpressionValueKind.Number,
        Representation.String => ExpressionValueKind.String,
        Representation.Element => _element.ValueKind == JsonValueKind.Array ? ExpressionValueKind.Array : ExpressionValueKind.Object,
        Representation.JsonArray or Representation.List => ExpressionValueKind.Array,
        _ => ExpressionValueKind.Object,
    };

    /// <summary>True for the null value.</summary>
    public bool IsNull => _representation == Representation.Null;

    /// <summary>
    /// Whether a condition treats the value as true: null, <c>false</c>, 0, NaN and the empty string are false;
    /// everything else, empty arrays and objects included, is true.
    /// </summary>
    public bool IsTruthy => _representation switch
    {
        Representation.Null => false,
        Representation.Boolean or Representation.Integer => _bits != 0,
        Representation.Double => RawDouble is var d && d != 0 && !double.IsNaN(d),
        Representation.String => ((string)_reference!).Length != 0,
        _ => true,
    };

    /// <summary>True for a number held exactly as a 64-bit integer (as opposed to a double).</summary>
    internal bool IsExactInteger => _representation == Representation.Integer;

    private double RawDouble => BitConverter.Int64BitsToDouble(_bits);

    /// <summary>Wraps a boolean.</summary>
    public static ExpressionValue From(bool value) => value ? True : False;

    /// <summary>Wraps an integer.</summary>
    public static ExpressionValue From(long value) => new(Representation.Integer, value);

    /// <summary>Wraps a double (kept as a double even when integral).</summary>
    public static ExpressionValue From(double value) => new(Representation.Double, BitConverter.DoubleToInt64Bits(value));

    /// <summary>Wraps a string; null gives the null value.</summary>
    public static ExpressionValue From(string? value) => value is null ? default : new(Representation.String, reference: value);

    /// <summary>Wraps an object whose members are resolved on demand; null gives the null value.</summary>
    public static ExpressionValue From(IExpressionObject? value) => value is null ? default : new(Representation.Object, reference: value);

    /// <summary>Wraps a list of values as an array, without copying it (the caller must not change it afterwards).</summary>
    public static ExpressionValue FromArray(IReadOnlyList<ExpressionValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new(Representation.List, reference: items);
    }

    /// <summary>Wraps a JSON element without copying it; <see cref="JsonValueKind.Undefined"/> reads as null.</summary>
    public static ExpressionValue From(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.String:
                return new(Representation.String, reference: element.GetString());
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                    return From(integer);
                return From(element.TryGetDouble(out var d) ? d : double.Parse(element.GetRawText(), CultureInfo.InvariantCulture));
            case JsonValueKind.Array:
            case JsonValueKind.Object:
                return new(Representation.Element, element: element);
            default:
                return default;
        }
    }

    /// <summary>Wraps a JSON node without copying it; a null node reads as null.</summary>
    public static ExpressionValue From(JsonNode? node) => node switch
    {
        null => default,
        JsonObject obj => new(Representation.JsonObject, reference: obj),
        JsonArray array => new(Representation.JsonArray, reference: array),
        JsonValue value => FromJsonValue(value),
        _ => throw new ArgumentException($"Unsupported JSON node type {node.GetType().Name}.", nameof(node)),
    };

    private static ExpressionValue FromJsonValue(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
            return From(element);
        switch (value.GetValueKind())
        {
            case JsonValueKind.Null:
                return default;
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.String when value.TryGetValue<string>(out var s):
                return From(s);
            case JsonValueKind.Number when value.TryGetValue<long>(out var l):
                return From(l);
            case JsonValueKind.Number when value.TryGetValue<int>(out var i):
                return From(i);
            case JsonValueKind.Number when value.TryGetValue<double>(out var d):
                return From(d);
        }

        // Anything else (decimal, Guid, DateTime, custom types): let the node write itself and read that back.
        using var document = JsonDocument.Parse(value.ToJsonString());
        return From(document.RootElement.Clone());
    }

    /// <summary>The boolean held by this value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool GetBoolean() => _representation == Representation.Boolean ? _bits != 0 : throw WrongKind(ExpressionValueKind.Boolean);

    /// <summary>The string held by this value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string GetString() => _representation == Representation.String ? (string)_reference! : throw WrongKind(ExpressionValueKind.String);

    /// <summary>The number held by this value, as a double.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double GetDouble() => _representation switch
    {
        Representation.Integer => _bits,
        Representation.Double => RawDouble,
        _ => throw WrongKind(ExpressionValueKind.Number),
    };

    /// <summary>Gets the number as a 64-bit integer when it is one (a double qualifies if it is integral and in range).</summary>
    public bool TryGetInt64(out long value)
    {
        if (_representation == Representation.Integer)
        {
            value = _bits;
            return true;
        }

        if (_representation == Representation.Double && RawDouble is var d && Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758E18)
        {
            value = (long)d;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Looks up a member of an object; false for a missing member or a value that is not an object.</summary>
    public bool TryGetMember(string name, out ExpressionValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (_representation)
        {
            case Representation.Element when _element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out var property):
                value = From(property);
                return true;
            case Representation.JsonObject when ((JsonObject)_reference!).TryGetPropertyValue(name, out var node):
                value = From(node);
                return true;
            case Representation.Object:
                return ((IExpressionObject)_reference!).TryGetMember(name, out value);
            default:
                value = default;
                return false;
        }
    }

    /// <summary>The number of elements of an array.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public int GetArrayLength() => _representation switch
    {
        Representation.Element when _element.ValueKind == JsonValueKind.Array => _element.GetArrayLength(),
        Representation.JsonArray => ((JsonArray)_reference!).Count,
        Representation.List => ((IReadOnlyList<ExpressionValue>)_reference!).Count,
        _ => throw WrongKind(ExpressionValueKind.Array),
    };

    /// <summary>The element of an array at a 0-based index.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array.</exception>
    public ExpressionValue GetArrayElement(int index) => _representation switch
    {
        Representation.Element when _element.ValueKind == JsonValueKind.Array => From(_element[index]),
        Representation.JsonArray => From(((JsonArray)_reference!)[index]),
        Representation.List => ((IReadOnlyList<ExpressionValue>)_reference!)[index],
        _ => throw WrongKind(ExpressionValueKind.Array),
    };

    /// <summary>The elements of an array, read lazily.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public IEnumerable<ExpressionValue> EnumerateArray() => _representation switch
    {
        Representation.Element when _element.ValueKind == JsonValueKind.Array => EnumerateElementArray(_element),
        Representation.JsonArray => EnumerateNodeArray((JsonArray)_reference!),
        Representation.List => (IReadOnlyList<ExpressionValue>)_reference!,
        _ => throw WrongKind(ExpressionValueKind.Array),
    };

    /// <summary>The members of an object, read lazily.</summary>
    /// <exception cref="InvalidOperationException">The value is not an object, or is an <see cref="IExpressionObject"/> that cannot list its members.</exception>
    public IEnumerable<KeyValuePair<string, ExpressionValue>> EnumerateObject()
    {
        if (Kind != ExpressionValueKind.Object)
            throw WrongKind(ExpressionValueKind.Object);
        return TryEnumerateObject() ?? throw new InvalidOperationException("This object cannot list its members.");
    }

    /// <summary>The members of an object, or null when it is an <see cref="IExpressionObject"/> that cannot list them.</summary>
    internal IEnumerable<KeyValuePair<string, ExpressionValue>>? TryEnumerateObject() => _representation switch
    {
        Representation.Element when _element.ValueKind == JsonValueKind.Object => EnumerateElementObject(_element),
        Representation.JsonObject => EnumerateNodeObject((JsonObject)_reference!),
        Representation.Object => ((IExpressionObject)_reference!).EnumerateMembers(),
        _ => null,
    };

    /// <summary>True when both values wrap the very same caller object or list, so deep comparison can be skipped.</summary>
    /// <remarks>Wrapped <see cref="JsonElement"/>s are never reported as the same: comparing them would need reflection-based struct equality.</remarks>
    internal bool IsSameReference(in ExpressionValue other) =>
        _reference is not null && ReferenceEquals(_reference, other._reference) && _representation == other._representation;

    /// <summary>An independent JSON node (no parent, no tie to caller data), ready to attach to a new tree.</summary>
    /// <exception cref="ExpressionException">The value cannot be written as JSON (NaN, too deep, an object that cannot list its members).</exception>
    public JsonNode? ToJsonNode() => ValueJson.ToNode(this, Evaluator.ForConversion(), 0);

    /// <summary>An independent JSON element holding this value.</summary>
    /// <exception cref="ExpressionException">The value cannot be written as JSON.</exception>
    public JsonElement ToJsonElement()
    {
        if (_representation == Representation.Element)
            return _element.Clone();
        using var document = JsonDocument.Parse(ValueJson.ToUtf8(this, Evaluator.ForConversion(), 0));
        return document.RootElement.Clone();
    }

    /// <summary>Compact JSON text for this value.</summary>
    /// <exception cref="ExpressionException">The value cannot be written as JSON.</exception>
    public string ToJsonString() => ValueJson.ToJsonString(this, Evaluator.ForConversion(), 0);

    /// <summary>
    /// The text a template splices in: strings as they are, null as the empty string, numbers in invariant
    /// culture, <c>true</c>/<c>false</c>, arrays and objects as compact JSON.
    /// </summary>
    public override string ToString()
    {
        try
        {
            return ValueJson.ToDisplayString(this, Evaluator.ForConversion(), 0);
        }
        catch (ExpressionException)
        {
            return $"<{Kind.ToString().ToLowerInvariant()}>";
        }
    }

    /// <summary>The lower-case kind name used in error messages ("string", "array", ...).</summary>
    internal string KindName => Kind switch
    {
        ExpressionValueKind.Null => "null",
        ExpressionValueKind.Boolean => "boolean",
        ExpressionValueKind.Number => "number",
        ExpressionValueKind.String => "string",
        ExpressionValueKind.Array => "array",
        _ => "object",
    };

    /// <summary>The kind name with an article ("a string", "an array", but plain "null"), for messages.</summary>
    internal string KindNameWithArticle => Kind switch
    {
        ExpressionValueKind.Null => "null",
        ExpressionValueKind.Array or ExpressionValueKind.Object => "an " + KindName,
        _ => "a " + KindName,
    };

    private InvalidOperationException WrongKind(ExpressionValueKind expected) =>
        new($"The value is {KindNameWithArticle}, not {expected.ToString().ToLowerInvariant()}.");

    private static IEnumerable<ExpressionValue> EnumerateElementArray(JsonElement array)
    {
        foreach (var item in array.EnumerateArray())
            yield return From(item);
    }

    private static IEnumerable<ExpressionValue> EnumerateNodeArray(JsonArray array)
    {
        foreach (var item in array)
            yield return From(item);
    }

    private static IEnumerable<KeyValuePair<string, ExpressionValue>> EnumerateElementObject(JsonElement obj)
    {
        foreach (var property in obj.EnumerateObject())
            yield return new(property.Name, From(property.Value));
    }

    private static IEnumerable<KeyValuePair<string, ExpressionValue>> EnumerateNodeObject(JsonObject obj)
    {
        foreach (var (name, node) in obj)
            yield return new(name, From(node));
    }
}
