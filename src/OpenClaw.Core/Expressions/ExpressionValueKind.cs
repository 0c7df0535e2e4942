namespace OpenClaw.Core.Expressions;

/// <summary>The six kinds of value an expression works with (the JSON data model).</summary>
public enum ExpressionValueKind
{
    /// <summary>Absent or null data; also the default <see cref="ExpressionValue"/>.</summary>
    Null,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A number, held as a 64-bit integer when exact, otherwise as a double.</summary>
    Number,

    /// <summary>A string.</summary>
    String,

    /// <summary>An ordered list.</summary>
    Array,

    /// <summary>A map from names to values.</summary>
    Object,
}
