using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using static OpenClaw.Cli.Commands.ServerCall;

namespace OpenClaw.Cli.Commands;

/// <summary>
/// The scheduler on a server: <c>queues list|stats|pause|resume</c>, <c>failed list|show|requeue|discard</c> (dead
/// letters) and <c>schedules list|show|create|pause|resume|delete</c> (cron).
/// </summary>
internal static class SchedulerCommands
{
    private static readonly string[] Priorities = ["low", "normal", "high", "critical"];

    public static Command CreateQueues()
    {
        var name = new Argument<string>("name") { Description = "The queue's name (default, or a workflow's 'queue')." };
        return new Command("queues", "Named queues: depth per priority, pause and resume.")
        {
            Call("list", "List the queues with their depth and pause state.", [], _ => (HttpMethod.Get, "queues", null), RenderQueues),
            Call("stats", "Show the scheduler statistics.", [], _ => (HttpMethod.Get, "queues/stats", null), RenderStats),
            Call("pause", "Pause a queue: its tasks stay queued and are not started.", [name],
                p => (HttpMethod.Post, $"queues/{Uri.EscapeDataString(p.GetValue(name)!)}/pause", null), RenderQueue),
            Call("resume", "Resume a paused queue.", [name],
                p => (HttpMethod.Post, $"queues/{Uri.EscapeDataString(p.GetValue(name)!)}/resume", null), RenderQueue),
        };
    }

