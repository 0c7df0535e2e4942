using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// Converts values to JSON text, to fresh <see cref="JsonNode"/> trees and to the strings templates splice in,
/// walking nested data with depth, step and size limits so cyclic or huge caller objects fail cleanly.
/// </summary>
internal static class ValueJson
{
    // Readable output: non-ASCII text and HTML-sensitive characters are not escaped (this JSON is data, not markup).
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
        MaxDepth = 1001,
    };

    /// <summary>The invariant text of a number: integers as digits, doubles in shortest round-trip form.</summary>
    public static string FormatNumber(in ExpressionValue value) =>
        value.IsExactInteger && value.TryGetInt64(out var integer)
            ? integer.ToString(CultureInfo.InvariantCulture)
            : value.GetDouble().ToString(CultureInfo.InvariantCulture);

    /// <summary>The text a template splices in: null as empty, arrays and objects as compact JSON.</summary>
    public static string ToDisplayString(in ExpressionValue value, Evaluator evaluator, int column) => value.Kind switch
    {
        ExpressionValueKind.Null => string.Empty,
        ExpressionValueKind.Boolean => value.GetBoolean() ? "true" : "false",
        ExpressionValueKind.Number => FormatNumber(value),
        ExpressionValueKind.String => value.GetString(),
        _ => ToJsonString(value, evaluator, column),
    };

    public static string ToJsonString(in ExpressionValue value, Evaluator evaluator, int column)
    {
        var text = Encoding.UTF8.GetString(ToUtf8(value, evaluator, column).Span);
        evaluator.CheckStringLength(text.Length, column);
        return text;
    }

    public static ReadOnlyMemory<byte> ToUtf8(in ExpressionValue value, Evaluator evaluator, int column)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, value, evaluator, column, 0);
        }

        return buffer.WrittenMemory;
    }

    private static void Write(Utf8JsonWriter writer, in ExpressionValue value, Evaluator evaluator, int column, int depth)
    {
        evaluator.Charge(column);
        switch (value.Kind)
        {
            case ExpressionValueKind.Null:
                writer.WriteNullValue();
                break;
            case ExpressionValueKind.Boolean:
                writer.WriteBooleanValue(value.GetBoolean());
                break;
            case ExpressionValueKind.Number:
                if (value.IsExactInteger && value.TryGetInt64(out var integer))
                    writer.WriteNumberValue(integer);
                else
                    writer.WriteNumberValue(FiniteDouble(value, evaluator, column));
                break;
            case ExpressionValueKind.String:
                var s = value.GetString();
                evaluator.ChargeCharacters(s.Length, column);
                writer.WriteStringValue(s);
                break;
            case ExpressionValueKind.Array:
                EnterValue(evaluator, column, depth);
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                    Write(writer, item, evaluator, column, depth + 1);
                writer.WriteEndArray();
                break;
            default:
                EnterValue(evaluator, column, depth);
                writer.WriteStartObject();
                foreach (var (name, member) in value.TryEnumerateObject() ?? throw Operators.CannotList(evaluator, column))
                {
                    writer.WritePropertyName(name);
                    Write(writer, member, evaluator, column, depth + 1);
                }

                writer.WriteEndObject();
                break;
        }

        // UTF-8 needs at most three bytes per UTF-16 character, so past this size the text is surely too long.
        if (writer.BytesCommitted + writer.BytesPending > 3L * evaluator.Limits.MaxStringLength)
            throw StringTooLong(evaluator, column);
    }

    /// <summary>A fresh node tree with no ties to caller data; null for the null value.</summary>
    public static JsonNode? ToNode(in ExpressionValue value, Evaluator evaluator, int column) => ToNode(value, evaluator, column, 0);

    private static JsonNode? ToNode(in ExpressionValue value, Evaluator evaluator, int column, int depth)
    {
        switch (value.Kind)
        {
            case ExpressionValueKind.Null:
                return null;
            case ExpressionValueKind.Boolean:
                return JsonValue.Create(value.GetBoolean());
            case ExpressionValueKind.Number:
                return value.IsExactInteger && value.TryGetInt64(out var integer)
                    ? JsonValue.Create(integer)
                    : JsonValue.Create(FiniteDouble(value, evaluator, column));
            case ExpressionValueKind.String:
                return JsonValue.Create(value.GetString());
            case ExpressionValueKind.Array:
                EnterValue(evaluator, column, depth);
                var array = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    evaluator.Charge(column);
                    array.Add(ToNode(item, evaluator, column, depth + 1));
                }

                return array;
            default:
                EnterValue(evaluator, column, depth);
                var obj = new JsonObject();
                foreach (var (name, member) in value.TryEnumerateObject() ?? throw Operators.CannotList(evaluator, column))
                {
                    evaluator.Charge(column);
                    obj[name] = ToNode(member, evaluator, column, depth + 1);
                }

                return obj;
        }
    }

    private static void EnterValue(Evaluator evaluator, int column, int depth)
    {
        if (depth >= evaluator.Limits.MaxValueDepth)
            throw evaluator.Fail($"value is nested deeper than {evaluator.Limits.MaxValueDepth} levels", column);
        evaluator.EnsureStack(column);
    }

    private static double FiniteDouble(in ExpressionValue value, Evaluator evaluator, int column)
    {
        var d = value.GetDouble();
        return double.IsFinite(d) ? d : throw evaluator.Fail($"cannot represent {FormatNumber(value)} in JSON", column);
    }

    public static ExpressionException StringTooLong(Evaluator evaluator, int column) =>
        evaluator.Fail($"result string exceeds {evaluator.Limits.MaxStringLength} characters", column);
}
