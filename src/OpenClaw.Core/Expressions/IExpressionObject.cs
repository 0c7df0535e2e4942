namespace OpenClaw.Core.Expressions;

/// <summary>
/// An object whose members are produced on demand, so a caller can expose large or expensive data (all step
/// outputs, secrets resolved on first use) without building a JSON document on every evaluation.
/// </summary>
/// <remarks>
/// Member names are case-sensitive, like JSON. Implementations must be safe to read from several threads if
/// the same instance is shared between concurrent evaluations.
/// </remarks>
public interface IExpressionObject
{
    /// <summary>Looks up a member; a missing member reads as null in expressions.</summary>
    bool TryGetMember(string name, out ExpressionValue value);

    /// <summary>
    /// Lists the members for <c>keys</c>, <c>values</c>, <c>length</c>, <c>toJSON</c>, equality and result conversion,
    /// or returns null when the object cannot list them (those operations then fail with a clear error).
    /// </summary>
    IEnumerable<KeyValuePair<string, ExpressionValue>>? EnumerateMembers() => null;
}
