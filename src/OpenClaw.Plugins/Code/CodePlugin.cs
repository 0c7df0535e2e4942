using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Code;

/// <summary>Runs user code: C# (Roslyn scripting), JavaScript (<c>node</c>) or Python (<c>python3</c>).</summary>
/// <remarks>
/// <para><b>Untrusted code: never run this plugin in the server process.</b> It is not part of
/// <see cref="BuiltInPlugins.Create"/>; <see cref="BuiltInPlugins.CreateSandboxed"/> returns it for the sandbox runner,
/// which applies the memory, CPU, file-system and network limits. The tags <c>code</c> and <c>untrusted</c> and the
/// <c>process</c> permission tell the host so.</para>
/// <para>The code sees the step input <c>inputs</c> (an object) and returns the step's <c>result</c>. In C# it is a
/// script: <c>inputs</c>, <c>logger</c> and <c>cancellationToken</c> are globals, and <c>return</c> (or a final
/// expression) gives the result; compiled delegates are cached per distinct source. In JavaScript the code is the body of
/// an <c>async</c> function of <c>(inputs, require)</c>; in Python the body of a function of <c>inputs</c>. What the code
/// prints is written to the step's log.</para>
/// <para>Errors in the code (compile errors with line and column, exceptions with their line) fail the step without retry;
/// a C# script that throws a <see cref="PluginException"/> keeps its own retry classification. The step's <c>timeout</c>
/// kills an interpreter process; a C# script that never yields cannot be stopped inside the process, so the sandbox's
/// wall-clock limit ends its runner.</para>
/// </remarks>
[Plugin("code", Version = "1.0.0", Author = "OpenClaw", Category = "code",
    Tags = ["code", "untrusted", "csharp", "javascript", "python", "script"],
    Permissions = [PluginPermissions.Process, PluginPermissions.JavaScript],
    Description = "Runs a snippet of C#, JavaScript or Python with the step's inputs and returns its result. Runs only in the sandbox.")]
public sealed class CodePlugin : Plugin
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("code", "string", Required: true,
            Description: "The code. C#: a script with globals inputs, logger and cancellationToken, ending in return or an expression. "
                + "JavaScript: the body of an async function (inputs, require). Python: the body of a function (inputs). Each returns the result."),
        new PluginField("language", "string", Description: "Language of the code.", Default: "csharp", Enum: ["csharp", "javascript", "python"]),
        new PluginField("inputs", "object", Description: "Data passed to the code as inputs.", Default: new JsonObject()),
        new PluginField("timeout", "any", Description: "Time allowed for the code, as seconds (10) or with a unit (500ms, 10s, 2m).", Default: "30s"));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("result", "any", Description: "The value the code returned, as JSON (null when it returned nothing)."));

    private readonly CodePluginOptions _options;
    private readonly CSharpScripts _csharp;

    /// <summary>Uses the interpreters found on PATH and the default limits.</summary>
    public CodePlugin() : this(new CodePluginOptions())
    {
    }

    /// <summary>Uses the given interpreters and limits.</summary>
    public CodePlugin(CodePluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCachedScripts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxResultBytes, 1);
        _options = options;
        _csharp = new CSharpScripts(options.MaxCachedScripts);
    }

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <summary>How many C# sources have been compiled; for tests of the cache.</summary>
    internal int CSharpCompilations => _csharp.Compilations;

    /// <inheritdoc />
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var code = PluginInputs.RequireString(inputs, "code");
        var languageName = (PluginInputs.OptionalString(inputs, "language") ?? "csharp").ToLowerInvariant();
        var language = languageName switch
        {
            "csharp" or "c#" or "cs" => ScriptLanguage.CSharp,
            "javascript" or "js" or "node" => ScriptLanguage.JavaScript,
            "python" or "py" or "python3" => ScriptLanguage.Python,
            _ => throw PluginInputs.Invalid($"input 'language' must be csharp, javascript or python; got '{languageName}'"),
        };
        var data = PluginInputs.OptionalObject(inputs, "inputs") ?? [];
        data.Parent?.AsObject().Remove("inputs"); // the script owns it now
        var timeout = DefaultTimeout;
        if (inputs["timeout"] is { } timeoutNode && !Durations.TryParse(timeoutNode, out timeout))
            throw PluginInputs.Invalid($"input 'timeout' must be a positive duration such as 30, \"500ms\" or \"2m\"; got {timeoutNode.ToJsonString()}");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var result = language == ScriptLanguage.CSharp
                ? await _csharp.RunAsync(code, data, context.Logger, deadline.Token).ConfigureAwait(false)
                : await ScriptProcess.RunAsync(language, Interpreter(language), code, data, _options.MaxResultBytes, context.Logger, deadline.Token)
                    .ConfigureAwait(false);
            context.Logger.LogDebug("{Language} code returned {Kind}", language.DisplayName(), PluginInputs.Describe(result));
            return new JsonObject { ["result"] = result };
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            throw new PluginException($"{language.DisplayName()} code timed out after {Durations.Format(timeout)}", retryable: true, e);
        }
    }

    private string Interpreter(ScriptLanguage language)
    {
        var (configured, program, package) = language == ScriptLanguage.JavaScript
            ? (_options.NodePath, "node", "nodejs")
            : (_options.PythonPath, "python3", "python3");
        return configured ?? FindOnPath(program)
            ?? throw new PluginException(
                $"{language.DisplayName()} code needs '{program}', which is not on PATH; install it (Debian package '{package}') or set its path "
                + "in the code plugin's options", retryable: false);
    }

    private static string? FindOnPath(string program)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>Interpreters and limits for the <c>code</c> plugin.</summary>
public sealed record CodePluginOptions
{
    /// <summary>The <c>node</c> executable; by default the one on PATH.</summary>
    public string? NodePath { get; init; }

    /// <summary>The <c>python3</c> executable; by default the one on PATH.</summary>
    public string? PythonPath { get; init; }

    /// <summary>Distinct C# sources whose compiled form is kept.</summary>
    public int MaxCachedScripts { get; init; } = 256;

    /// <summary>Largest result a JavaScript or Python program may write, in bytes.</summary>
    public int MaxResultBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>The languages the <c>code</c> plugin runs.</summary>
internal enum ScriptLanguage
{
    CSharp,
    JavaScript,
    Python,
}

internal static class ScriptLanguageNames
{
    public static string DisplayName(this ScriptLanguage language) => language switch
    {
        ScriptLanguage.CSharp => "C#",
        ScriptLanguage.JavaScript => "JavaScript",
        _ => "Python",
    };
}
