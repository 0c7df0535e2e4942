using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// Walks a parsed expression against a context, charging every node and every element a function or
/// comparison visits to a step budget, so evaluation time is bounded by <see cref="ExpressionLimits.MaxSteps"/>.
/// </summary>
/// <remarks>
/// One instance holds the state of one evaluation (or of one template resolution, via <see cref="Reset"/>); it is
/// not thread-safe, while the parsed trees it walks are immutable and shared. Recursion depth is bounded by the
/// parser's nesting limit; chains of binary operators are evaluated in loops.
/// </remarks>
internal sealed class Evaluator
{
    /// <summary>One step is charged per this many characters copied or produced.</summary>
    private const int CharactersPerStep = 64;

    private static readonly ExpressionLimits ConversionLimits = ExpressionLimits.Default with
    {
        MaxSteps = int.MaxValue,
        MaxStringLength = int.MaxValue,
    };

    private long _steps;

    public Evaluator(IExpressionContext? context, ExpressionLimits limits, string text)
    {
        Context = context;
        Limits = limits;
        Text = text;
    }

    /// <summary>Null when the evaluator only converts values (no names can be resolved).</summary>
    public IExpressionContext? Context { get; }

    public ExpressionLimits Limits { get; private set; }

    /// <summary>The text error columns refer to.</summary>
    public string Text { get; private set; }

    /// <summary>An evaluator for converting caller data outside any expression: no step or length budget, default depth limits.</summary>
    public static Evaluator ForConversion() => new(null, ConversionLimits, string.Empty);

    /// <summary>Starts a fresh budget for another expression or template.</summary>
    public void Reset(ExpressionLimits limits, string text)
    {
        _steps = 0;
        Limits = limits;
        Text = text;
    }

    public void Charge(int column)
    {
        if (++_steps > Limits.MaxSteps)
            throw StepsExceeded(column);
    }

    public void Charge(long steps, int column)
    {
        _steps += steps;
        if (_steps > Limits.MaxSteps)
            throw StepsExceeded(column);
    }

    public void ChargeCharacters(long characters, int column)
    {
        if (characters >= CharactersPerStep)
            Charge(characters / CharactersPerStep, column);
    }

    public void CheckStringLength(long length, int column)
    {
        if (length > Limits.MaxStringLength)
            throw ValueJson.StringTooLong(this, column);
    }

