namespace OpenClaw.Core.Expressions;

/// <summary>
/// The meaning of the operators: arithmetic that keeps integers exact, strict comparison and deep equality.
/// </summary>
/// <remarks>
/// There is no type coercion: <c>1 == '1'</c> is false and <c>1 &lt; '2'</c> is an error. The one exception is
/// that integers and doubles are both numbers, so <c>1 == 1.0</c>. Integer arithmetic stays integral unless it
/// overflows or a division is uneven; a non-finite result is an error, so NaN and infinities never arise.
/// </remarks>
internal static class Operators
{
    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "==",
        _ => "!=",
    };

    public static ExpressionValue Apply(BinaryOperator op, in ExpressionValue left, in ExpressionValue right, Evaluator evaluator, int column) => op switch
    {
        BinaryOperator.Add when left.Kind == ExpressionValueKind.String || right.Kind == ExpressionValueKind.String => Concatenate(left, right, evaluator, column),
        BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo => Arithmetic(op, left, right, evaluator, column),
        BinaryOperator.Equal => ExpressionValue.From(AreEqual(left, right, evaluator, column, 0)),
        BinaryOperator.NotEqual => ExpressionValue.From(!AreEqual(left, right, evaluator, column, 0)),
        _ => ExpressionValue.From(Compare(op, left, right, evaluator, column)),
    };

    /// <summary>Negates a number; <c>-long.MinValue</c> becomes a double.</summary>
    public static ExpressionValue Negate(in ExpressionValue value)
    {
        if (value.IsExactInteger && value.TryGetInt64(out var integer))
            return integer == long.MinValue ? ExpressionValue.From(-(double)integer) : ExpressionValue.From(-integer);
        return ExpressionValue.From(-value.GetDouble());
    }

    private static ExpressionValue Concatenate(in ExpressionValue left, in ExpressionValue right, Evaluator evaluator, int column)
    {
        var a = ValueJson.ToDisplayString(left, evaluator, column);
        var b = ValueJson.ToDisplayString(right, evaluator, column);
        evaluator.CheckStringLength((long)a.Length + b.Length, column);
        evaluator.ChargeCharacters(a.Length + b.Length, column);
        return ExpressionValue.From(string.Concat(a, b));
    }

    private static ExpressionValue Arithmetic(BinaryOperator op, in ExpressionValue left, in ExpressionValue right, Evaluator evaluator, int column)
    {
        if (left.Kind != ExpressionValueKind.Number || right.Kind != ExpressionValueKind.Number)
            throw evaluator.Fail($"cannot apply '{Symbol(op)}' to {left.KindName} and {right.KindName}", column);

        if (left.IsExactInteger && right.IsExactInteger)
        {
            left.TryGetInt64(out var a);
            right.TryGetInt64(out var b);
            if (TryIntegerArithmetic(op, a, b, evaluator, column, out var exact))
                return ExpressionValue.From(exact);
        }

        var x = left.GetDouble();
        var y = right.GetDouble();
        if (op is BinaryOperator.Divide or BinaryOperator.Modulo && y == 0)
            throw evaluator.Fail("division by zero", column);
        var result = op switch
        {
            BinaryOperator.Add => x + y,
            BinaryOperator.Subtract => x - y,
            BinaryOperator.Multiply => x * y,
            BinaryOperator.Divide => x / y,
            _ => x % y,
        };
        if (!double.IsFinite(result))
            throw evaluator.Fail($"result of '{Symbol(op)}' is out of range", column);
        return ExpressionValue.From(result);
    }

    /// <summary>Integer arithmetic; false when the exact result is not an integer in range (the caller then uses doubles).</summary>
    private static bool TryIntegerArithmetic(BinaryOperator op, long a, long b, Evaluator evaluator, int column, out long result)
    {
        switch (op)
        {
            case BinaryOperator.Add:
                result = unchecked(a + b);
                return ((a ^ result) & (b ^ result)) >= 0;
            case BinaryOperator.Subtract:
                result = unchecked(a - b);
                return ((a ^ b) & (a ^ result)) >= 0;
            case BinaryOperator.Multiply:
                var high = Math.BigMul(a, b, out result);
                return high == result >> 63;
            case BinaryOperator.Divide:
                if (b == 0)
                    throw evaluator.Fail("division by zero", column);
                result = 0;
                if (b == -1)
                {
                    if (a == long.MinValue)
                        return false;
                    result = -a;
                    return true;
                }

                if (a % b != 0)
                    return false;
                result = a / b;
                return true;
            default:
                if (b == 0)
                    throw evaluator.Fail("division by zero", column);
                result = b == -1 ? 0 : a % b;
                return true;
        }
    }

    private static bool Compare(BinaryOperator op, in ExpressionValue left, in ExpressionValue right, Evaluator evaluator, int column)
    {
        int order;
        if (left.Kind == ExpressionValueKind.Number && right.Kind == ExpressionValueKind.Number)
        {
            if (left.IsExactInteger && right.IsExactInteger)
            {
                left.TryGetInt64(out var a);
                right.TryGetInt64(out var b);
                order = a.CompareTo(b);
            }
            else
            {
                var x = left.GetDouble();
                var y = right.GetDouble();
                if (double.IsNaN(x) || double.IsNaN(y))
                    return false;
                order = x.CompareTo(y);
            }
        }
        else if (left.Kind == ExpressionValueKind.String && right.Kind == ExpressionValueKind.String)
        {
            order = string.CompareOrdinal(left.GetString(), right.GetString());
        }
        else
        {
            throw evaluator.Fail($"cannot compare {left.KindName} with {right.KindName}", column);
        }

        return op switch
        {
            BinaryOperator.Less => order < 0,
            BinaryOperator.LessOrEqual => order <= 0,
            BinaryOperator.Greater => order > 0,
            _ => order >= 0,
        };
    }

    /// <summary>Deep, type-strict equality; charges one step per element or member compared.</summary>
    public static bool AreEqual(in ExpressionValue left, in ExpressionValue right, Evaluator evaluator, int column, int depth)
    {
        var kind = left.Kind;
        if (kind != right.Kind)
            return false;

        switch (kind)
        {
            case ExpressionValueKind.Null:
                return true;
            case ExpressionValueKind.Boolean:
                return left.GetBoolean() == right.GetBoolean();
            case ExpressionValueKind.Number:
                if (left.IsExactInteger && right.IsExactInteger)
                {
                    left.TryGetInt64(out var x);
                    right.TryGetInt64(out var y);
                    return x == y;
                }

                return left.GetDouble() == right.GetDouble();
            case ExpressionValueKind.String:
                var first = left.GetString();
                var second = right.GetString();
                if (first.Length != second.Length)
                    return false;
                evaluator.ChargeCharacters(first.Length, column);
                return string.Equals(first, second, StringComparison.Ordinal);
        }

        if (left.IsSameReference(right))
            return true;
        if (depth >= evaluator.Limits.MaxValueDepth)
            throw evaluator.Fail($"value is nested deeper than {evaluator.Limits.MaxValueDepth} levels", column);
        evaluator.EnsureStack(column);

        if (kind == ExpressionValueKind.Array)
        {
            if (left.GetArrayLength() != right.GetArrayLength())
                return false;
            using var others = right.EnumerateArray().GetEnumerator();
            foreach (var item in left.EnumerateArray())
            {
                evaluator.Charge(column);
                others.MoveNext();
                if (!AreEqual(item, others.Current, evaluator, column, depth + 1))
                    return false;
            }

            return true;
        }

        var leftMembers = left.TryEnumerateObject() ?? throw CannotList(evaluator, column);
        var rightMembers = right.TryEnumerateObject() ?? throw CannotList(evaluator, column);
        var count = 0;
        foreach (var (name, value) in leftMembers)
        {
            evaluator.Charge(column);
            count++;
            if (!right.TryGetMember(name, out var other) || !AreEqual(value, other, evaluator, column, depth + 1))
                return false;
        }

        foreach (var _ in rightMembers)
        {
            evaluator.Charge(column);
            if (--count < 0)
                return false;
        }

        return count == 0;
    }

    public static ExpressionException CannotList(Evaluator evaluator, int column) =>
        evaluator.Fail("this object cannot list its members", column);
}
