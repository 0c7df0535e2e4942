using Spectre.Console;

namespace OpenClaw.Cli;

/// <summary>Spectre consoles over the command's writers: colour only on a real terminal.</summary>
internal static class Consoles
{
    /// <remarks>
    /// Anything else (a file, a pipe, a test's writer) gets plain text and a wide fixed width, so scripts see no escape
    /// codes and table cells are not wrapped mid-value.
    /// </remarks>
    public static IAnsiConsole For(TextWriter writer)
    {
        bool terminal = (writer == Console.Out && !Console.IsOutputRedirected) || (writer == Console.Error && !Console.IsErrorRedirected);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = 240;
        return console;
    }
}
