using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Code;

/// <summary>Compiles C# scripts with Roslyn, caches the compiled delegates, and runs them.</summary>
/// <remarks>
/// Compiling takes from tens of milliseconds to seconds, running a compiled delegate microseconds, so each distinct source
/// is compiled once and kept in a bounded least-recently-used cache (compile errors are cached too: the same source fails
/// the same way). Each compilation loads an assembly that .NET cannot unload, so the cache bounds the work, not the memory:
/// the sandbox retires runner processes, which returns it.
/// </remarks>
internal sealed class CSharpScripts(int capacity)
{
    private const string FileName = "code.csx";

    private static readonly ScriptOptions Options = ScriptOptions.Default
        .WithReferences(
            typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(List<>).Assembly, typeof(JsonNode).Assembly,
            typeof(Regex).Assembly, typeof(ILogger).Assembly, typeof(LoggerExtensions).Assembly, typeof(PluginException).Assembly)
        .WithImports(
            "System", "System.Collections.Generic", "System.Globalization", "System.Linq", "System.Text", "System.Text.Json",
            "System.Text.Json.Nodes", "System.Text.RegularExpressions", "System.Threading", "System.Threading.Tasks",
            "Microsoft.Extensions.Logging", "OpenClaw.Plugins.Sdk")
        .WithFilePath(FileName)
        .WithFileEncoding(System.Text.Encoding.UTF8) // debug information needs the source encoding
        .WithEmitDebugInformation(true) // line numbers in runtime errors
        .WithOptimizationLevel(OptimizationLevel.Release);

    private readonly BoundedCache<string, Compiled> _cache = new(capacity);
    private int _compilations;

    /// <summary>How many times a source has been compiled; for tests of the cache.</summary>
    public int Compilations => Volatile.Read(ref _compilations);

    /// <summary>Compiles (or takes from the cache) and runs <paramref name="code"/>, returning its value as JSON.</summary>
    /// <exception cref="PluginException">The code does not compile, throws, or returns something JSON cannot hold (none retryable,
    /// unless the script throws a retryable <see cref="PluginException"/> itself).</exception>
    public async Task<JsonNode?> RunAsync(string code, JsonObject inputs, ILogger logger, CancellationToken cancellationToken)
    {
        var compiled = _cache.GetOrAdd(code, Compile);
        if (compiled.Error is { } error) throw new PluginException(error, retryable: false);

        var globals = new CodeGlobals(inputs, logger, cancellationToken);
        object? value;
        try
        {
            // A script that never awaits runs to completion inside the delegate call; running it on the pool lets a
            // timeout or cancellation end the step even then (the sandbox's wall clock ends a runaway runner).
            value = await Task.Run(() => compiled.Runner!(globals, cancellationToken), cancellationToken)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (PluginException)
        {
            throw; // the script chose its own message and retry classification
        }
        catch (Exception e)
        {
            throw new PluginException($"C# code threw {e.GetType().Name}{LineOf(e)}: {e.Message}", retryable: false, e);
        }
        return ToJson(value);
    }

    private Compiled Compile(string code)
    {
        Interlocked.Increment(ref _compilations);
        // Without a loader that knows this assembly, Roslyn loads a second copy of it into its own load context when the
        // plugin itself lives in a non-default one (the sandbox runner's), and the globals no longer cast to CodeGlobals.
        // Not disposed: the compiled delegate (cached) keeps loading through it.
        var loader = new InteractiveAssemblyLoader();
        loader.RegisterDependency(typeof(CodeGlobals).Assembly);
        var script = CSharpScript.Create<object>(code, Options, typeof(CodeGlobals), loader);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        if (!errors.IsEmpty) return new Compiled(null, DescribeErrors(errors));
        return new Compiled(script.CreateDelegate(), null);
    }

    private static string DescribeErrors(ImmutableArray<Diagnostic> errors)
    {
        const int Shown = 5;
        var lines = errors.Take(Shown).Select(d =>
        {
            var position = d.Location.GetLineSpan().StartLinePosition;
            return string.Create(CultureInfo.InvariantCulture,
                $"line {position.Line + 1}, column {position.Character + 1}: {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}");
        });
        var more = errors.Length > Shown ? $" (and {errors.Length - Shown} more)" : "";
        return $"C# code does not compile: {string.Join("; ", lines)}{more}";
    }

    /// <summary>" at line N" for the innermost frame in the script, when the debug information gives one.</summary>
    private static string LineOf(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetFileName() == FileName && frame.GetFileLineNumber() > 0)
                return $" at line {frame.GetFileLineNumber().ToString(CultureInfo.InvariantCulture)}";
        }
        return "";
    }

    private static JsonNode? ToJson(object? value)
    {
        try
        {
            return value switch
            {
                null => null,
                JsonNode node => node.DeepClone(), // it may belong to inputs; output needs a node of its own
                JsonElement element => JsonSerializer.SerializeToNode(element),
                _ => JsonSerializer.SerializeToNode(value, value.GetType()),
            };
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new PluginException($"the C# code's result ({value!.GetType().Name}) cannot be converted to JSON: {e.Message}", retryable: false, e);
        }
    }

    private sealed record Compiled(ScriptRunner<object>? Runner, string? Error);
}
