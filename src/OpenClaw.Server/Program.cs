using OpenClaw.Server.Hosting;

await OpenClawServer.Build(args).RunAsync();

/// <summary>Entry point; tests build the same app through <see cref="OpenClawServer.Build"/>.</summary>
public partial class Program;