    public static Command CreateFailed()
    {
        var taskId = new Argument<Guid>("task-id") { Description = "The dead letter's task id (from 'failed list')." };
        var workflow = new Option<string?>("--workflow") { Description = "Only dead letters of this workflow." };
        var limit = new Option<int?>("--limit") { Description = "At most this many (1-500)." };
        var inputs = new Option<string?>("--inputs") { Description = "A JSON file whose object replaces the step's inputs." };
        return new Command("failed", "The failed queue: steps that failed for good, and their executions.")
        {
            Call("list", "List dead letters, newest first.", [workflow, limit],
                p => (HttpMethod.Get, BuildPath("queues/failed", ("workflow_id", p.GetValue(workflow)), ("limit", p.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null),
                RenderDeadLetters),
            Call("show", "Show a dead letter: last error, every attempt, the step's inputs.", [taskId],
                p => (HttpMethod.Get, $"queues/failed/{p.GetValue(taskId)}", null), RenderDeadLetter),
            Call("requeue", "Resume the execution from this step (with --inputs replacing its inputs).", [taskId, inputs],
                p =>
                {
                    var path = $"queues/failed/{p.GetValue(taskId)}/requeue";
                    if (p.GetValue(inputs) is not { } file) return (HttpMethod.Post, path, "{}");
                    var (json, error) = ReadObjectFile("--inputs", file);
                    return (HttpMethod.Post, path, $$"""{ "inputs": {{json ?? throw new CliInputException(error!)}} }""");
                },
                RenderRetry),
            Call("discard", "Remove a dead letter from the failed queue (its execution stays failed).", [taskId],
                p => (HttpMethod.Delete, $"queues/failed/{p.GetValue(taskId)}", null), (_, _) => { }, done: "discarded"),
        };
    }

    public static Command CreateSchedules()
    {
        var id = new Argument<Guid>("id") { Description = "The schedule's id." };
        var workflow = new Option<string?>("--workflow") { Description = "The workflow to run (for list: only its schedules)." };
        var count = new Option<int?>("--count") { Description = "How many next fire times to show (1-100, default 5)." };
        var cron = new Option<string?>("--cron") { Description = "5 fields (m h dom mon dow) or 6 with seconds first, e.g. '0 9 * * 1-5'." };
        var zone = new Option<string?>("--time-zone") { Description = "IANA time zone the cron is read in (default UTC)." };
        var inputs = new Option<string?>("--inputs") { Description = "A JSON file with the inputs of every run." };
        var priority = new Option<string?>("--priority") { Description = "low, normal (default), high or critical." };
        priority.AcceptOnlyFromAmong(Priorities);
        var misfire = new Option<string?>("--misfire-policy") { Description = "fire_once (default), skip or fire_all." };
        misfire.AcceptOnlyFromAmong("fire_once", "skip", "fire_all");
        var disabled = new Option<bool>("--disabled") { Description = "Create it paused." };
        return new Command("schedules", "Cron schedules that start workflows.")
        {
            Call("list", "List schedules.", [workflow], p => (HttpMethod.Get, BuildPath("schedules", ("workflow_id", p.GetValue(workflow))), null), RenderSchedules),
            Call("show", "Show a schedule and its next fire times.", [id, count],
                p => (HttpMethod.Get, BuildPath($"schedules/{p.GetValue(id)}", ("count", p.GetValue(count)?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null),
                RenderSchedule),
            Call("create", "Create a schedule.", [workflow, cron, zone, inputs, priority, misfire, disabled], p =>
            {
                if (p.GetValue(workflow) is not { Length: > 0 } workflowId) throw new CliInputException("--workflow is required.");
                if (p.GetValue(cron) is not { Length: > 0 } expression) throw new CliInputException("--cron is required.");
                var body = new JsonObject { ["workflow_id"] = workflowId, ["cron"] = expression };
                if (p.GetValue(zone) is { } z) body["time_zone"] = z;
                if (p.GetValue(priority) is { } pr) body["priority"] = pr;
                if (p.GetValue(misfire) is { } m) body["misfire_policy"] = m;
                if (p.GetValue(disabled)) body["enabled"] = false;
                if (p.GetValue(inputs) is { } file)
                {
                    var (json, error) = ReadObjectFile("--inputs", file);
                    body["inputs"] = JsonNode.Parse(json ?? throw new CliInputException(error!));
                }
                return (HttpMethod.Post, "schedules", body.ToJsonString());
            }, RenderSchedule),
            Call("pause", "Pause a schedule (no runs until resumed; missed times are not caught up).", [id],
                p => (HttpMethod.Post, $"schedules/{p.GetValue(id)}/pause", null), RenderSchedule),
            Call("resume", "Resume a paused schedule from now.", [id], p => (HttpMethod.Post, $"schedules/{p.GetValue(id)}/resume", null), RenderSchedule),
            Call("delete", "Delete a schedule.", [id], p => (HttpMethod.Delete, $"schedules/{p.GetValue(id)}", null), (_, _) => { }, done: "deleted"),
        };
    }

    /// <summary>A subcommand that sends one request built from its arguments and renders the answer.</summary>
    private static Command Call(
        string name, string description, Symbol[] symbols, Func<ParseResult, (HttpMethod Method, string Path, string? Body)> request,
        Action<JsonElement, IAnsiConsole> render, string? done = null)
    {
        var connection = new ServerConnectionOptions();
        var json = JsonOption();
        var command = new Command(name, description) { json };
        connection.AddTo(command);
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) command.Arguments.Add(argument);
            else if (symbol is Option option) command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            (HttpMethod Method, string Path, string? Body) call;
            try
            {
                call = request(parse);
            }
            catch (CliInputException ex)
            {
                error.WriteLine($"error: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
            return await SendAsync(connection.GetServer(parse), connection.GetAuth(parse), call.Method, call.Path, call.Body, parse.GetValue(json),
                parse.InvocationConfiguration.Output, error, render, ct, done);
        });
        return command;
    }

    private static void RenderQueues(JsonElement page, IAnsiConsole console)
    {
        var table = new Table().AddColumns("queue", "paused", "critical", "high", "normal", "low", "delayed", "running");
        foreach (var q in page.GetProperty("items").EnumerateArray()) AddQueueRow(table, q);
        console.Write(table);
    }

    private static void RenderQueue(JsonElement queue, IAnsiConsole console)
    {
        var table = new Table().AddColumns("queue", "paused", "critical", "high", "normal", "low", "delayed", "running");
        AddQueueRow(table, queue);
        console.Write(table);
    }

    private static void AddQueueRow(Table table, JsonElement q)
    {
        var depth = q.GetProperty("depth");
        table.AddRow(Markup.Escape(Text(q, "name")), Text(q, "paused") == "true" ? "[yellow]paused[/]" : "no", Text(depth, "critical"),
            Text(depth, "high"), Text(depth, "normal"), Text(depth, "low"), Text(q, "delayed"), Text(q, "running"));
    }

    private static void RenderStats(JsonElement s, IAnsiConsole console)
    {
        var table = new Table().AddColumns("statistic", "value");
        foreach (var name in new[] { "submitted", "completed", "failed", "retried", "delayed", "running", "dead_letters" })
            table.AddRow(name, Text(s, name));
        var depth = s.GetProperty("depth");
        foreach (var priority in Priorities.Reverse()) table.AddRow($"queued ({priority})", Text(depth, priority));
        console.Write(table);
    }

    private static void RenderDeadLetters(JsonElement page, IAnsiConsole console)
    {
        var table = new Table().AddColumns("task", "execution", "workflow", "step", "attempts", "failed at", "last error");
        foreach (var d in page.GetProperty("items").EnumerateArray())
            table.AddRow(Text(d, "task_id"), Text(d, "execution_id"), Markup.Escape(Text(d, "workflow_id")), Markup.Escape(Text(d, "step_key")),
                Text(d, "attempts"), Text(d, "failed_at"), Markup.Escape(Text(d, "last_error")));
        console.Write(table);
        if (page.TryGetProperty("next_cursor", out var next)) console.MarkupLine($"more: --cursor {Markup.Escape(next.GetString() ?? "")}");
    }

    private static void RenderDeadLetter(JsonElement d, IAnsiConsole console)
    {
        console.MarkupLine($"dead letter [bold]{Text(d, "task_id")}[/]: step [bold]{Markup.Escape(Text(d, "step_key"))}[/] of execution {Text(d, "execution_id")} ({Markup.Escape(Text(d, "workflow_id"))} v{Text(d, "workflow_version")})");
        console.MarkupLine($"[red]{Markup.Escape(Text(d, "last_error"))}[/]");
        var table = new Table().AddColumns("attempt", "status", "started", "finished", "worker", "error");
        foreach (var a in d.GetProperty("history").EnumerateArray())
            table.AddRow(Text(a, "attempt"), Text(a, "status"), Text(a, "started_at"), Text(a, "finished_at"), Markup.Escape(Text(a, "worker")), Markup.Escape(Text(a, "error")));
        console.Write(table);
        if (d.TryGetProperty("inputs", out var inputs)) console.WriteLine("inputs: " + JsonSerializer.Serialize(inputs, Indented));
    }

    private static void RenderRetry(JsonElement r, IAnsiConsole console) =>
        console.MarkupLine($"execution [bold]{Text(r, "execution_id")}[/] resumed from its failed step");

    private static void RenderSchedules(JsonElement page, IAnsiConsole console)
    {
        var table = new Table().AddColumns("id", "workflow", "cron", "time zone", "enabled", "next fire");
        foreach (var s in page.GetProperty("items").EnumerateArray())
            table.AddRow(Text(s, "id"), Markup.Escape(Text(s, "workflow_id")), Markup.Escape(Text(s, "cron")), Markup.Escape(Text(s, "time_zone")),
                Text(s, "enabled"), Text(s, "next_fire_at"));
        console.Write(table);
    }

    private static void RenderSchedule(JsonElement s, IAnsiConsole console)
    {
        console.MarkupLine($"schedule [bold]{Text(s, "id")}[/]: {Markup.Escape(Text(s, "workflow_id"))} at '{Markup.Escape(Text(s, "cron"))}' ({Markup.Escape(Text(s, "time_zone"))}), {(Text(s, "enabled") == "true" ? "enabled" : "[yellow]paused[/]")}, priority {Text(s, "priority")}, misfire {Text(s, "misfire_policy")}");
        foreach (var t in s.GetProperty("next_fire_times").EnumerateArray()) console.WriteLine("  next: " + t.GetString());
    }
}

/// <summary>A command's own arguments are unusable (a missing option, an unreadable file).</summary>
internal sealed class CliInputException(string message) : Exception(message);
