using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary><c>GET /audit</c> (the tenant's changes) and <c>GET /security/events</c> (failed logins, denials, sandbox violations).</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", QueryAuditAsync).RequirePermission(Permissions.AuditRead).WithTags("Audit");
        api.MapGet("/security/events", QueryEventsAsync).RequirePermission(Permissions.AuditRead).WithTags("Audit");
        return api;
    }

    public sealed record AuditRecordResponse(
        Guid Id, string Actor, string ActorId, string ActorKind, string Action, string ResourceType, string? ResourceId,
        JsonElement? Before, JsonElement? After, string? Ip, string? UserAgent, string? RequestId, DateTimeOffset Time);

    public sealed record AuditPage(IReadOnlyList<AuditRecordResponse> Items, string? NextCursor);

    public sealed record SecurityEventResponse(Guid Id, string Kind, string? TenantId, string? Actor, string? Ip, string Detail, JsonElement? Data, DateTimeOffset Time);

    public sealed record SecurityEventPage(IReadOnlyList<SecurityEventResponse> Events, string? NextCursor);

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> QueryAuditAsync(
        HttpRequest request, Caller caller, ISecurityLogStore store, string? actor, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "resource_type")] string? resourceType,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "resource_id")] string? resourceId, string? cursor,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var since = Time(request, "since", errors);
        var until = Time(request, "until", errors);
        var limit = Limit(request, errors);
        if (errors.Count > 0) return Problems.Invalid("The query is invalid", errors);
        try
        {
            var page = await store.QueryAuditAsync(new AuditQuery(caller.TenantId, actor, resourceType, resourceId, since, until, limit, cursor), ct);
            return TypedResults.Ok(new AuditPage(page.Items.Select(r => new AuditRecordResponse(r.Id, r.ActorName, r.ActorId, r.ActorKind, r.Action,
                r.ResourceType, r.ResourceId, Json(r.Before), Json(r.After), r.Ip, r.UserAgent, r.RequestId, r.CreatedAt)).ToList(), page.NextCursor));
        }
        catch (ArgumentException ex)
        {
            return Problems.Invalid("cursor", ex.Message);
        }
    }

    /// <remarks>
    /// The tenant's events; platform administrators (<c>tenants:manage</c>) see every tenant's and those of none (sandbox
    /// violations, failed logins to unknown tenants). This node's queued events are written first, so they show at once.
    /// </remarks>
    private static async Task<Results<Ok<SecurityEventPage>, ValidationProblem>> QueryEventsAsync(
        HttpRequest request, Caller caller, ISecurityLogStore store, SecurityLogWriter writer, string? kind, string? cursor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var since = Time(request, "since", errors);
        var limit = Limit(request, errors);
        if (errors.Count > 0) return Problems.Invalid("The query is invalid", errors);
        await writer.FlushAsync(ct);
        try
        {
            var tenant = caller.Has(Permissions.TenantsManage) ? null : caller.TenantId;
            var page = await store.QuerySecurityEventsAsync(new SecurityEventQuery(tenant, kind, since, limit, cursor), ct);
            return TypedResults.Ok(new SecurityEventPage(page.Items.Select(e =>
                new SecurityEventResponse(e.Id, e.Kind, e.TenantId, e.Actor, e.Ip, e.Detail, Json(e.Data), e.CreatedAt)).ToList(), page.NextCursor));
        }
        catch (ArgumentException ex)
        {
            return Problems.Invalid("cursor", ex.Message);
        }
    }

    private static DateTimeOffset? Time(HttpRequest request, string name, Dictionary<string, string[]> errors)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)) return value;
        errors[name] = ["Must be an ISO 8601 date-time such as 2030-01-31T00:00:00Z."];
        return null;
    }

    private static int Limit(HttpRequest request, Dictionary<string, string[]> errors)
    {
        var text = request.Query["limit"].ToString();
        if (text.Length == 0) return 100;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= KeysetCursor.MaxLimit) return limit;
        errors["limit"] = [$"Must be a whole number from 1 to {KeysetCursor.MaxLimit}."];
        return 100;
    }

    private static JsonElement? Json(string? text)
    {
        if (text is null) return null;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
