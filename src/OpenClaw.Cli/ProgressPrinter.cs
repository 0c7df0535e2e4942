using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using Spectre.Console;

namespace OpenClaw.Cli;

/// <summary>Prints each step's progress as it commits: one line per change, coloured when the terminal allows.</summary>
internal sealed class ProgressPrinter(IAnsiConsole console)
{
    private readonly Dictionary<string, (StepRunStatus Status, int Attempt)> _seen = new(StringComparer.Ordinal);

    public void Print(ExecutionEvent @event)
    {
        if (@event is not StepChangedEvent { Step: var step }) return;
        if (_seen.TryGetValue(step.StepKey, out var last) && last.Status == step.Status && last.Attempt == step.Attempt) return;
        _seen[step.StepKey] = (step.Status, step.Attempt);

        var what = step.PluginName is null ? step.StepType : $"{step.StepType} {step.PluginName}";
        var name = Markup.Escape(step.StepKey);
        var detail = Markup.Escape(what);
        string line = step.Status switch
        {
            StepRunStatus.Queued when step.Attempt > 1 => $"[yellow]↻[/] {name} [grey]({detail})[/] retry {step.Attempt} at {step.RunAt:HH:mm:ss.fff}: [yellow]{Markup.Escape(step.Error ?? "")}[/]",
            StepRunStatus.Queued when step.RunAt > step.CreatedAt.AddMilliseconds(50) => $"[blue]…[/] {name} [grey]({detail})[/] due at {step.RunAt:HH:mm:ss}",
            StepRunStatus.Queued => $"[grey]·[/] {name} [grey]({detail}) queued[/]",
            StepRunStatus.Running => $"[blue]▶[/] {name} [grey]({detail})[/]",
            StepRunStatus.Waiting => $"[blue]▶[/] {name} [grey]({detail})[/] waiting",
            StepRunStatus.Succeeded => $"[green]✓[/] {name} [grey]({detail})[/]{Duration(step)}",
            StepRunStatus.Failed => $"[red]✗[/] {name} [grey]({detail})[/]{Duration(step)} [red]{Markup.Escape(step.Error ?? "")}[/]",
            StepRunStatus.Skipped => $"[grey]- {name} ({detail}) skipped[/]",
            StepRunStatus.Cancelled => $"[grey]⊘ {name} ({detail}) cancelled[/]",
            _ => name,
        };
        console.MarkupLine(line);
    }

    private static string Duration(StepRunRecord step) =>
        step.CompletedAt is { } done && step.StartedAt is { } started ? $" {(done - started).TotalMilliseconds:0} ms" : "";
}
