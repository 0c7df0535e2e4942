namespace OpenClaw.Core.Expressions;

/// <summary>
/// One parsed expression body (the text inside <c>${{ }}</c>), immutable and safe to evaluate from many threads.
/// Parse once (see <see cref="ExpressionCache"/>) and evaluate per step.
/// </summary>
/// <remarks>
/// <para>Syntax: <c>null true false</c>, numbers (<c>1</c>, <c>2.5</c>, <c>1e3</c>), <c>'single'</c> and <c>"double"</c>
/// quoted strings with backslash escapes, <c>a.b</c>, <c>a['b']</c>, <c>a[0]</c>, <c>a[-1]</c>, <c>! -</c>, <c>* / %</c>,
/// <c>+ -</c>, <c>&lt; &lt;= &gt; &gt;=</c>, <c>== !=</c>, <c>&amp;&amp; ||</c>, <c>c ? a : b</c>, <c>[1, 2]</c>,
/// <c>{a: 1, 'b c': 2}</c> and calls to built-in functions.</para>
/// <para>Semantics: a missing property or out-of-range index reads as null, and so does any property of null;
/// an unknown top-level name is an error. <c>+</c> concatenates when either side is a string. <c>==</c> compares
/// deeply without type coercion. <c>&amp;&amp;</c> and <c>||</c> short-circuit and return the deciding operand.</para>
/// <para>Functions (case-insensitive): <c>contains startsWith endsWith format join length toJSON fromJSON now coalesce
/// lower upper trim split keys values string number</c>. An unknown function or a wrong argument count is a parse error.</para>
/// <para>Property names after a dot may contain hyphens followed by a letter (<c>steps.fetch-data.output</c>); put spaces
/// around <c>-</c> to subtract (<c>a.b - c</c>). Any key can be read with <c>['...']</c>.</para>
/// </remarks>
public sealed class Expression
{
    private readonly ExpressionNode _root;
    private readonly string _errorText;

    private Expression(string source, ParsedExpression parsed, string errorText, int column, ExpressionLimits limits)
    {
        Source = source;
        _root = parsed.Root;
        _errorText = errorText;
        Column = column;
        Limits = limits;
        ReferencedContexts = parsed.Contexts;
        ReferencedSteps = parsed.Steps;
    }

    /// <summary>The expression body as written (trimmed when it came from a template).</summary>
    public string Source { get; }

    /// <summary>Where the expression starts: 1 for a standalone expression, the column of its <c>${{</c> in a template.</summary>
    public int Column { get; }

    /// <summary>The limits it was parsed with, also used by <see cref="Evaluate(IExpressionContext)"/>.</summary>
    public ExpressionLimits Limits { get; }

    /// <summary>The top-level names the expression reads (e.g. <c>inputs</c>, <c>steps</c>), so validation can reject names a workflow does not provide.</summary>
    public IReadOnlyCollection<string> ReferencedContexts { get; }

    /// <summary>Step ids read as <c>steps.&lt;id&gt;</c> or <c>steps['&lt;id&gt;']</c>, so validation can check they exist and run earlier.</summary>
    public IReadOnlyCollection<string> ReferencedSteps { get; }

    /// <summary>Parses an expression body with the default limits.</summary>
    /// <exception cref="ExpressionException">The text is not a valid expression; <see cref="ExpressionException.Column"/> points into <paramref name="source"/>.</exception>
    public static Expression Parse(string source) => Parse(source, ExpressionLimits.Default);

    /// <summary>Parses an expression body.</summary>
    /// <exception cref="ExpressionException">The text is not a valid expression or exceeds a limit.</exception>
    public static Expression Parse(string source, ExpressionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(limits);
        return new Expression(source, Parser.ParseStandalone(source, limits), source, 1, limits);
    }

    /// <summary>Parses the <c>${{ }}</c> block whose body starts at <paramref name="bodyStart"/> of a template.</summary>
    internal static (Expression Expression, int End) ParseEmbedded(string text, int bodyStart, int openColumn, ExpressionLimits limits)
    {
        var parsed = Parser.ParseEmbedded(text, bodyStart, openColumn, limits);
        var body = text[bodyStart..parsed.BodyEnd].Trim();
        return (new Expression(body, parsed, text, openColumn, limits), parsed.End);
    }

    /// <summary>Evaluates with the limits the expression was parsed with.</summary>
    /// <exception cref="ExpressionException">Evaluation failed (unknown context, type error, a limit reached).</exception>
    public ExpressionValue Evaluate(IExpressionContext context) => Evaluate(context, Limits);

    /// <summary>Evaluates with explicit limits.</summary>
    /// <exception cref="ExpressionException">Evaluation failed (unknown context, type error, a limit reached).</exception>
    public ExpressionValue Evaluate(IExpressionContext context, ExpressionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(limits);
        return new Evaluator(context, limits, _errorText).Evaluate(_root);
    }

    /// <summary>Evaluates with a caller-managed evaluator (its budget is shared by the expressions of one template).</summary>
    internal ExpressionValue Evaluate(Evaluator evaluator) => evaluator.Evaluate(_root);

    /// <inheritdoc/>
    public override string ToString() => Source;
}
