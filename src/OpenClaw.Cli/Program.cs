using OpenClaw.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error, interruptTimeout: TimeSpan.FromSeconds(10));
