using System.Runtime.CompilerServices;

namespace OpenClaw.Core.Expressions;

/// <summary>The tree and facts the parser produces for one expression body.</summary>
/// <param name="BodyEnd">Index just past the body (where <c>}}</c> starts in template mode).</param>
/// <param name="End">Index just past the expression (past <c>}}</c> in template mode).</param>
internal sealed record ParsedExpression(ExpressionNode Root, string[] Contexts, string[] Steps, int BodyEnd, int End);

/// <summary>
/// Recursive-descent parser. Every construct that nests (parentheses, calls, array and object literals,
/// unary operators, ternaries, property and index chains) passes through <see cref="Enter"/>, which enforces
/// <see cref="ExpressionLimits.MaxDepth"/>; runs of binary operators are parsed in loops, so neither parsing
/// nor evaluation can recurse deeper than the limit allows.
/// </summary>
/// <remarks>
/// Precedence, lowest first: <c>?:</c> (right-associative), <c>||</c>, <c>&amp;&amp;</c>, <c>== !=</c>,
/// <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>, <c>* / %</c>, unary <c>! -</c>, then <c>.name</c>, <c>[index]</c>.
/// Function names are resolved and their arity checked here, so a typo fails when the workflow is validated.
/// </remarks>
internal sealed class Parser
{
    private readonly Lexer _lexer;
    private readonly ExpressionLimits _limits;
    private readonly string _text;
    private readonly HashSet<string> _contexts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _steps = new(StringComparer.Ordinal);
    private Token _current;
    private int _depth;

    private Parser(string text, int start, bool templateMode, int startColumn, ExpressionLimits limits)
    {
        _text = text;
        _limits = limits;
        _lexer = new Lexer(text, start, limits.MaxSourceLength, templateMode, startColumn);
    }

    /// <summary>Parses a whole string as one expression body.</summary>
    public static ParsedExpression ParseStandalone(string source, ExpressionLimits limits)
    {
        if (source.Length > limits.MaxSourceLength)
            throw new ExpressionException($"expression is longer than {limits.MaxSourceLength} characters", 1, source);
        var parser = new Parser(source, 0, templateMode: false, startColumn: 1, limits);
        return parser.ParseBody(TokenKind.End);
    }

    /// <summary>Parses the body of a <c>${{ }}</c> block starting at <paramref name="bodyStart"/>, up to its closing <c>}}</c>.</summary>
    public static ParsedExpression ParseEmbedded(string text, int bodyStart, int openColumn, ExpressionLimits limits)
    {
        var parser = new Parser(text, bodyStart, templateMode: true, openColumn, limits);
        return parser.ParseBody(TokenKind.TemplateEnd);
    }

    private ParsedExpression ParseBody(TokenKind terminator)
    {
        Advance();
        if (_current.Kind == terminator)
            throw Fail("expression is empty", _current.Column);
        var root = ParseExpression();
        if (_current.Kind != terminator)
        {
            throw terminator == TokenKind.End
                ? Fail($"unexpected {Describe(_current)}", _current.Column)
                : Fail($"expected '}}}}' but found {Describe(_current)}", _current.Column);
        }

        return new ParsedExpression(root, [.. _contexts], [.. _steps], _current.Start, _current.Start + _current.Length);
    }

    private ExpressionNode ParseExpression() => ParseConditional();

    private ExpressionNode ParseConditional()
    {
        var condition = ParseLogical(isAnd: false);
        if (_current.Kind != TokenKind.Question)
            return condition;

        var column = _current.Column;
        Advance();
        Enter(column);
        var whenTrue = ParseConditional();
        Expect(TokenKind.Colon, "':'");
        var whenFalse = ParseConditional();
        Exit();
        return new ConditionalNode(condition, whenTrue, whenFalse, column);
    }

    private ExpressionNode ParseLogical(bool isAnd)
    {
        var first = isAnd ? ParseBinary(0) : ParseLogical(isAnd: true);
        var kind = isAnd ? TokenKind.AndAnd : TokenKind.OrOr;
        if (_current.Kind != kind)
            return first;

        var column = _current.Column;
        var operands = new List<ExpressionNode> { first };
        while (_current.Kind == kind)
        {
            Advance();
            operands.Add(isAnd ? ParseBinary(0) : ParseLogical(isAnd: true));
        }

        return new LogicalNode(isAnd, [.. operands], column);
    }

