using System.Globalization;
using System.Text;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// Turns expression text into tokens on demand. In template mode it also finds the <c>}}</c> that closes a
/// <c>${{ }}</c> block, telling it apart from the braces of object literals by counting them.
/// </summary>
/// <remarks>
/// The lexer never reads past the expression's length limit, so a 10 MB string fails after at most
/// <see cref="ExpressionLimits.MaxSourceLength"/> characters. Inside a property name (right after a <c>.</c>) a
/// hyphen followed by a letter or underscore is part of the name, as in GitHub Actions, so step ids such as
/// <c>steps.fetch-data.output</c> read naturally; write <c>a.b - c</c> with spaces to subtract.
/// </remarks>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly int _end;
    private readonly bool _truncated;
    private readonly int _maxLength;
    private readonly bool _templateMode;
    private readonly int _startColumn;
    private int _position;
    private int _braceDepth;
    private TokenKind _previous = TokenKind.End;

    /// <param name="text">The whole text (a template string or an expression body).</param>
    /// <param name="start">Index of the first character of the expression body.</param>
    /// <param name="maxLength">Longest body allowed.</param>
    /// <param name="templateMode">Stop at the <c>}}</c> that closes a <c>${{</c> block.</param>
    /// <param name="startColumn">Column reported for errors about the whole expression (its <c>${{</c> in template mode).</param>
    public Lexer(string text, int start, int maxLength, bool templateMode, int startColumn)
    {
        _text = text;
        _position = start;
        _maxLength = maxLength;
        _templateMode = templateMode;
        _startColumn = startColumn;
        var limit = (long)start + maxLength + (templateMode ? 2 : 0);
        _truncated = limit < text.Length;
        _end = _truncated ? (int)limit : text.Length;
    }

    /// <summary>Whether the next non-blank character is <paramref name="c"/> (used to tell calls from context names).</summary>
    public bool NextNonBlankIs(char c)
    {
        var i = _position;
        while (i < _end && char.IsWhiteSpace(_text[i]))
            i++;
        return i < _end && _text[i] == c;
    }

    public Token Next()
    {
        var token = Scan();
        _previous = token.Kind;
        return token;
    }

    private Token Scan()
    {
        while (_position < _end && char.IsWhiteSpace(_text[_position]))
            _position++;
        if (_position >= _end)
            return EndOfInput();

        var start = _position;
        var c = _text[start];
        if (char.IsAsciiDigit(c))
            return ScanNumber();
        if (c is '\'' or '"')
            return ScanString();
        if (IsIdentifierStart(c))
            return ScanIdentifier();

        var next = start + 1 < _end ? _text[start + 1] : '\0';
        switch (c)
        {
            case '.': return Single(TokenKind.Dot);
            case ',': return Single(TokenKind.Comma);
            case ':': return Single(TokenKind.Colon);
            case '?': return Single(TokenKind.Question);
            case '(': return Single(TokenKind.LeftParen);
            case ')': return Single(TokenKind.RightParen);
            case '[': return Single(TokenKind.LeftBracket);
            case ']': return Single(TokenKind.RightBracket);
            case '{':
                _braceDepth++;
                return Single(TokenKind.LeftBrace);
            case '}':
                if (_templateMode && _braceDepth == 0 && next == '}')
                    return Double(TokenKind.TemplateEnd);
                if (_braceDepth > 0)
                    _braceDepth--;
                return Single(TokenKind.RightBrace);
            case '-': return Single(TokenKind.Minus);
            case '+': return Single(TokenKind.Plus);
            case '*': return Single(TokenKind.Star);
            case '/': return Single(TokenKind.Slash);
            case '%': return Single(TokenKind.Percent);
            case '!': return next == '=' ? Double(TokenKind.BangEqual) : Single(TokenKind.Bang);
            case '<': return next == '=' ? Double(TokenKind.LessOrEqual) : Single(TokenKind.Less);
            case '>': return next == '=' ? Double(TokenKind.GreaterOrEqual) : Single(TokenKind.Greater);
            case '=' when next == '=': return Double(TokenKind.EqualEqual);
            case '&' when next == '&': return Double(TokenKind.AndAnd);
            case '|' when next == '|': return Double(TokenKind.OrOr);
            case '=': throw Fail("unexpected character '=' (use '==' to compare)", start);
            case '&': throw Fail("unexpected character '&' (use '&&')", start);
            case '|': throw Fail("unexpected character '|' (use '||')", start);
            default:
                throw Fail($"unexpected character '{Printable(c)}'", start);
        }
    }

    private Token EndOfInput()
    {
        if (_truncated)
            throw TooLong();
        if (_templateMode)
            throw new ExpressionException("unterminated expression (missing '}}') starting", _startColumn, _text);
        return new Token(TokenKind.End, _position, 0);
    }

    private ExpressionException TooLong() =>
        new($"expression is longer than {_maxLength} characters", _startColumn, _text);

    private Token Single(TokenKind kind) => new(kind, _position++, 1);

    private Token Double(TokenKind kind)
    {
        var token = new Token(kind, _position, 2);
        _position += 2;
        return token;
    }

    private Token ScanNumber()
    {
        var start = _position;
        var isInteger = true;
        SkipDigits();
        if (_position + 1 < _end && _text[_position] == '.' && char.IsAsciiDigit(_text[_position + 1]))
        {
            isInteger = false;
            _position++;
            SkipDigits();
        }

        if (_position < _end && _text[_position] is 'e' or 'E')
        {
            var afterE = _position + 1;
            if (afterE < _end && _text[afterE] is '+' or '-')
                afterE++;
            if (afterE < _end && char.IsAsciiDigit(_text[afterE]))
            {
                isInteger = false;
                _position = afterE;
                SkipDigits();
            }
        }

        if (_position < _end && IsIdentifierPart(_text[_position]))
            throw Fail($"invalid number '{_text[start..(_position + 1)]}'", start);

        var span = _text.AsSpan(start, _position - start);
        ExpressionValue value;
        if (isInteger && long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            value = ExpressionValue.From(integer);
        }
        else
        {
            var d = double.Parse(span, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (double.IsInfinity(d))
                throw Fail($"number '{span}' is out of range", start);
            value = ExpressionValue.From(d);
        }

        return new Token(TokenKind.Number, start, _position - start, Value: value);
    }

    private void SkipDigits()
    {
        while (_position < _end && char.IsAsciiDigit(_text[_position]))
            _position++;
    }

    private Token ScanString()
    {
        var start = _position;
        var quote = _text[start];
        _position++;
        StringBuilder? builder = null;
        var runStart = _position;
        while (_position < _end)
        {
            var c = _text[_position];
            if (c == quote)
            {
                string value;
                if (builder is null)
                {
                    value = _text[runStart.._position];
                }
                else
                {
                    builder.Append(_text, runStart, _position - runStart);
                    value = builder.ToString();
                }

                _position++;
                return new Token(TokenKind.String, start, _position - start, Value: ExpressionValue.From(value));
            }

            if (c != '\\')
            {
                _position++;
                continue;
            }

            builder ??= new StringBuilder();
            builder.Append(_text, runStart, _position - runStart);
            builder.Append(ReadEscape());
            runStart = _position;
        }

        if (_truncated)
            throw TooLong();
        throw Fail("unterminated string starting", start);
    }

    /// <summary>Reads the escape sequence at the current backslash and returns the character(s) it stands for.</summary>
    private string ReadEscape()
    {
        var backslash = _position;
        if (backslash + 1 >= _end)
            throw _truncated ? TooLong() : Fail("unterminated escape sequence", backslash);
        var c = _text[backslash + 1];
        _position += 2;
        switch (c)
        {
            case '\\': return "\\";
            case '\'': return "'";
            case '"': return "\"";
            case '/': return "/";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'b': return "\b";
            case 'f': return "\f";
            case '0': return "\0";
            case 'u':
                if (_position + 4 <= _end && ushort.TryParse(_text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    _position += 4;
                    return ((char)code).ToString();
                }

                throw Fail("invalid escape sequence '\\u' (expected four hex digits)", backslash);
            default:
                throw Fail($"invalid escape sequence '\\{Printable(c)}'", backslash);
        }
    }

    private Token ScanIdentifier()
    {
        var start = _position;
        var isPropertyName = _previous == TokenKind.Dot;
        _position++;
        while (_position < _end)
        {
            var c = _text[_position];
            if (IsIdentifierPart(c))
            {
                _position++;
            }
            else if (c == '-' && isPropertyName && _position + 1 < _end && IsIdentifierStart(_text[_position + 1]))
            {
                _position += 2;
            }
            else
            {
                break;
            }
        }

        var text = _text[start.._position];
        var kind = text switch
        {
            "null" => TokenKind.Null,
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            _ => TokenKind.Identifier,
        };
        return new Token(kind, start, _position - start, Text: text);
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 127 && char.IsLetter(c));

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 127 && char.IsLetterOrDigit(c));

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();

    private ExpressionException Fail(string reason, int index) => new(reason, index + 1, _text);
}
