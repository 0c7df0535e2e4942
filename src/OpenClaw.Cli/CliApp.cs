using System.CommandLine;
using OpenClaw.Cli.Commands;

namespace OpenClaw.Cli;

/// <summary>The <c>openclaw</c> command tree, runnable in-process with writers of the caller's choosing (tests use this).</summary>
internal static class CliApp
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("OpenClaw: durable workflow automation. Validate and run workflow files locally, or talk to a server.");
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ServerCommands.CreateWorkflows());
        root.Subcommands.Add(ServerCommands.CreateExecutions());
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(PluginCommands.Create());
        root.Subcommands.Add(SchedulerCommands.CreateQueues());
        root.Subcommands.Add(SchedulerCommands.CreateFailed());
        root.Subcommands.Add(SchedulerCommands.CreateSchedules());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="interruptTimeout">
    /// When set, Ctrl+C and SIGTERM cancel the command, which then has this long to clean up. Null (in-process callers)
    /// leaves the process's signals alone; cancel through <paramref name="cancellationToken"/> instead.
    /// </param>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, TimeSpan? interruptTimeout = null, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot().Parse(args);
        // System.CommandLine answers a usage error with 1, which our scripts read as "the workflow failed".
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors) error.WriteLine($"error: {problem.Message}");
            error.WriteLine("Run 'openclaw --help' for usage.");
            return ExitCodes.InvalidInput;
        }
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = interruptTimeout };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
