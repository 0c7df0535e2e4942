using System.CommandLine;
using OpenClaw.Core.Definitions;
using OpenClaw.Plugins;
using OpenClaw.Runtime.Plugins;

namespace OpenClaw.Cli.Commands;

/// <summary><c>openclaw validate FILE</c>: every problem in a workflow file, with its JSON path.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A workflow definition, .yaml/.yml or .json." };
        var command = new Command("validate", "Check a workflow file and report every problem at once.") { file };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(file)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await ReadAsync(file, error, ct) is not { } text) return ExitCodes.InvalidInput;
        var result = Validate(text, file.Name);
        if (result.Errors.Count == 0)
        {
            output.WriteLine($"{file.Name}: valid ({result.Definition!.AllSteps().Count()} steps)");
            return ExitCodes.Success;
        }
        PrintProblems(file, result.Errors, error);
        return ExitCodes.InvalidInput;
    }

    /// <summary>Reads a workflow file, or says why it cannot and returns null.</summary>
    public static async Task<string?> ReadAsync(FileInfo file, TextWriter error, CancellationToken ct)
    {
        if (!file.Exists)
        {
            error.WriteLine($"error: file '{file.FullName}' does not exist");
            return null;
        }
        try
        {
            return await File.ReadAllTextAsync(file.FullName, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read '{file.FullName}': {ex.Message}");
            return null;
        }
    }

    /// <summary>One line per problem, <c>path: message [code]</c>, under a count.</summary>
    public static void PrintProblems(FileInfo file, IReadOnlyList<DefinitionError> errors, TextWriter error)
    {
        error.WriteLine($"{file.Name}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}");
        foreach (var problem in errors) error.WriteLine($"  {problem.Path}: {problem.Message} [{problem.Code}]");
    }

    /// <summary>Parses and validates against the built-in plugins.</summary>
    public static DefinitionParseResult Validate(string text, string fileName, Func<string, bool>? workflowExists = null)
    {
        var catalog = new InProcessPluginRegistry(BuiltInPlugins.Create());
        return new WorkflowValidator(catalog, workflowExists).ParseAndValidate(text, WorkflowDefinitionParser.DetectFormat(fileName));
    }
}