    /// <summary>Levels: 0 equality, 1 relational, 2 additive, 3 multiplicative.</summary>
    private ExpressionNode ParseBinary(int level)
    {
        var first = ParseOperand(level);
        if (!TryGetOperator(level, _current.Kind, out _))
            return first;

        var rest = new List<BinaryOperand>();
        while (TryGetOperator(level, _current.Kind, out var op))
        {
            var column = _current.Column;
            Advance();
            rest.Add(new BinaryOperand(op, ParseOperand(level), column));
        }

        return new BinaryChainNode(first, [.. rest], rest[0].Column);
    }

    private ExpressionNode ParseOperand(int level) => level == 3 ? ParseUnary() : ParseBinary(level + 1);

    private static bool TryGetOperator(int level, TokenKind kind, out BinaryOperator op)
    {
        (op, var found) = (level, kind) switch
        {
            (0, TokenKind.EqualEqual) => (BinaryOperator.Equal, true),
            (0, TokenKind.BangEqual) => (BinaryOperator.NotEqual, true),
            (1, TokenKind.Less) => (BinaryOperator.Less, true),
            (1, TokenKind.LessOrEqual) => (BinaryOperator.LessOrEqual, true),
            (1, TokenKind.Greater) => (BinaryOperator.Greater, true),
            (1, TokenKind.GreaterOrEqual) => (BinaryOperator.GreaterOrEqual, true),
            (2, TokenKind.Plus) => (BinaryOperator.Add, true),
            (2, TokenKind.Minus) => (BinaryOperator.Subtract, true),
            (3, TokenKind.Star) => (BinaryOperator.Multiply, true),
            (3, TokenKind.Slash) => (BinaryOperator.Divide, true),
            (3, TokenKind.Percent) => (BinaryOperator.Modulo, true),
            _ => (default(BinaryOperator), false),
        };
        return found;
    }

    private ExpressionNode ParseUnary()
    {
        if (_current.Kind is not (TokenKind.Bang or TokenKind.Minus))
            return ParsePostfix();

        var op = _current.Kind == TokenKind.Bang ? UnaryOperator.Not : UnaryOperator.Negate;
        var column = _current.Column;
        Advance();
        Enter(column);
        var operand = ParseUnary();
        Exit();
        if (op == UnaryOperator.Negate && operand is LiteralNode { Value.Kind: ExpressionValueKind.Number } literal)
            return new LiteralNode(Operators.Negate(literal.Value), column);
        return new UnaryNode(op, operand, column);
    }

    private ExpressionNode ParsePostfix()
    {
        var node = ParsePrimary();
        var levels = 0;
        var readsSteps = node is ContextNode { Name: "steps" };
        while (_current.Kind is TokenKind.Dot or TokenKind.LeftBracket)
        {
            var column = _current.Column;
            Enter(column);
            levels++;
            if (_current.Kind == TokenKind.Dot)
            {
                Advance();
                if (_current.Kind is not (TokenKind.Identifier or TokenKind.Null or TokenKind.True or TokenKind.False))
                    throw Fail($"expected a property name after '.' but found {Describe(_current)}", _current.Column);
                var name = _current.Text!;
                Advance();
                if (readsSteps)
                    _steps.Add(name);
                node = new MemberNode(node, name, column);
            }
            else
            {
                Advance();
                var index = ParseExpression();
                Expect(TokenKind.RightBracket, "']'");
                if (readsSteps && index is LiteralNode { Value.Kind: ExpressionValueKind.String } key)
                    _steps.Add(key.Value.GetString());
                node = new IndexNode(node, index, column);
            }

            readsSteps = false;
        }

        _depth -= levels;
        return node;
    }

