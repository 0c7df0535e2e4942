using System.Text.Json;
using OpenClaw.Core.Storage;
using OpenClaw.Sandbox;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Plugins;

/// <summary>
/// The server's <see cref="ISecurityEventSink"/>: persists each sandbox violation as a <c>sandbox_violation</c> security
/// event (through the batched <see cref="SecurityLogWriter"/>, which also logs it as a structured warning), so
/// <c>GET /security/events</c> lists them across restarts and nodes.
/// </summary>
/// <remarks>
/// A violation carries no tenant (the sandbox knows executions, not tenants), so it is stored without one: platform
/// administrators (<c>tenants:manage</c>) see them.
/// </remarks>
internal sealed class SecurityEventLog(SecurityLogWriter writer) : ISecurityEventSink
{
    public ValueTask RecordAsync(SandboxViolation violation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(violation);
        var data = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["violation"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(violation.Kind.ToString()),
            ["plugin"] = violation.Plugin,
            ["execution_id"] = violation.ExecutionId,
            ["step_id"] = violation.StepId,
        });
        writer.Event(new SecurityEventRecord(Guid.CreateVersion7(), null, SecurityEventKinds.SandboxViolation, violation.Plugin, null,
            violation.Detail, data, violation.Time));
        return ValueTask.CompletedTask;
    }
}
