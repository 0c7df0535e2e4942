namespace OpenClaw.Core.Expressions;

/// <summary>
/// Bounds on the work one expression may do, so that a hostile or careless workflow definition fails with an
/// <see cref="ExpressionException"/> instead of exhausting the stack, the CPU or memory of a worker.
/// </summary>
/// <remarks>
/// Every limit must be positive. <see cref="MaxDepth"/> and <see cref="MaxValueDepth"/> are capped at 1000
/// because both are walked recursively.
/// </remarks>
public sealed record ExpressionLimits
{
    /// <summary>The limits used when none are given.</summary>
    public static ExpressionLimits Default { get; } = new();

    /// <summary>Longest expression body, in characters.</summary>
    public int MaxSourceLength { get; init => field = Positive(value, int.MaxValue); } = 16_384;

    /// <summary>Deepest nesting of parentheses, calls, literals, unary operators, ternaries and property/index chains.</summary>
    public int MaxDepth { get; init => field = Positive(value, 1000); } = 64;

    /// <summary>Evaluation work units: one per node evaluated, one per element a function or comparison visits, one per 64 characters copied, scanned or produced.</summary>
    public int MaxSteps { get; init => field = Positive(value, int.MaxValue); } = 100_000;

    /// <summary>Longest string an expression may produce (concatenation, <c>format</c>, <c>join</c>, <c>toJSON</c>, interpolated templates).</summary>
    public int MaxStringLength { get; init => field = Positive(value, int.MaxValue); } = 1_048_576;

    /// <summary>Deepest data nesting walked by equality, <c>toJSON</c>, <c>fromJSON</c> and result conversion.</summary>
    public int MaxValueDepth { get; init => field = Positive(value, 1000); } = 128;

    private static int Positive(int value, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, max);
        return value;
    }
}
