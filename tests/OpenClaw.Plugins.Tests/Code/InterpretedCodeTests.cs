using System.Text.Json.Nodes;
using OpenClaw.Plugins.Code;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Code;

/// <summary>JavaScript through <c>node</c> and Python through <c>python3</c>, each in a child process.</summary>
public sealed class InterpretedCodeTests
{
    private readonly CodePlugin _plugin = new();

    private async Task<JsonNode?> Run(string language, string code, JsonObject? data = null, TestPluginContext? context = null, string? timeout = null)
    {
        var inputs = new JsonObject { ["code"] = code, ["language"] = language };
        if (data is not null) inputs["inputs"] = data;
        if (timeout is not null) inputs["timeout"] = timeout;
        var output = await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());
        return output["result"];
    }

    [InterpreterFact("node")]
    public async Task JavaScript_ReadsInputs_AndReturnsItsValue()
    {
        var result = await Run("javascript", """
            const total = inputs.items.reduce((sum, n) => sum + n, 0);
            return { total, upper: inputs.name.toUpperCase(), unicode: 'caf\u00e9' };
            """, new JsonObject { ["items"] = new JsonArray(1, 2, 3), ["name"] = "order" });

        Assert.Equal(6, (int)result!["total"]!);
        Assert.Equal("ORDER", (string?)result["upper"]);
        Assert.Equal("caf\u00e9", (string?)result["unicode"]);
    }

    [InterpreterFact("node")]
    public async Task JavaScript_AwaitsPromises_AndPrintedOutputGoesToTheLog_NotTheResult()
    {
        var context = new TestPluginContext();

        var result = await Run("javascript", """
            console.log('printed', 1);
            process.stdout.write('raw write\n');
            await new Promise((resolve) => setImmediate(resolve));
            return require('path').join('a', 'b');
            """, context: context);

        Assert.Equal("a/b", (string?)result);
        Assert.Contains(context.Log.Entries, e => e.Message == "printed 1");
        Assert.Contains(context.Log.Entries, e => e.Message == "raw write");
    }

    [InterpreterFact("node")]
    public async Task JavaScript_RuntimeError_FailsWithoutRetry_WithTypeAndLine()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("javascript", "const a = 1;\nconst b = null;\nreturn b.field;"));

        Assert.False(error.Retryable);
        Assert.StartsWith("JavaScript code threw TypeError at line 3:", error.Message, StringComparison.Ordinal);
    }

    [InterpreterFact("node")]
    public async Task JavaScript_SyntaxError_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("javascript", "const a = ;"));

        Assert.False(error.Retryable);
        Assert.StartsWith("JavaScript code does not compile at line 1:", error.Message, StringComparison.Ordinal);
    }

    [InterpreterFact("node")]
    public async Task JavaScript_NothingReturned_GivesNull()
    {
        Assert.Null(await Run("javascript", "const unused = 1;"));
    }

    [InterpreterFact("node")]
    public async Task JavaScript_InfiniteLoop_IsKilledAtTheTimeout_Retryably()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("javascript", "while (true) {}", timeout: "500ms"));

        Assert.True(error.Retryable);
        Assert.Equal("JavaScript code timed out after 500ms", error.Message);
    }

    [InterpreterFact("node")]
    public async Task JavaScript_ResultOverTheLimit_FailsWithoutRetry()
    {
        var plugin = new CodePlugin(new CodePluginOptions { MaxResultBytes = 1000 });

        var error = await Assert.ThrowsAsync<PluginException>(async () => await plugin.ExecuteAsync(
            new JsonObject { ["code"] = "return 'x'.repeat(100000);", ["language"] = "javascript" }, new TestPluginContext()));

        Assert.False(error.Retryable);
        Assert.Contains("more than 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [InterpreterFact("python3")]
    public async Task Python_ReadsInputs_AndReturnsItsValue()
    {
        var result = await Run("python", """
            total = sum(inputs["items"])
            if total > 100:
                return {"big": True}
            return {"total": total, "names": sorted({"b", "a"}), "text": "caf\u00e9"}
            """, new JsonObject { ["items"] = new JsonArray(1, 2, 3) });

        Assert.Equal(6, (int)result!["total"]!);
        Assert.Equal(["a", "b"], result["names"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("caf\u00e9", (string?)result["text"]);
    }

    [InterpreterFact("python3")]
    public async Task Python_PrintedOutputGoesToTheLog_NotTheResult()
    {
        var context = new TestPluginContext();

        var result = await Run("python", "print('hello', 42)\nreturn 'ok'", context: context);

        Assert.Equal("ok", (string?)result);
        Assert.Contains(context.Log.Entries, e => e.Message == "hello 42");
    }

    [InterpreterFact("python3")]
    public async Task Python_RuntimeError_FailsWithoutRetry_WithTypeAndLine()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("python", "a = 1\nb = {}\nreturn b['missing']"));

        Assert.False(error.Retryable);
        Assert.Equal("Python code threw KeyError at line 3: 'missing'", error.Message);
    }

    [InterpreterFact("python3")]
    public async Task Python_SyntaxError_FailsWithoutRetry_WithTheLine()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("python", "x = 1\ndef broken(:\n    pass"));

        Assert.False(error.Retryable);
        Assert.StartsWith("Python code does not compile at line 2:", error.Message, StringComparison.Ordinal);
    }

    [InterpreterFact("python3")]
    public async Task Python_UnserialisableResult_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("python", "return object()"));

        Assert.False(error.Retryable);
        Assert.Contains("cannot be converted to JSON", error.Message, StringComparison.Ordinal);
    }

    [InterpreterFact("python3")]
    public async Task Python_InfiniteLoop_IsKilledAtTheTimeout_Retryably()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("python", "while True:\n    pass", timeout: "500ms"));

        Assert.True(error.Retryable);
        Assert.Equal("Python code timed out after 500ms", error.Message);
    }

    [Fact]
    public async Task MissingInterpreter_FailsWithoutRetry_NamingTheProgram()
    {
        var plugin = new CodePlugin(new CodePluginOptions { NodePath = "/nonexistent/node" });

        var error = await Assert.ThrowsAsync<PluginException>(async () => await plugin.ExecuteAsync(
            new JsonObject { ["code"] = "return 1;", ["language"] = "javascript" }, new TestPluginContext()));

        Assert.False(error.Retryable);
        Assert.Contains("could not start '/nonexistent/node'", error.Message, StringComparison.Ordinal);
    }
}
