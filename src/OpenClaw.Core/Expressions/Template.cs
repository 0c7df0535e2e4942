namespace OpenClaw.Core.Expressions;

/// <summary>
/// A string that may embed expressions, e.g. <c>"Hello ${{ inputs.name }}!"</c>. Parsed once, immutable,
/// safe to evaluate from many threads.
/// </summary>
/// <remarks>
/// <para>When the whole string is a single <c>${{ expr }}</c> (blanks around it allowed) evaluation returns the typed
/// value, so <c>"${{ steps.list.output.items }}"</c> stays an array. Otherwise each expression is converted to text
/// (null as "", arrays and objects as compact JSON) and spliced into the literal parts.</para>
/// <para>The closing <c>}}</c> is found by the lexer, so braces inside string and object literals do not end the block.
/// There is no escape for a literal <c>${{</c>; write <c>${{ '${{' }}</c>.</para>
/// </remarks>
public sealed class Template
{
    private readonly TemplatePart[] _parts;
    private readonly Expression? _single;

    private Template(string text, TemplatePart[] parts, Expression[] expressions, Expression? single, ExpressionLimits limits)
    {
        Text = text;
        _parts = parts;
        Expressions = expressions;
        _single = single;
        Limits = limits;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>True when the text has no <c>${{ }}</c>, so evaluating it returns the text unchanged.</summary>
    public bool IsLiteral => Expressions.Count == 0;

    /// <summary>The embedded expressions in order, for validation (contexts and steps they read).</summary>
    public IReadOnlyList<Expression> Expressions { get; }

    /// <summary>The limits it was parsed with, also used by <see cref="Evaluate(IExpressionContext)"/>.</summary>
    public ExpressionLimits Limits { get; }

    /// <summary>Parses a template with the default limits.</summary>
    /// <exception cref="ExpressionException">An embedded expression is invalid; the column counts from the start of <paramref name="text"/>.</exception>
    public static Template Parse(string text) => Parse(text, ExpressionLimits.Default);

    /// <summary>Parses a template; <see cref="ExpressionLimits.MaxSourceLength"/> applies to each embedded expression, not to the literal text.</summary>
    /// <exception cref="ExpressionException">An embedded expression is invalid; the column counts from the start of <paramref name="text"/>.</exception>
    public static Template Parse(string text, ExpressionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);

        var parts = new List<TemplatePart>();
        var expressions = new List<Expression>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("${{", position, StringComparison.Ordinal);
            if (open < 0)
                break;
            if (open > position)
                parts.Add(new TemplatePart(text[position..open], null));
            var (expression, end) = Expression.ParseEmbedded(text, open + 3, open + 1, limits);
            parts.Add(new TemplatePart(null, expression));
            expressions.Add(expression);
            position = end;
        }

        if (position < text.Length)
            parts.Add(new TemplatePart(text[position..], null));

        Expression? single = null;
        if (expressions.Count == 1 && parts.TrueForAll(p => p.Expression is not null || string.IsNullOrWhiteSpace(p.Literal)))
            single = expressions[0];
        return new Template(text, [.. parts], [.. expressions], single, limits);
    }

    /// <summary>Evaluates with the limits the template was parsed with; the step budget is shared by all its expressions.</summary>
    /// <exception cref="ExpressionException">An expression failed, or the spliced result is too long.</exception>
    public ExpressionValue Evaluate(IExpressionContext context) => Evaluate(context, Limits);

    /// <summary>Evaluates with explicit limits.</summary>
    /// <exception cref="ExpressionException">An expression failed, or the spliced result is too long.</exception>
    public ExpressionValue Evaluate(IExpressionContext context, ExpressionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(limits);
        if (IsLiteral)
            return ExpressionValue.From(Text);
        return Evaluate(new Evaluator(context, limits, Text));
    }

    /// <summary>Evaluates with a caller-managed evaluator whose text is already <see cref="Text"/>.</summary>
    internal ExpressionValue Evaluate(Evaluator evaluator)
    {
        if (_single is not null)
            return _single.Evaluate(evaluator);
        if (IsLiteral)
            return ExpressionValue.From(Text);

        var pieces = new string[_parts.Length];
        long length = 0;
        for (var i = 0; i < _parts.Length; i++)
        {
            var part = _parts[i];
            if (part.Expression is { } expression)
            {
                var value = expression.Evaluate(evaluator);
                pieces[i] = ValueJson.ToDisplayString(value, evaluator, expression.Column);
                length += pieces[i].Length;
                evaluator.CheckStringLength(length, expression.Column);
                evaluator.ChargeCharacters(pieces[i].Length, expression.Column);
            }
            else
            {
                pieces[i] = part.Literal!;
                length += pieces[i].Length;
            }
        }

        evaluator.CheckStringLength(length, 1);
        return ExpressionValue.From(string.Concat(pieces));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Either literal text or an expression.</summary>
    private readonly record struct TemplatePart(string? Literal, Expression? Expression);
}
