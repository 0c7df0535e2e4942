namespace OpenClaw.Core.Expressions;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>End of a standalone expression.</summary>
    End,

    /// <summary>The closing <c>}}</c> of a <c>${{ }}</c> block (template mode only).</summary>
    TemplateEnd,
    Number,
    String,
    Identifier,
    Null,
    True,
    False,
    Dot,
    Comma,
    Colon,
    Question,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    Bang,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    EqualEqual,
    BangEqual,
    AndAnd,
    OrOr,
}

/// <summary>
/// One token. <see cref="Text"/> holds identifier names (keywords included); <see cref="Value"/> holds the value
/// of number and string literals.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, string? Text = null, ExpressionValue Value = default)
{
    /// <summary>1-based column of the first character.</summary>
    public int Column => Start + 1;
}
