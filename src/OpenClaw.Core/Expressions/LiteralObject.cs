namespace OpenClaw.Core.Expressions;

/// <summary>The value of an object literal such as <c>{a: 1, 'b c': 2}</c>; keeps the written member order.</summary>
internal sealed class LiteralObject(OrderedDictionary<string, ExpressionValue> members) : IExpressionObject
{
    public bool TryGetMember(string name, out ExpressionValue value) => members.TryGetValue(name, out value);

    public IEnumerable<KeyValuePair<string, ExpressionValue>>? EnumerateMembers() => members;
}
