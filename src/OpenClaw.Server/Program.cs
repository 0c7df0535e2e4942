using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenClaw.Server.Api;
using OpenClaw.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOpenClaw();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapOpenClawApi();

app.Run();

/// <summary>Entry point, visible to tests that host the server.</summary>
public partial class Program;
