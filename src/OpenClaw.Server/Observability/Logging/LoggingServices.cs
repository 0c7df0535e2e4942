using Microsoft.Extensions.Logging.Console;

namespace OpenClaw.Server.Observability.Logging;

/// <summary>
/// JSON console logs with the specification's fields (<see cref="JsonLogFormatter"/>): used when
/// <c>Logging:Console:FormatterName</c> is <c>json</c> (or <c>openclaw-json</c>), and by default in Production; other
/// environments keep the readable text format unless configured.
/// </summary>
public static class LoggingServices
{
    public static WebApplicationBuilder AddOpenClawLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.AddConsoleFormatter<JsonLogFormatter, JsonLogFormatterOptions>();
        var configured = builder.Configuration["Logging:Console:FormatterName"];
        var production = builder.Environment.IsProduction();
        builder.Services.PostConfigure<ConsoleLoggerOptions>(o =>
        {
            if (string.Equals(configured, "json", StringComparison.OrdinalIgnoreCase) || (string.IsNullOrEmpty(configured) && production))
                o.FormatterName = JsonLogFormatter.FormatterName;
        });
        var role = builder.Configuration["OpenClaw:Role"] ?? "all";
        var service = builder.Configuration["OpenClaw:ServiceName"] ?? (role == "all" ? "openclaw" : "openclaw-" + role);
        var options = builder.Configuration.GetSection("Logging:Console:FormatterOptions");
        builder.Services.PostConfigure<JsonLogFormatterOptions>(o =>
        {
            if (options["Service"] is null) o.Service = service;
            if (options["IncludeScopes"] is null) o.IncludeScopes = true;
        });
        return builder;
    }

    /// <summary>The caller's log scope and the per-request completion line; after authentication.</summary>
    public static IApplicationBuilder UseOpenClawRequestLogging(this IApplicationBuilder app) => app.UseMiddleware<RequestLogMiddleware>();
}
