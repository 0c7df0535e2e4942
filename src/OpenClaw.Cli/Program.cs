using System.CommandLine;
using OpenClaw.Cli.Commands;

var root = new RootCommand("OpenClaw: durable workflow automation. Validate and run workflow files locally, or talk to a server.");
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ServerCommands.CreateWorkflows());
root.Subcommands.Add(ServerCommands.CreateExecutions());
return await root.Parse(args).InvokeAsync();
