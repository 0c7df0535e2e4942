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
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(FileInfo file, TextWriter output, TextWriter error)
    {
        if (!file.Exists)
        {
            error.WriteLine($"error: file '{file.FullName}' does not exist");
            return ExitCodes.InvalidInput;
        }
        var result = Validate(File.ReadAllText(file.FullName), file.Name);
        if (result.Errors.Count == 0)
        {
            output.WriteLine($"{file.Name}: valid ({result.Definition!.AllSteps().Count()} steps)");
            return ExitCodes.Success;
        }
        error.WriteLine($"{file.Name}: {result.Errors.Count} problem{(result.Errors.Count == 1 ? "" : "s")}");
        foreach (var problem in result.Errors) error.WriteLine($"  {problem.Path}: {problem.Message} [{problem.Code}]");
        return ExitCodes.InvalidInput;
    }

    /// <summary>Parses and validates against the built-in plugins.</summary>
    public static DefinitionParseResult Validate(string text, string fileName, Func<string, bool>? workflowExists = null)
    {
        var catalog = new InProcessPluginRegistry(BuiltInPlugins.Create());
        return new WorkflowValidator(catalog, workflowExists).ParseAndValidate(text, WorkflowDefinitionParser.DetectFormat(fileName));
    }
}
