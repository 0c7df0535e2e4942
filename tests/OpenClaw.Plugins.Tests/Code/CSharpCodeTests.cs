using System.Text.Json.Nodes;
using OpenClaw.Plugins.Code;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Code;

/// <summary>C# scripts through Roslyn: results, errors with positions, and the compiled-script cache.</summary>
public sealed class CSharpCodeTests
{
    private readonly CodePlugin _plugin = new();

    private async Task<JsonNode?> Run(string code, JsonObject? data = null, TestPluginContext? context = null)
    {
        var inputs = new JsonObject { ["code"] = code, ["language"] = "csharp" };
        if (data is not null) inputs["inputs"] = data;
        var output = await _plugin.ExecuteAsync(inputs, context ?? new TestPluginContext());
        return output["result"];
    }

    [Fact]
    public async Task Script_ReadsInputs_AndReturnsItsValue()
    {
        var result = await Run("""
            var items = inputs["items"]!.AsArray().Select(n => (int)n!).ToList();
            return new { total = items.Sum(), count = items.Count, name = (string?)inputs["name"] };
            """, new JsonObject { ["items"] = new JsonArray(1, 2, 3, 4), ["name"] = "order" });

        Assert.Equal(10, (int)result!["total"]!);
        Assert.Equal(4, (int)result["count"]!);
        Assert.Equal("order", (string?)result["name"]);
    }

    [Fact]
    public async Task FinalExpression_IsTheResult()
    {
        Assert.Equal(42, (int)(await Run("6 * 7"))!);
    }

    [Fact]
    public async Task ReturningAJsonNodeFromInputs_GivesACopy()
    {
        var result = await Run("return inputs[\"nested\"];", new JsonObject { ["nested"] = new JsonObject { ["a"] = 1 } });

        Assert.Equal("""{"a":1}""", result!.ToJsonString());
        Assert.Null(result.Parent?.Parent); // detached from the inputs
    }

    [Fact]
    public async Task NoReturn_GivesNull_AndLoggerWritesToTheStepLog()
    {
        var context = new TestPluginContext();

        var result = await Run("logger.LogInformation(\"hello from {Who}\", \"script\");", context: context);

        Assert.Null(result);
        Assert.Contains(context.Log.Entries, e => e.Message == "hello from script");
    }

    [Fact]
    public async Task AsyncCode_IsAwaited()
    {
        var result = await Run("await Task.Yield(); return \"done\";");

        Assert.Equal("done", (string?)result);
    }

    [Fact]
    public async Task CompileError_FailsWithoutRetry_GivingLineAndColumn()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("var a = 1;\nvar b = a + missing;\nreturn b;"));

        Assert.False(error.Retryable);
        Assert.StartsWith("C# code does not compile: line 2, column 13: CS0103:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuntimeException_FailsWithoutRetry_NamingTheTypeAndLine()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("var x = 1;\nthrow new InvalidOperationException(\"bad state\");"));

        Assert.False(error.Retryable);
        Assert.Equal("C# code threw InvalidOperationException at line 2: bad state", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task PluginExceptionThrownByTheScript_KeepsItsRetryClassification()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Run("throw new PluginException(\"upstream busy\", retryable: true);"));

        Assert.True(error.Retryable);
        Assert.Equal("upstream busy", error.Message);
    }

    [Fact]
    public async Task SameSource_IsCompiledOnce_DifferentSourceAgain()
    {
        const string code = "return (int)inputs[\"n\"]! * 2;";

        var first = await Run(code, new JsonObject { ["n"] = 1 });
        var second = await Run(code, new JsonObject { ["n"] = 5 });
        Assert.Equal(1, _plugin.CSharpCompilations);

        await Run(code + " // another source", new JsonObject { ["n"] = 3 });
        Assert.Equal(2, _plugin.CSharpCompilations);
        Assert.Equal(2, (int)first!);
        Assert.Equal(10, (int)second!);
    }

    [Fact]
    public async Task ConcurrentCallsWithTheSameSource_CompileItOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Run("return (int)inputs[\"i\"]! + 100;", new JsonObject { ["i"] = i })));

        Assert.Equal(Enumerable.Range(100, 8), results.Select(r => (int)r!));
        Assert.Equal(1, _plugin.CSharpCompilations);
    }

    [Fact]
    public async Task CompileErrors_AreCachedToo()
    {
        await Assert.ThrowsAsync<PluginException>(() => Run("this is not C#"));
        await Assert.ThrowsAsync<PluginException>(() => Run("this is not C#"));

        Assert.Equal(1, _plugin.CSharpCompilations);
    }

    [Fact]
    public async Task Cache_IsBounded_EvictingTheLeastRecentlyUsedSource()
    {
        var plugin = new CodePlugin(new CodePluginOptions { MaxCachedScripts = 2 });
        Task Run(string code) => plugin.ExecuteAsync(new JsonObject { ["code"] = code }, new TestPluginContext()).AsTask();

        await Run("1");
        await Run("2");
        await Run("1");   // cached; "2" is now least recently used
        await Run("3");   // evicts "2"
        await Run("1");   // still cached
        Assert.Equal(3, plugin.CSharpCompilations);

        await Run("2");   // compiled again
        Assert.Equal(4, plugin.CSharpCompilations);
    }

    [Fact]
    public async Task Timeout_EndsALongRunningScript_Retryably()
    {
        var error = await Assert.ThrowsAsync<PluginException>(async () => await _plugin.ExecuteAsync(new JsonObject
        {
            ["code"] = "await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken); return 1;",
            ["timeout"] = "200ms",
        }, new TestPluginContext()));

        Assert.True(error.Retryable);
        Assert.Equal("C# code timed out after 200ms", error.Message);
    }

    [Fact]
    public async Task Cancellation_SurfacesAsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var running = Run("await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken); return 1;",
            context: new TestPluginContext { Token = cancellation.Token });
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Theory]
    [InlineData("language", "ruby", "input 'language' must be csharp, javascript or python")]
    [InlineData("timeout", "later", "input 'timeout' must be a positive duration")]
    public async Task InvalidInputs_FailWithoutRetry(string input, string value, string message)
    {
        var inputs = new JsonObject { ["code"] = "1" };
        inputs[input] = value;

        var error = await Assert.ThrowsAsync<PluginException>(async () => await _plugin.ExecuteAsync(inputs, new TestPluginContext()));

        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
