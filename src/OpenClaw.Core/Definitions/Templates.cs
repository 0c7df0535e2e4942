namespace OpenClaw.Core.Definitions;

/// <summary>Recognises template strings without parsing them (parsing belongs to <c>OpenClaw.Core.Expressions</c>).</summary>
internal static class Templates
{
    public const string Open = "${{";

    public static bool IsTemplate(string text) => text.Contains(Open, StringComparison.Ordinal);
}
