using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;
using Spectre.Console;

namespace OpenClaw.Cli.Commands;

/// <summary>
/// <c>openclaw run FILE --input k=v</c>: runs a workflow in this process on an embedded database, shows each step as
/// it happens, prints the outputs as JSON and exits 0 only if the run succeeded.
/// </summary>
internal static class RunCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The workflow to run (.yaml, .yml or .json)." };
        var inputs = new Option<string[]>("--input", "-i") { Description = "An input as name=value; JSON values keep their type. Repeatable.", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var with = new Option<FileInfo[]>("--with") { Description = "Other workflow files the run may call as sub-workflows. Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Keep the run's database in this folder (default: a temporary folder, deleted afterwards)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the outputs." };
        var command = new Command("run", "Run a workflow locally with a live view of its steps.") { file, inputs, with, data, quiet };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(file)!, parse.GetValue(inputs) ?? [], parse.GetValue(with) ?? [], parse.GetValue(data), parse.GetValue(quiet),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(
        FileInfo file, string[] inputPairs, FileInfo[] others, DirectoryInfo? data, bool quiet, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            return await LoadAndRunAsync(file, inputPairs, others, data, quiet, output, error, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Interrupted before the execution started (while reading files or opening the database).
            error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
    }

    private static async Task<int> LoadAndRunAsync(
        FileInfo file, string[] inputPairs, FileInfo[] others, DirectoryInfo? data, bool quiet, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var definitions = new List<(FileInfo File, WorkflowDefinition Definition, string Text)>();
        var files = new List<(FileInfo File, string Text)>();
        var ids = new Dictionary<string, FileInfo>(StringComparer.Ordinal);
        foreach (var f in others.Prepend(file))
        {
            if (await ValidateCommand.ReadAsync(f, error, ct) is not { } text) return ExitCodes.InvalidInput;
            files.Add((f, text));
            if (WorkflowDefinitionParser.Parse(text, WorkflowDefinitionParser.DetectFormat(f.Name)).Definition is not { } d) continue;
            if (ids.TryGetValue(d.Id, out var first))
            {
                error.WriteLine($"error: {f.Name} and {first.Name} both define workflow '{d.Id}'; each file must have its own id");
                return ExitCodes.InvalidInput;
            }
            ids[d.Id] = f;
        }
        foreach (var (f, text) in files)
        {
            var result = ValidateCommand.Validate(text, f.Name, ids.ContainsKey);
            if (result.Errors.Count > 0)
            {
                ValidateCommand.PrintProblems(f, result.Errors, error);
                return ExitCodes.InvalidInput;
            }
            definitions.Add((f, result.Definition!, text));
        }

        System.Text.Json.Nodes.JsonObject inputs;
        try
        {
            inputs = InputArguments.Parse(inputPairs);
        }
        catch (FormatException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        var directory = data?.FullName ?? Path.Combine(Path.GetTempPath(), "openclaw-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var host = LocalRuntime.Build(directory, workers: 16, error);
            await host.StartAsync(ct);
            try
            {
                return await ExecuteAsync(host.Services, definitions.Select(d => (d.Definition, d.Text)).ToList(), inputs, quiet, output, error, ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (data is null) TryDelete(directory);
        }
    }

    private static async Task<int> ExecuteAsync(
        IServiceProvider services, List<(WorkflowDefinition Definition, string Text)> definitions, System.Text.Json.Nodes.JsonObject inputs,
        bool quiet, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var store = services.GetRequiredService<IWorkflowStore>();
        var time = services.GetRequiredService<TimeProvider>();
        foreach (var (definition, text) in definitions)
        {
            var now = time.GetUtcNow();
            var json = WorkflowDefinitionWriter.ToJson(definition);
            var existing = await store.GetAsync("default", definition.Id, ct);
            if (existing is null)
                await store.CreateAsync(new WorkflowRecord(definition.Id, "default", definition.Name, definition.Description, json, text, "draft", 1, null, now, now), ct);
            else if (existing.Definition != json)
                await store.UpdateAsync(existing with { Name = definition.Name, Description = definition.Description, Definition = json, Source = text, UpdatedAt = now }, existing.Version, ct);
        }

        var coordinator = services.GetRequiredService<ExecutionCoordinator>();
        var hub = services.GetRequiredService<ExecutionEventHub>();
        var console = Consoles.For(error);
        var printer = new ProgressPrinter(console);
        var executionId = Guid.CreateVersion7();
        using var subscription = hub.Subscribe(executionId);
        try
        {
            await coordinator.StartAsync(new StartExecutionRequest("default", definitions[0].Definition.Id, Inputs: inputs, Trigger: "cli", ExecutionId: executionId), ct);
        }
        catch (InputValidationException ex)
        {
            foreach (var problem in ex.Errors) error.WriteLine($"error: {problem.Path}: {problem.Message}");
            return ExitCodes.InvalidInput;
        }
        if (!quiet) console.MarkupLine($"[grey]execution {executionId}[/]");

        ExecutionRecord? finished = null;
        try
        {
            await foreach (var @event in subscription.Reader.ReadAllAsync(ct))
            {
                if (!quiet) printer.Print(@event);
                if (@event is ExecutionFinishedEvent done)
                {
                    finished = done.Execution;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            await coordinator.CancelAsync(executionId, "interrupted", CancellationToken.None);
            error.WriteLine("interrupted: execution cancelled");
            return ExitCodes.Interrupted;
        }

        if (finished is null) return ExitCodes.WorkflowFailed;
        if (finished.Status == ExecutionStatus.Succeeded)
        {
            output.WriteLine(JsonSerializer.Serialize(finished.Outputs, Indented));
            if (!quiet) console.MarkupLine($"[green]succeeded[/] in {(finished.CompletedAt - finished.StartedAt)?.TotalMilliseconds:0} ms");
            return ExitCodes.Success;
        }
        console.MarkupLine($"[red]{finished.Status.ToWire()}[/]: {Markup.Escape(finished.Error ?? "")}");
        return ExitCodes.WorkflowFailed;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
