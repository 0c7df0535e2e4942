using Microsoft.Extensions.Options;
using OpenClaw.Server.Api;
using OpenClaw.Server.Integrations;
using OpenClaw.Server.Health;
using OpenClaw.Server.Observability;
using OpenClaw.Server.Observability.Logging;
using OpenClaw.Server.OpenApi;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Hosting;

/// <summary>Builds the server exactly as <c>Program</c> runs it, so tests host the same app on a port of their own.</summary>
public static class OpenClawServer
{
    /// <param name="args">Command-line configuration, e.g. <c>--urls http://127.0.0.1:0 --OpenClaw:DataDirectory /tmp/x</c>.</param>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddOpenClaw();

        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<OpenClawServerOptions>>().Value;
        if (options.Storage == "sqlite")
        {
            // Take the data folder now: a second process on the same folder fails here, before anything touches the database.
            try
            {
                app.Services.GetRequiredService<DataDirectoryLock>();
            }
            catch
            {
                ((IDisposable)app).Dispose();
                throw;
            }
        }
        app.UseOpenClawHttpMetrics();
        app.UseExceptionHandler();
        if (options.ServesApi) app.UseOpenClawApiDocs();
        app.UseMiddleware<ApiVersioningMiddleware>();
        // Explicitly after versioning: it rewrites unversioned paths, and routing must see the rewritten one.
        app.UseRouting();
        app.UseOpenClawRouteCapture();
        app.UseOpenClawWebApp();
        app.UseOpenClawSecurity();
        app.UseOpenClawRequestLogging();
        app.UseStatusCodePages();

        app.MapOpenClawHealth();
        app.MapOpenClawMetrics();
        if (options.ServesApi)
        {
            app.MapOpenClawApi();
            app.MapOpenClawOpenApi();
        }
        return app;
    }
}
