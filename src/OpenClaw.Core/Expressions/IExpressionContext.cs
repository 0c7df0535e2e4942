namespace OpenClaw.Core.Expressions;

/// <summary>
/// Supplies the top-level names an expression can read (<c>inputs</c>, <c>steps</c>, <c>vars</c>, <c>env</c>,
/// <c>execution</c>, <c>loop</c>, ...) and the clock, so the engine decides what is visible and tests control time.
/// </summary>
/// <remarks>
/// Names are resolved on demand; a context can hand out <see cref="ExpressionValue"/>s that wrap its own
/// <see cref="System.Text.Json.JsonElement"/>s or lazy <see cref="IExpressionObject"/>s, so nothing is copied per
/// evaluation. A name the context does not know makes evaluation fail with "unknown context 'name'".
/// </remarks>
public interface IExpressionContext
{
    /// <summary>Looks up a top-level name; returns false when the name is not available in this context.</summary>
    bool TryResolve(string name, out ExpressionValue value);

    /// <summary>The clock behind <c>now()</c>.</summary>
    TimeProvider TimeProvider { get; }
}
