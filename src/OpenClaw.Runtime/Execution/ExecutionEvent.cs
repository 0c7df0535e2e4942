using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Execution;

/// <summary>Something that committed: a step changed, or an execution finished. Published after the commit, never before.</summary>
public abstract record ExecutionEvent(Guid ExecutionId);

/// <summary>A step instance was written (queued, started, retried, settled).</summary>
public sealed record StepChangedEvent(Guid ExecutionId, StepRunRecord Step) : ExecutionEvent(ExecutionId);

/// <summary>An execution's row was written by this process (started, moved on, finished).</summary>
public sealed record ExecutionUpdatedEvent(Guid ExecutionId, ExecutionRecord Execution) : ExecutionEvent(ExecutionId);

/// <summary>An execution reached a terminal status.</summary>
public sealed record ExecutionFinishedEvent(Guid ExecutionId, ExecutionRecord Execution) : ExecutionEvent(ExecutionId);

/// <summary>
/// Another process changed the execution (or, with <see cref="Guid.Empty"/>, possibly any execution); what changed
/// is in the database, not in the event.
/// </summary>
public sealed record ExecutionChangedElsewhereEvent(Guid ExecutionId) : ExecutionEvent(ExecutionId);
