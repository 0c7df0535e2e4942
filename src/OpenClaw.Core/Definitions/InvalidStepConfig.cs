using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Stands in for a step whose type or config could not be read, so the rest of the definition can still be
/// validated and every error reported at once. Never escapes the parser: a result with errors carries no definition.
/// </summary>
internal sealed record InvalidStepConfig(JsonElement Raw) : StepConfig;
