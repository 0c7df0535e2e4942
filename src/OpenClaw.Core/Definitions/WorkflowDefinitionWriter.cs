using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Writes a <see cref="WorkflowDefinition"/> back to the JSON definition format, e.g. to store a definition that
/// was built or edited in code, or to show a YAML definition as JSON. Reading the output gives an equal model.
/// </summary>
/// <remarks>
/// The output is canonical rather than a copy of what the author wrote: defaults are left out and durations are
/// normalised (<c>PT5M</c> becomes <c>5m</c>). Callers that must keep the author's text verbatim store it as given.
/// </remarks>
public static class WorkflowDefinitionWriter
{
    /// <summary>The definition as JSON text.</summary>
    /// <param name="definition">The workflow to write.</param>
    /// <param name="indented">Pretty-print (the default) for files and editors; compact for storage.</param>
    public static string ToJson(WorkflowDefinition definition, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = indented,
            // The text is a definition file, never embedded in HTML: keep "<", "&" and non-ASCII readable in templates.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var writer = new Utf8JsonWriter(stream, options))
            Write(writer, definition);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the definition as one JSON object to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(definition);
        writer.WriteStartObject();
        writer.WriteString("id", definition.Id);
        writer.WriteString("name", definition.Name);
        if (definition.Description is not null) writer.WriteString("description", definition.Description);
        writer.WriteNumber("version", definition.Version);
        if (definition.Inputs.Count > 0)
        {
            writer.WriteStartArray("inputs");
            foreach (var input in definition.Inputs) WriteInput(writer, input);
            writer.WriteEndArray();
        }

        WriteMap(writer, "outputs", definition.Outputs);
        WriteMap(writer, "vars", definition.Vars);
        if (definition.OnFailureWorkflow is not null) writer.WriteString("on_failure_workflow", definition.OnFailureWorkflow);
        if (definition.Queue != WorkflowDefinition.DefaultQueue) writer.WriteString("queue", definition.Queue);
        if (definition.Concurrency is { } concurrency) writer.WriteNumber("concurrency", concurrency);
        WriteSteps(writer, "steps", definition.Steps);
        writer.WriteEndObject();
    }

    private static void WriteInput(Utf8JsonWriter writer, InputDefinition input)
    {
        writer.WriteStartObject();
        writer.WriteString("name", input.Name);
        writer.WriteString("type", Snake(input.Type.ToString()));
        if (input.Required) writer.WriteBoolean("required", true);
        if (input.Default is { ValueKind: not JsonValueKind.Undefined } value)
        {
            writer.WritePropertyName("default");
            value.WriteTo(writer);
        }

        if (input.Description is not null) writer.WriteString("description", input.Description);
        writer.WriteEndObject();
    }

    private static void WriteSteps(Utf8JsonWriter writer, string name, IReadOnlyList<StepDefinition> steps)
    {
        writer.WriteStartArray(name);
        foreach (var step in steps) WriteStep(writer, step);
        writer.WriteEndArray();
    }

