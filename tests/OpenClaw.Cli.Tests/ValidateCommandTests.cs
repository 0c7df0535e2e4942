using OpenClaw.Cli.Tests.Infrastructure;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("hello.yaml", 2)]
    [InlineData("order-pipeline.yaml", 13)]
    public async Task Validate_Sample_Exits0AndSaysValid(string sample, int steps)
    {
        var result = await CliRunner.RunAsync("validate", CliRunner.Sample(sample));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{sample}: valid ({steps} steps)", result.Out.Trim());
        Assert.Equal("", result.Err);
    }

    [Fact]
    public async Task Validate_JsonFile_IsReadAsJson()
    {
        var file = _files.Write("hello.json", Definitions.HelloJson("hello-json"));

        var result = await CliRunner.RunAsync("validate", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("valid", result.Out);
    }

    [Fact]
    public async Task Validate_FileWithErrors_Exits2AndPrintsEveryPathAndMessage()
    {
        var file = _files.Write("broken.json", Definitions.InvalidJson("broken"));

        var result = await CliRunner.RunAsync("validate", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("broken.json: 3 problems", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("$.steps[1].next_steps[0]: ", StringComparison.Ordinal) && l.Contains("nowhere"));
        Assert.Contains(lines, l => l.StartsWith("$.steps[0].config.plugin: ", StringComparison.Ordinal) && l.Contains("no-such-plugin"));
        Assert.Contains(lines, l => l.StartsWith("$.inputs[0].default: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_MalformedYaml_Exits2WithTheLine()
    {
        var file = _files.Write("bad.yaml", "id: bad\nsteps: [ { id: a\n  - nope: ]\n");

        var result = await CliRunner.RunAsync("validate", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("line", result.Err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Validate_MissingFile_Exits2()
    {
        var missing = Path.Combine(_files.Path, "nope.yaml");

        var result = await CliRunner.RunAsync("validate", missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("does not exist", result.Err);
        Assert.Contains(missing, result.Err);
    }

    [Fact]
    public async Task Validate_ADirectory_Exits2()
    {
        var result = await CliRunner.RunAsync("validate", _files.Path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error:", result.Err);
    }

    [Theory]
    [InlineData]
    [InlineData("validate")]
    [InlineData("frobnicate")]
    [InlineData("validate", "a.yaml", "b.yaml")]
    public async Task UsageError_Exits2WithAMessage(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error:", result.Err);
    }

    [Fact]
    public async Task Help_Exits0()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("validate", result.Out);
        Assert.Contains("run", result.Out);
    }
}
