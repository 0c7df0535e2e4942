namespace OpenClaw.Core.Expressions;

/// <summary>
/// A string found by <see cref="TemplateResolver.Scan(System.Text.Json.JsonElement, string)"/> that contains <c>${{</c>:
/// either its parsed <see cref="Template"/> or the syntax <see cref="Error"/> (whose <see cref="ExpressionException.Path"/> is <see cref="Path"/>).
/// </summary>
/// <param name="Path">JSON path of the string, e.g. <c>$.steps[2].config.url</c>.</param>
/// <param name="Template">The parsed template, or null when parsing failed.</param>
/// <param name="Error">The syntax error, or null when parsing succeeded.</param>
public readonly record struct TemplateScanEntry(string Path, Template? Template, ExpressionException? Error);
