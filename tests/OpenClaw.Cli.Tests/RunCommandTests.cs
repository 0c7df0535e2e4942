using System.Text.Json;
using OpenClaw.Cli.Tests.Infrastructure;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private const string GreeterYaml = """
        id: greeter
        name: Greeter
        inputs:
          - name: who
            type: string
            required: true
        steps:
          - id: shape
            type: plugin
            config:
              plugin: noop
              inputs:
                text: "Hi ${{ inputs.who }}"
        outputs:
          text: "${{ steps.shape.output.text }}"
        """;

    private const string ParentYaml = """
        id: parent
        name: Parent
        inputs:
          - name: who
            type: string
            default: team
        steps:
          - id: call
            type: subworkflow
            config:
              workflow: greeter
              inputs:
                who: "${{ inputs.who }}"
        outputs:
          from_child: "${{ steps.call.output.text }}"
        """;

    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Run_HelloSample_Exits0AndPrintsOutputsJsonOnStdout()
    {
        var result = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var outputs = Json(result.Out);
        Assert.Equal("Hello, world!", outputs.GetProperty("greeting").GetString());
        Assert.Contains("greet", result.Err);
        Assert.Contains("done", result.Err);
        Assert.Contains("succeeded", result.Err);
    }

    [Fact]
    public async Task Run_WithInput_PassesIt()
    {
        var result = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"), "--input", "who=Ada");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hello, Ada!", Json(result.Out).GetProperty("greeting").GetString());
    }

    [Fact]
    public async Task Run_Quiet_PrintsNoProgress()
    {
        var result = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"), "-q", "-i", "who=Q");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hello, Q!", Json(result.Out).GetProperty("greeting").GetString());
        Assert.Equal("", result.Err);
    }

    [Fact]
    public async Task Run_PluginWarnings_GoToStderr_SoStdoutStaysJson()
    {
        var file = _files.Write("warn.yaml", """
            id: warn
            name: Warns
            steps:
              - id: w
                type: plugin
                config:
                  plugin: log
                  inputs: { message: "careful now", level: warning }
            outputs:
              logged: "${{ steps.w.output.logged }}"
            """);

        var result = await CliRunner.RunAsync("run", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Json(result.Out).GetProperty("logged").GetBoolean());
        Assert.DoesNotContain("careful now", result.Out);
        Assert.Contains("careful now", result.Err);
    }

    [Fact]
    public async Task Run_FailingWorkflow_Exits1AndSaysWhy()
    {
        var file = _files.Write("fails.json", Definitions.FailingJson("fails"));

        var result = await CliRunner.RunAsync("run", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains("failed", result.Err);
        Assert.Contains("operations[0]", result.Err);
    }

    [Fact]
    public async Task Run_InvalidWorkflow_Exits2WithEveryProblem()
    {
        var file = _files.Write("broken.json", Definitions.InvalidJson("broken"));

        var result = await CliRunner.RunAsync("run", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("$.steps[1].next_steps[0]:", result.Err);
        Assert.Contains("$.steps[0].config.plugin:", result.Err);
    }

    [Fact]
    public async Task Run_MissingFile_Exits2()
    {
        var result = await CliRunner.RunAsync("run", Path.Combine(_files.Path, "missing.yaml"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("does not exist", result.Err);
    }

    [Theory]
    [InlineData("who")]
    [InlineData("=Ada")]
    public async Task Run_MalformedInputArgument_Exits2(string input)
    {
        var result = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"), "--input", input);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("name=value", result.Err);
    }

    [Theory]
    [InlineData("who=5", "$.inputs.who")]
    [InlineData("whom=Ada", "$.inputs.whom")]
    public async Task Run_InputThatDoesNotBind_Exits2NamingIt(string input, string path)
    {
        var result = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"), "--input", input);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(path, result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Run_JsonInputValue_KeepsItsType()
    {
        var file = _files.Write("count.json", Definitions.RequiredInputJson("count"));

        var ok = await CliRunner.RunAsync("run", file, "--input", "count=3");
        var missing = await CliRunner.RunAsync("run", file);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("$.inputs.count", missing.Err);
    }

    [Fact]
    public async Task Run_WithSubworkflowFile_RunsTheChild()
    {
        var parent = _files.Write("parent.yaml", ParentYaml);
        var child = _files.Write("greeter.yaml", GreeterYaml);

        var result = await CliRunner.RunAsync("run", parent, "--with", child, "--input", "who=Ann");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hi Ann", Json(result.Out).GetProperty("from_child").GetString());
    }

    [Fact]
    public async Task Run_SubworkflowWithoutItsFile_Exits2NamingTheStep()
    {
        var parent = _files.Write("parent.yaml", ParentYaml);

        var result = await CliRunner.RunAsync("run", parent);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("$.steps[0].config.workflow:", result.Err);
        Assert.Contains("greeter", result.Err);
    }

    [Fact]
    public async Task Run_TwoFilesWithTheSameId_Exits2()
    {
        var first = _files.Write("a.yaml", GreeterYaml);
        var second = _files.Write("b.yaml", GreeterYaml);

        var result = await CliRunner.RunAsync("run", first, "--with", second, "--input", "who=x");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("greeter", result.Err);
    }

    [Fact]
    public async Task Run_WithDataFolder_KeepsTheDatabaseAndRunsAgain()
    {
        var data = Path.Combine(_files.Path, "data");

        var first = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"), "--data", data, "-q");
        var second = await CliRunner.RunAsync("run", CliRunner.Sample("hello.yaml"), "--data", data, "-q", "-i", "who=again");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("Hello, again!", Json(second.Out).GetProperty("greeting").GetString());
        Assert.True(File.Exists(Path.Combine(data, "openclaw.db")));
    }

    [Fact]
    public async Task Run_Interrupted_CancelsTheExecutionAndExits130()
    {
        var file = _files.Write("slow.json", Definitions.DelayJson("slow", "30s"));
        using var interrupt = new CancellationTokenSource();
        var err = new ConcurrentStringWriter();

        var run = CliRunner.RunAsync(["run", file], interrupt.Token, err);
        await Poll.UntilAsync(() => Task.FromResult(err.ToString()), e => e.Contains("wait", StringComparison.Ordinal) || run.IsCompleted,
            what: "the delay step to be scheduled");
        await interrupt.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("interrupted", result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Run_InterruptedBeforeStarting_Exits130()
    {
        using var interrupt = new CancellationTokenSource();
        await interrupt.CancelAsync();

        var result = await CliRunner.RunAsync(["run", CliRunner.Sample("hello.yaml")], interrupt.Token);

        Assert.True(result.ExitCode == 130, result.ToString());
    }
}