    private static void WriteStep(Utf8JsonWriter writer, StepDefinition step)
    {
        writer.WriteStartObject();
        writer.WriteString("id", step.Id);
        writer.WriteString("type", Snake(step.Type.ToString()));
        if (step.Name is not null) writer.WriteString("name", step.Name);
        writer.WritePropertyName("config");
        WriteConfig(writer, step);
        if (step.NextSteps.Count > 0) WriteStrings(writer, "next_steps", step.NextSteps);
        if (step.OnFailure is not null) writer.WriteString("on_failure", step.OnFailure);
        if (step.Timeout != StepDefinition.DefaultTimeout) writer.WriteString("timeout", DurationParser.Format(step.Timeout));
        if (step.Retry != RetryPolicy.Default) WriteRetry(writer, step.Retry);
        WriteMap(writer, "set", step.Set);
        if (step.Ui is { ValueKind: JsonValueKind.Object } ui)
        {
            writer.WritePropertyName("ui");
            ui.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteRetry(Utf8JsonWriter writer, RetryPolicy retry)
    {
        writer.WriteStartObject("retry");
        writer.WriteNumber("max_retries", retry.MaxRetries);
        writer.WriteString("backoff", Snake(retry.Backoff.ToString()));
        writer.WriteString("base_delay", DurationParser.Format(retry.BaseDelay));
        writer.WriteString("max_delay", DurationParser.Format(retry.MaxDelay));
        writer.WriteBoolean("jitter", retry.Jitter);
        writer.WriteEndObject();
    }

    private static void WriteConfig(Utf8JsonWriter writer, StepDefinition step)
    {
        switch (step.Config)
        {
            case PluginStepConfig plugin:
                writer.WriteStartObject();
                writer.WriteString("plugin", plugin.Plugin);
                if (plugin.Version is not null) writer.WriteString("version", plugin.Version);
                WriteElement(writer, "inputs", plugin.Inputs);
                writer.WriteEndObject();
                break;

            case ConditionStepConfig condition:
                writer.WriteStartObject();
                writer.WriteStartArray("cases");
                foreach (var c in condition.Cases)
                {
                    writer.WriteStartObject();
                    writer.WriteString("when", c.When);
                    WriteStrings(writer, "next", c.Next);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (condition.Default.Count > 0) WriteStrings(writer, "default", condition.Default);
                writer.WriteEndObject();
                break;

            case LoopStepConfig loop:
                writer.WriteStartObject();
                if (loop.Items is not null) writer.WriteString("items", loop.Items);
                if (loop.While is not null) writer.WriteString("while", loop.While);
                if (loop.Concurrency != 1) writer.WriteNumber("concurrency", loop.Concurrency);
                if (loop.MaxIterations != LoopStepConfig.DefaultMaxIterations) writer.WriteNumber("max_iterations", loop.MaxIterations);
                WriteSteps(writer, "steps", loop.Steps);
                if (loop.Output is { ValueKind: not JsonValueKind.Undefined } output)
                {
                    writer.WritePropertyName("output");
                    output.WriteTo(writer);
                }
                writer.WriteEndObject();
                break;

            case ParallelStepConfig parallel:
                writer.WriteStartObject();
                if (parallel.Mode != ParallelMode.WaitAll) writer.WriteString("mode", Snake(parallel.Mode.ToString()));
                writer.WriteStartArray("branches");
                foreach (var branch in parallel.Branches)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", branch.Name);
                    WriteSteps(writer, "steps", branch.Steps);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;

            case DelayStepConfig delay:
                writer.WriteStartObject();
                if (delay.Duration is not null) writer.WriteString("duration", delay.Duration);
                if (delay.Until is not null) writer.WriteString("until", delay.Until);
                writer.WriteEndObject();
                break;

            case SubworkflowStepConfig subworkflow:
                writer.WriteStartObject();
                writer.WriteString("workflow", subworkflow.Workflow);
                if (subworkflow.Version is { } version) writer.WriteNumber("version", version);
                WriteElement(writer, "inputs", subworkflow.Inputs);
                writer.WriteEndObject();
                break;

            default:
                // A config type this writer does not know: the raw config is the best record of it.
                if (step.RawConfig.ValueKind == JsonValueKind.Undefined) writer.WriteStartObject();
                else step.RawConfig.WriteTo(writer);
                if (step.RawConfig.ValueKind == JsonValueKind.Undefined) writer.WriteEndObject();
                break;
        }
    }

    /// <summary>Writes a JSON value, leaving out absent values and empty objects (the parser's defaults).</summary>
    private static void WriteElement(Utf8JsonWriter writer, string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined) return;
        if (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any()) return;
        writer.WritePropertyName(name);
        value.WriteTo(writer);
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, JsonElement> map)
    {
        if (map.Count == 0) return;
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WritePropertyName(key);
            if (value.ValueKind == JsonValueKind.Undefined) writer.WriteNullValue();
            else value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    private static string Snake(string pascal) => ObjectReader.SnakeCase(pascal);
}
