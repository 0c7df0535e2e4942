using System.Text;

namespace OpenClaw.Core.Expressions;

/// <summary>Builds JSON paths such as <c>$.a.b[2]</c> and <c>$['odd key']</c>, in the notation definition errors use.</summary>
internal static class JsonPathText
{
    public static string Property(string path, string name)
    {
        if (IsPlain(name))
            return $"{path}.{name}";
        var escaped = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (c is '\\' or '\'')
                escaped.Append('\\');
            escaped.Append(c);
        }

        return $"{path}['{escaped}']";
    }

    public static string Index(string path, int index) => $"{path}[{index}]";

    private static bool IsPlain(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
            return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                return false;
        }

        return true;
    }
}
