using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Server.Api;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Notifications;
using OpenClaw.Server.Triggers;

namespace OpenClaw.Server.Integrations;

/// <summary>Credentials, webhook triggers and the notification service: their services, middleware and routes.</summary>
public static class IntegrationServices
{
    /// <summary>Registers the integrations; call after the runtime (the stored credentials replace its configured ones).</summary>
    public static IServiceCollection AddOpenClawIntegrations(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddOptions<CredentialKeyOptions>().Bind(configuration.GetSection("OpenClaw:Credentials"));
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection("OpenClaw:Webhooks")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new DataFolder(dataDirectory));
        services.AddSingleton<SecretCipher>();
        services.AddSingleton<CredentialVault>();
        services.Replace(ServiceDescriptor.Singleton<ICredentialProvider, StoredCredentialProvider>());
        services.AddHostedService<CredentialReencryptionService>();

        services.AddSingleton<TriggerLookup>();
        services.AddSingleton<ExecutionCompletion>();

        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection("OpenClaw:Notifications")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationRuleCache>();
        services.AddSingleton<NotificationSender>();
        services.AddHttpClient(NotificationSender.HttpClientName);
        // Every process that runs executions evaluates and delivers: the dedupe key and the delivery lease keep that safe.
        if ((configuration["OpenClaw:Role"] ?? "all") != "api")
        {
            services.AddHostedService<NotificationEvaluator>();
            services.AddHostedService<NotificationDispatcher>();
        }
        return services;
    }

    /// <summary>Maps <c>/credentials</c>, <c>/triggers</c>, <c>/workflows/{id}/run</c>, <c>/webhooks/{path}</c> and <c>/notifications</c>.</summary>
    public static RouteGroupBuilder MapIntegrationEndpoints(this RouteGroupBuilder api) =>
        api.MapCredentialEndpoints().MapTriggerEndpoints().MapWebhookEndpoints().MapNotificationEndpoints();
}