    public void EnsureStack(int column)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Fail("expression nested too deeply to evaluate", column);
    }

    public ExpressionException Fail(string reason, int column) => new(reason, column, Text);

    private ExpressionException StepsExceeded(int column) =>
        Fail($"expression exceeded the limit of {Limits.MaxSteps} evaluation steps", column);

    public ExpressionValue Evaluate(ExpressionNode node)
    {
        Charge(node.Column);
        EnsureStack(node.Column);
        switch (node)
        {
            case MemberNode member:
                return GetMember(Evaluate(member.Target), member.Name, member.Column);
            case ContextNode context:
                return Resolve(context);
            case LiteralNode literal:
                return literal.Value;
            case IndexNode index:
                return GetIndex(Evaluate(index.Target), Evaluate(index.Index), index.Column);
            case CallNode call:
                return Call(call);
            case BinaryChainNode chain:
                return EvaluateChain(chain);
            case LogicalNode logical:
                return EvaluateLogical(logical);
            case UnaryNode unary:
                return EvaluateUnary(unary);
            case ConditionalNode conditional:
                return Evaluate(conditional.Condition).IsTruthy ? Evaluate(conditional.WhenTrue) : Evaluate(conditional.WhenFalse);
            case ArrayNode array:
                return EvaluateArray(array);
            case ObjectNode obj:
                return EvaluateObject(obj);
            default:
                throw new UnreachableException($"Unhandled expression node {node.GetType().Name}.");
        }
    }

    private ExpressionValue Resolve(ContextNode node)
    {
        if (Context is not null && Context.TryResolve(node.Name, out var value))
            return value;
        throw Fail($"unknown context '{node.Name}'", node.Column);
    }

    private ExpressionValue GetMember(in ExpressionValue target, string name, int column)
    {
        switch (target.Kind)
        {
            case ExpressionValueKind.Null:
                return ExpressionValue.Null;
            case ExpressionValueKind.Object:
                return target.TryGetMember(name, out var value) ? value : ExpressionValue.Null;
            case ExpressionValueKind.Array when name == "length":
                throw Fail("cannot read property 'length' of an array (use length(...))", column);
            default:
                throw Fail($"cannot read property '{name}' of {target.KindNameWithArticle}", column);
        }
    }

    private ExpressionValue GetIndex(in ExpressionValue target, in ExpressionValue index, int column)
    {
        switch (target.Kind)
        {
            case ExpressionValueKind.Null:
                return ExpressionValue.Null;
            case ExpressionValueKind.Array:
                if (index.Kind != ExpressionValueKind.Number)
                    throw Fail($"cannot index an array with {index.KindNameWithArticle}", column);
                if (!index.TryGetInt64(out var i))
                    throw Fail($"array index must be an integer, not {ValueJson.FormatNumber(index)}", column);
                var length = target.GetArrayLength();
                if (i < 0)
                    i += length;
                return i >= 0 && i < length ? target.GetArrayElement((int)i) : ExpressionValue.Null;
            case ExpressionValueKind.Object:
                if (index.Kind != ExpressionValueKind.String)
                    throw Fail($"cannot index an object with {index.KindNameWithArticle}", column);
                return target.TryGetMember(index.GetString(), out var value) ? value : ExpressionValue.Null;
            default:
                throw Fail($"cannot index {target.KindNameWithArticle}", column);
        }
    }

    private ExpressionValue Call(CallNode call)
    {
        var arguments = call.Arguments;
        if (arguments.Length <= ArgumentBuffer.Capacity)
        {
            var buffer = default(ArgumentBuffer);
            Span<ExpressionValue> values = buffer;
            for (var i = 0; i < arguments.Length; i++)
                values[i] = Evaluate(arguments[i]);
            return call.Function.Body(this, call.Column, values[..arguments.Length]);
        }

        var array = new ExpressionValue[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
            array[i] = Evaluate(arguments[i]);
        return call.Function.Body(this, call.Column, array);
    }

    private ExpressionValue EvaluateChain(BinaryChainNode chain)
    {
        var accumulator = Evaluate(chain.First);
        StringBuilder? text = null;
        foreach (var (op, operandNode, column) in chain.Rest)
        {
            var operand = Evaluate(operandNode);
            if (text is not null)
            {
                if (op == BinaryOperator.Add)
                {
                    Append(text, operand, column);
                    continue;
                }

                accumulator = ExpressionValue.From(text.ToString());
                text = null;
            }

            // Concatenation chains build one string instead of copying a longer one at every '+'.
            if (op == BinaryOperator.Add && chain.Rest.Length > 1
                && (accumulator.Kind == ExpressionValueKind.String || operand.Kind == ExpressionValueKind.String))
            {
                text = new StringBuilder();
                Append(text, accumulator, column);
                Append(text, operand, column);
                continue;
            }

            accumulator = Operators.Apply(op, accumulator, operand, this, column);
        }

        return text is null ? accumulator : ExpressionValue.From(text.ToString());
    }

    private void Append(StringBuilder text, in ExpressionValue value, int column)
    {
        var s = ValueJson.ToDisplayString(value, this, column);
        CheckStringLength((long)text.Length + s.Length, column);
        ChargeCharacters(s.Length, column);
        text.Append(s);
    }

    private ExpressionValue EvaluateLogical(LogicalNode logical)
    {
        var operands = logical.Operands;
        for (var i = 0; i < operands.Length - 1; i++)
        {
            var value = Evaluate(operands[i]);
            if (value.IsTruthy != logical.IsAnd)
                return value;
        }

        return Evaluate(operands[^1]);
    }

    private ExpressionValue EvaluateUnary(UnaryNode unary)
    {
        var operand = Evaluate(unary.Operand);
        if (unary.Operator == UnaryOperator.Not)
            return ExpressionValue.From(!operand.IsTruthy);
        if (operand.Kind != ExpressionValueKind.Number)
            throw Fail($"cannot apply '-' to {operand.KindNameWithArticle}", unary.Column);
        return Operators.Negate(operand);
    }

    private ExpressionValue EvaluateArray(ArrayNode array)
    {
        var items = new ExpressionValue[array.Items.Length];
        for (var i = 0; i < items.Length; i++)
            items[i] = Evaluate(array.Items[i]);
        return ExpressionValue.FromArray(items);
    }

    private ExpressionValue EvaluateObject(ObjectNode obj)
    {
        var members = new OrderedDictionary<string, ExpressionValue>(obj.Members.Length, StringComparer.Ordinal);
        foreach (var (name, valueNode) in obj.Members)
            members.Add(name, Evaluate(valueNode));
        return ExpressionValue.From(new LiteralObject(members));
    }

    /// <summary>Room for the arguments of most calls without allocating.</summary>
    [InlineArray(Capacity)]
    private struct ArgumentBuffer
    {
        public const int Capacity = 4;
        private ExpressionValue _first;
    }
}
