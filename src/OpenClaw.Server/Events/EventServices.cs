namespace OpenClaw.Server.Events;

/// <summary>Registers the server-sent event streams' settings (section <c>OpenClaw:Events</c>).</summary>
public static class EventServices
{
    public static IServiceCollection AddOpenClawEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExecutionEventsOptions>().Bind(configuration.GetSection("OpenClaw:Events")).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
