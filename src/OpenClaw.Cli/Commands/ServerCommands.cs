using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace OpenClaw.Cli.Commands;

/// <summary>Commands that talk to a running server: <c>workflows list</c>, <c>executions get ID</c>.</summary>
internal static class ServerCommands
{
    private static Option<bool> JsonOption() => ServerCall.JsonOption();

    public static Command CreateWorkflows()
    {
        var connection = new ServerConnectionOptions();
        var json = JsonOption();
        var search = new Option<string?>("--search") { Description = "Only workflows whose id or name contains this." };
        var list = new Command("list", "List the server's workflows.") { json, search };
        connection.AddTo(list);
        list.SetAction((parse, ct) => CallAsync(connection.GetServer(parse), connection.GetAuth(parse), BuildPath("workflows", ("search", parse.GetValue(search))), parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, RenderWorkflows, ct));
        return new Command("workflows", "Workflows stored on a server.") { list };
    }

    public static Command CreateExecutions()
    {
        var connection = new ServerConnectionOptions();
        var json = JsonOption();
        var id = new Argument<Guid>("id") { Description = "The execution id." };
        var get = new Command("get", "Show an execution with its step history.") { id, json };
        connection.AddTo(get);
        get.SetAction((parse, ct) => CallAsync(connection.GetServer(parse), connection.GetAuth(parse), $"executions/{parse.GetValue(id)}", parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, RenderExecution, ct));
        return new Command("executions", "Executions on a server.") { get };
    }

    private static string BuildPath(string path, params (string Name, string? Value)[] query) => ServerCall.BuildPath(path, query);

    private static Task<int> CallAsync(
        string server, ServerAuth auth, string path, bool raw, TextWriter output, TextWriter error, Action<JsonElement, IAnsiConsole> render,
        CancellationToken ct) =>
        ServerCall.SendAsync(server, auth, HttpMethod.Get, path, null, raw, output, error, render, ct);

    private static void RenderWorkflows(JsonElement page, IAnsiConsole console)
    {
        var table = new Table().AddColumns("id", "name", "status", "version", "updated");
        foreach (var w in page.GetProperty("items").EnumerateArray())
            table.AddRow(Text(w, "id"), Text(w, "name"), Text(w, "status"), Text(w, "version"), Text(w, "updated_at"));
        console.Write(table);
    }

    private static void RenderExecution(JsonElement e, IAnsiConsole console)
    {
        console.MarkupLine($"execution [bold]{Text(e, "id")}[/] of [bold]{Markup.Escape(Text(e, "workflow_id"))}[/] v{Text(e, "workflow_version")}: {Text(e, "status")}");
        if (e.TryGetProperty("error", out var err)) console.MarkupLine($"[red]{Markup.Escape(err.GetString() ?? "")}[/]");
        var table = new Table().AddColumns("step", "type", "status", "attempt", "error");
        foreach (var s in e.GetProperty("steps").EnumerateArray())
            table.AddRow(Markup.Escape(Text(s, "key")), Markup.Escape(Text(s, "type")), Text(s, "status"), Text(s, "attempt"), Markup.Escape(Text(s, "error")));
        console.Write(table);
        if (e.TryGetProperty("outputs", out var outputs)) console.WriteLine(JsonSerializer.Serialize(outputs, ServerCall.Indented));
    }

    private static string Text(JsonElement element, string property) => ServerCall.Text(element, property);
}
