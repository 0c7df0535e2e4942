namespace OpenClaw.Core.Expressions;

/// <summary>A node of a parsed expression. <see cref="Column"/> is where errors about the node point.</summary>
internal abstract record ExpressionNode(int Column);

/// <summary>A literal value: null, true, false, a number or a string.</summary>
internal sealed record LiteralNode(ExpressionValue Value, int Column) : ExpressionNode(Column);

/// <summary>A top-level name such as <c>inputs</c>, resolved through <see cref="IExpressionContext"/>.</summary>
internal sealed record ContextNode(string Name, int Column) : ExpressionNode(Column);

/// <summary><c>target.name</c>.</summary>
internal sealed record MemberNode(ExpressionNode Target, string Name, int Column) : ExpressionNode(Column);

/// <summary><c>target[index]</c>.</summary>
internal sealed record IndexNode(ExpressionNode Target, ExpressionNode Index, int Column) : ExpressionNode(Column);

/// <summary><c>!operand</c> or <c>-operand</c>.</summary>
internal sealed record UnaryNode(UnaryOperator Operator, ExpressionNode Operand, int Column) : ExpressionNode(Column);

/// <summary>
/// A left-associative run of operators of one precedence level (<c>a + b - c</c>), kept flat so that long
/// chains are evaluated in a loop rather than by recursion, and string concatenation runs in linear time.
/// </summary>
internal sealed record BinaryChainNode(ExpressionNode First, BinaryOperand[] Rest, int Column) : ExpressionNode(Column);

/// <summary>One operator and its right-hand operand in a <see cref="BinaryChainNode"/>; the column is the operator's.</summary>
internal readonly record struct BinaryOperand(BinaryOperator Operator, ExpressionNode Operand, int Column);

/// <summary>A flat run of <c>&amp;&amp;</c> or <c>||</c>; short-circuits and yields the deciding operand.</summary>
internal sealed record LogicalNode(bool IsAnd, ExpressionNode[] Operands, int Column) : ExpressionNode(Column);

/// <summary><c>condition ? whenTrue : whenFalse</c>.</summary>
internal sealed record ConditionalNode(ExpressionNode Condition, ExpressionNode WhenTrue, ExpressionNode WhenFalse, int Column) : ExpressionNode(Column);

/// <summary><c>[a, b]</c>.</summary>
internal sealed record ArrayNode(ExpressionNode[] Items, int Column) : ExpressionNode(Column);

/// <summary><c>{a: 1, 'b c': 2}</c>; keys are unique (checked by the parser).</summary>
internal sealed record ObjectNode(KeyValuePair<string, ExpressionNode>[] Members, int Column) : ExpressionNode(Column);

/// <summary>A call to a built-in function, resolved and arity-checked at parse time.</summary>
internal sealed record CallNode(BuiltinFunction Function, ExpressionNode[] Arguments, int Column) : ExpressionNode(Column);

internal enum UnaryOperator
{
    Not,
    Negate,
}

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}
