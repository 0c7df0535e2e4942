using System.Text.Json;

namespace OpenClaw.Core.Engine;

/// <summary>Why a step attempt failed.</summary>
/// <param name="Message">Shown in the step history.</param>
/// <param name="Retryable">False skips the remaining retries.</param>
public sealed record StepFailure(string Message, bool Retryable);

/// <summary>Facts about one finished attempt, recorded in its history.</summary>
public sealed record AttemptInfo(int Attempt, string? WorkerId, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, JsonElement? Logs = null);
