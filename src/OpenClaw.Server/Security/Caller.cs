namespace OpenClaw.Server.Security;

/// <summary>How a caller proved who it is.</summary>
public enum CallerKind
{
    /// <summary>A user with a JWT access token from login.</summary>
    User,

    /// <summary>An API key (scoped).</summary>
    ApiKey,

    /// <summary>An OAuth2 client-credentials client (scoped).</summary>
    Client,
}

/// <summary>
/// Who is calling, in which tenant, with what rights. Endpoints take it as a parameter (bound from the authenticated
/// request) and scope every read and write to <see cref="TenantId"/>.
/// </summary>
/// <param name="TenantId">The tenant every resource the request touches must belong to.</param>
/// <param name="SubjectId">The user id, API key id or client id.</param>
/// <param name="Name">For logs and the audit trail: user name, key name or client name.</param>
/// <param name="Role">admin, editor, operator or viewer (for keys and clients: the role of their owner).</param>
/// <param name="Permissions">What the caller may do: the role's permissions, narrowed by the key's or client's scopes.</param>
public sealed record Caller(string TenantId, string SubjectId, string Name, CallerKind Kind, string Role, IReadOnlySet<string> Permissions)
{
    private const string ItemKey = "OpenClaw.Caller";

    public bool Has(string permission) => Permissions.Contains(permission);

    /// <summary>Attaches the authenticated caller to the request (done once, by the authentication middleware).</summary>
    public static void Set(HttpContext context, Caller caller) => context.Items[ItemKey] = caller;

    /// <summary>The request's caller, or null for an anonymous request.</summary>
    public static Caller? Find(HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as Caller : null;

    /// <summary>Minimal-API binding: endpoints that take a <see cref="Caller"/> only run for authenticated requests.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<Caller?>(Find(context) ?? throw new InvalidOperationException(
            $"{context.Request.Path} takes a Caller but the request was not authenticated; the endpoint must require a permission."));
}
