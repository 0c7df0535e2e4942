namespace OpenClaw.Core.Expressions;

/// <summary>The implementation of a built-in function; <paramref name="column"/> is where its errors point.</summary>
internal delegate ExpressionValue FunctionBody(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> arguments);

/// <summary>A built-in function: its canonical name, how many arguments it takes, and its body.</summary>
internal sealed class BuiltinFunction(string name, int minArguments, int maxArguments, FunctionBody body)
{
    public string Name { get; } = name;

    public int MinArguments { get; } = minArguments;

    /// <summary><see cref="int.MaxValue"/> for functions that take any number of arguments.</summary>
    public int MaxArguments { get; } = maxArguments;

    public FunctionBody Body { get; } = body;

    /// <summary>"2 arguments", "1 to 2 arguments", "at least 1 argument", "no arguments".</summary>
    public string DescribeArity()
    {
        if (MaxArguments == 0)
            return "no arguments";
        if (MaxArguments == int.MaxValue)
            return $"at least {Count(MinArguments)}";
        return MinArguments == MaxArguments ? Count(MinArguments) : $"{MinArguments} to {Count(MaxArguments)}";

        static string Count(int n) => n == 1 ? "1 argument" : $"{n} arguments";
    }
}