    private ExpressionNode ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.Number:
            case TokenKind.String:
                Advance();
                return new LiteralNode(token.Value, token.Column);
            case TokenKind.Null:
                Advance();
                return new LiteralNode(ExpressionValue.Null, token.Column);
            case TokenKind.True:
            case TokenKind.False:
                Advance();
                return new LiteralNode(ExpressionValue.From(token.Kind == TokenKind.True), token.Column);
            case TokenKind.Identifier:
                if (_lexer.NextNonBlankIs('('))
                    return ParseCall();
                Advance();
                _contexts.Add(token.Text!);
                return new ContextNode(token.Text!, token.Column);
            case TokenKind.LeftParen:
                Advance();
                Enter(token.Column);
                var inner = ParseExpression();
                Expect(TokenKind.RightParen, "')'");
                Exit();
                return inner;
            case TokenKind.LeftBracket:
                return ParseArray();
            case TokenKind.LeftBrace:
                return ParseObject();
            default:
                throw Fail($"expected an expression but found {Describe(token)}", token.Column);
        }
    }

    private CallNode ParseCall()
    {
        var name = _current.Text!;
        var column = _current.Column;
        if (!BuiltinFunctions.TryGet(name, out var function))
            throw Fail($"unknown function '{name}'", column);

        Advance();
        Advance();
        Enter(column);
        var arguments = new List<ExpressionNode>();
        if (_current.Kind != TokenKind.RightParen)
        {
            do
            {
                arguments.Add(ParseExpression());
            }
            while (TryConsume(TokenKind.Comma));
        }

        Expect(TokenKind.RightParen, "')'");
        Exit();
        if (arguments.Count < function.MinArguments || arguments.Count > function.MaxArguments)
            throw Fail($"function '{function.Name}' expects {function.DescribeArity()} but got {arguments.Count}", column);
        return new CallNode(function, [.. arguments], column);
    }

    private ArrayNode ParseArray()
    {
        var column = _current.Column;
        Advance();
        Enter(column);
        var items = new List<ExpressionNode>();
        if (_current.Kind != TokenKind.RightBracket)
        {
            do
            {
                items.Add(ParseExpression());
            }
            while (TryConsume(TokenKind.Comma));
        }

        Expect(TokenKind.RightBracket, "']'");
        Exit();
        return new ArrayNode([.. items], column);
    }

    private ObjectNode ParseObject()
    {
        var column = _current.Column;
        Advance();
        Enter(column);
        var members = new List<KeyValuePair<string, ExpressionNode>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (_current.Kind != TokenKind.RightBrace)
        {
            do
            {
                var keyToken = _current;
                var key = keyToken.Kind switch
                {
                    TokenKind.Identifier or TokenKind.Null or TokenKind.True or TokenKind.False => keyToken.Text!,
                    TokenKind.String => keyToken.Value.GetString(),
                    _ => throw Fail($"expected a property name but found {Describe(keyToken)}", keyToken.Column),
                };
                if (!seen.Add(key))
                    throw Fail($"duplicate key '{key}'", keyToken.Column);
                Advance();
                Expect(TokenKind.Colon, "':'");
                members.Add(new(key, ParseExpression()));
            }
            while (TryConsume(TokenKind.Comma));
        }

        Expect(TokenKind.RightBrace, "'}'");
        Exit();
        return new ObjectNode([.. members], column);
    }

    private void Enter(int column)
    {
        if (++_depth > _limits.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Fail($"expression too deeply nested (limit {_limits.MaxDepth})", column);
    }

    private void Exit() => _depth--;

    private void Advance() => _current = _lexer.Next();

    private bool TryConsume(TokenKind kind)
    {
        if (_current.Kind != kind)
            return false;
        Advance();
        return true;
    }

    private void Expect(TokenKind kind, string display)
    {
        if (_current.Kind != kind)
            throw Fail($"expected {display} but found {Describe(_current)}", _current.Column);
        Advance();
    }

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.TemplateEnd => "'}}'",
        TokenKind.Number => $"number {_text.AsSpan(token.Start, token.Length)}",
        TokenKind.String => "a string",
        _ => $"'{_text.AsSpan(token.Start, token.Length)}'",
    };

    private ExpressionException Fail(string reason, int column) => new(reason, column, _text);
}
