using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace OpenClaw.Server.Observability.Logging;

/// <summary>
/// One JSON object per line with exactly the specification's fields at the top level: <c>timestamp</c>, <c>level</c>,
/// <c>service</c>, <c>request_id</c>, <c>user_id</c>, <c>workflow_id</c>, <c>message</c>, <c>error</c>,
/// <c>execution_time</c> (ms), null when unknown; everything else the message or its scopes carry (category,
/// execution id, step, trace and span ids, other template values) goes in <c>context</c>.
/// </summary>
/// <remarks>
/// Scopes are flattened: the request's (ASP.NET Core's <c>RequestId</c>), the caller's (<c>user_id</c>), a step's
/// (<c>workflow_id</c>, <c>execution_id</c>, <c>step</c>); values of the message itself win over scopes. Names are
/// matched in PascalCase or snake_case (<c>WorkflowId</c> and <c>workflow_id</c>).
/// </remarks>
internal sealed class JsonLogFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "openclaw-json";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };
    private readonly IDisposable? _reload;
    private JsonLogFormatterOptions _options;

    public JsonLogFormatter(IOptionsMonitor<JsonLogFormatterOptions> options)
        : base(FormatterName)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    public void Dispose() => _reload?.Dispose();

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;

        var fields = new Fields();
        if (_options.IncludeScopes) scopeProvider?.ForEachScope(static (scope, f) => f.Add(scope), fields);
        fields.Add(logEntry.State);
        if (Activity.Current is { } activity)
        {
            fields.Context.TryAdd("trace_id", activity.TraceId.ToHexString());
            fields.Context.TryAdd("span_id", activity.SpanId.ToHexString());
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", Level(logEntry.LogLevel));
            json.WriteString("service", _options.Service);
            WriteOrNull(json, "request_id", fields.RequestId);
            WriteOrNull(json, "user_id", fields.UserId);
            WriteOrNull(json, "workflow_id", fields.WorkflowId);
            json.WriteString("message", message ?? logEntry.Exception!.Message);
            WriteOrNull(json, "error", logEntry.Exception?.ToString());
            if (fields.ExecutionTime is { } ms) json.WriteNumber("execution_time", ms);
            else json.WriteNull("execution_time");
            json.WriteStartObject("context");
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0) json.WriteNumber("event_id", logEntry.EventId.Id);
            foreach (var (key, value) in fields.Context) WriteValue(json, key, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case int or long or short or byte or uint or ulong or ushort:
                json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumber(name, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => level.ToString().ToUpperInvariant(),
    };

    /// <summary>The fields gathered from the scopes (outermost first) and the message's own values (last, so they win).</summary>
    private sealed class Fields
    {
        public string? RequestId;
        public string? UserId;
        public string? WorkflowId;
        public double? ExecutionTime;
        public readonly Dictionary<string, object?> Context = new(StringComparer.Ordinal);

        public void Add(object? state)
        {
            if (state is not IEnumerable<KeyValuePair<string, object?>> values) return;
            foreach (var (key, value) in values)
            {
                if (key == "{OriginalFormat}") continue;
                var name = SnakeCase(key);
                switch (name)
                {
                    case "request_id":
                        RequestId = value?.ToString();
                        break;
                    case "user_id":
                        UserId = value?.ToString();
                        break;
                    case "workflow_id":
                        WorkflowId = value?.ToString();
                        break;
                    case "execution_time" or "elapsed_milliseconds":
                        if (value is not null && double.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                            ExecutionTime = ms;
                        break;
                    default:
                        Context[name] = value;
                        break;
                }
            }
        }

        private static string SnakeCase(string key)
        {
            if (key.Contains('_', StringComparison.Ordinal) || key.All(c => !char.IsUpper(c))) return key;
            var builder = new StringBuilder(key.Length + 4);
            for (var i = 0; i < key.Length; i++)
            {
                var c = key[i];
                if (char.IsUpper(c))
                {
                    if (i > 0 && (char.IsLower(key[i - 1]) || (i + 1 < key.Length && char.IsLower(key[i + 1])))) builder.Append('_');
                    builder.Append(char.ToLowerInvariant(c));
                }
                else
                {
                    builder.Append(c);
                }
            }
            return builder.ToString();
        }
    }
}
