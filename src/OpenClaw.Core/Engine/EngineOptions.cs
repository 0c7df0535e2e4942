namespace OpenClaw.Core.Engine;

/// <summary>Settings the engine reads while computing transitions.</summary>
public sealed class EngineOptions
{
    /// <summary>Environment variables visible to expressions as <c>env.NAME</c>. Only these: the process environment is not exposed.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
