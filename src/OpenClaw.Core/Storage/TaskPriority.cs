namespace OpenClaw.Core.Storage;

/// <summary>Queue priorities from the specification; higher runs first.</summary>
public enum TaskPriority
{
    Low = 1,
    Normal = 2,
    High = 3,
    Critical = 4,
}
