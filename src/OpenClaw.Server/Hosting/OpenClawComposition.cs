using System.Text.Json;
using System.Text.Json.Serialization;
using OpenClaw.Plugins;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Server.Hosting;

/// <summary>Wires the modules into one host: storage, executor, built-in plugins, HTTP API.</summary>
public static class OpenClawComposition
{
    /// <summary>JSON as the API speaks it: snake_case, no nulls written, enums as strings.</summary>
    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = null;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    public static WebApplicationBuilder AddOpenClaw(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("OpenClaw");
        builder.Services.AddOptions<OpenClawServerOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<OpenClawServerOptions>() ?? new OpenClawServerOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);

        builder.Services.AddSingleton(DataDirectoryLock.Acquire(dataDirectory));
        builder.Services.AddOpenClawSqlite(sqlite =>
        {
            sqlite.DataSource = Path.Combine(dataDirectory, "openclaw.db");
            sqlite.Synchronous = options.SqliteSynchronous;
        });
        builder.Services.AddOpenClawRuntime(runtime =>
        {
            runtime.WorkerConcurrency = options.WorkerConcurrency;
            runtime.ReleaseAllLeasesOnStart = true;
            foreach (var name in options.ExposedEnvironmentVariables) runtime.ExposedEnvironmentVariables.Add(name);
        });
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<IEnumerable<Plugin>>(sp => BuiltInPlugins.Create(sp.GetRequiredService<IHttpClientFactory>()));

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddHealthChecks().AddCheck<Api.DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }
}
