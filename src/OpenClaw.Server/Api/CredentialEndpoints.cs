using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>A credential as the API shows it: its field names, never their values.</summary>
public sealed record CredentialResponse(
    Guid Id, string Name, string Type, string? Description, IReadOnlyList<string> Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? CreatedBy, string? UpdatedBy)
{
    public static CredentialResponse From(CredentialRecord r) =>
        new(r.Id, r.Name, r.Type, r.Description, r.Fields, r.CreatedAt, r.UpdatedAt, r.CreatedBy, r.UpdatedBy);
}

/// <summary>What a re-encryption did.</summary>
public sealed record ReencryptionResponse(int Reencrypted, int Unreadable, string KeyId);

/// <summary>Create, list, read, update and delete credentials; values are write-only.</summary>
internal static class CredentialEndpoints
{
    private static readonly string[] Keys = ["name", "type", "description", "values"];
    private const int MaxFields = 50;
    private const int MaxValueLength = 16 * 1024;

    public static RouteGroupBuilder MapCredentialEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/credentials").WithTags("Credentials");
        group.MapGet("/", ListAsync).RequirePermission(Permissions.CredentialsRead);
        group.MapGet("/{id:guid}", GetAsync).RequirePermission(Permissions.CredentialsRead);
        group.MapPost("/", CreateAsync).RequirePermission(Permissions.CredentialsManage);
        group.MapPut("/{id:guid}", UpdateAsync).RequirePermission(Permissions.CredentialsManage);
        group.MapDelete("/{id:guid}", DeleteAsync).RequirePermission(Permissions.CredentialsManage);
        group.MapPost("/reencrypt", ReencryptAsync).RequirePermission(Permissions.CredentialsManage);
        return api;
    }

    private static async Task<Ok<List<CredentialResponse>>> ListAsync(Caller caller, ICredentialStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(caller.TenantId, ct)).Select(CredentialResponse.From).ToList());

    private static async Task<Results<Ok<CredentialResponse>, ProblemHttpResult>> GetAsync(Guid id, Caller caller, ICredentialStore store, CancellationToken ct) =>
        await store.GetAsync(caller.TenantId, id, ct) is { } found ? TypedResults.Ok(CredentialResponse.From(found)) : NotFound(id);

    private static async Task<Results<Created<CredentialResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, Caller caller, ICredentialStore store, CredentialVault vault, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The credential is invalid");
        if (problem is not null) return problem;
        var name = body!.String("name", required: true, 100, JsonRequestBody.NamePattern(), JsonRequestBody.NameHint);
        var type = body.String("type", required: true, 40);
        if (type is not null && !CredentialTypes.RequiredFields.ContainsKey(type)) body.Error("type", $"Must be one of {string.Join(", ", CredentialTypes.All)}.");
        var description = body.String("description", required: false, 1000, multiline: true, allowEmpty: true);
        var values = ReadValues(body, required: true);
        if (type is not null && values is not null) CheckRequiredFields(body, type, Filled(values));
        if (body.Errors is { } invalid) return Problems.Invalid("The credential is invalid", invalid);

        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        var record = new CredentialRecord(id, caller.TenantId, name!, type!, description, [.. values!.Keys.Order(StringComparer.Ordinal)],
            vault.Seal(caller.TenantId, id, values), vault.CurrentKeyId, now, now, caller.SubjectId, caller.SubjectId);
        try
        {
            var created = CredentialResponse.From(await store.CreateAsync(record, ct));
            audit.Describe("credential", id.ToString(), "create", null, created);
            return TypedResults.Created($"{request.PathBase}{ApiRoutes.Prefix(request)}/credentials/{id}", created);
        }
        catch (DuplicateKeyException)
        {
            return Problems.Conflict($"A credential named '{name}' already exists; update it with PUT.");
        }
    }

    private static async Task<Results<Ok<CredentialResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, Caller caller, ICredentialStore store, CredentialVault vault, AuditContext audit, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, Keys, ct, "The credential is invalid");
        if (problem is not null) return problem;
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null) return NotFound(id);

        var name = body!.String("name", required: false, 100, JsonRequestBody.NamePattern(), JsonRequestBody.NameHint) ?? current.Name;
        var type = body.String("type", required: false, 40) ?? current.Type;
        if (!CredentialTypes.RequiredFields.ContainsKey(type)) body.Error("type", $"Must be one of {string.Join(", ", CredentialTypes.All)}.");
        var description = body.Has("description") && body.Root["description"] is null ? null : body.String("description", required: false, 1000, multiline: true, allowEmpty: true) ?? current.Description;
        var values = ReadValues(body, required: false);
        CheckRequiredFields(body, type, values is null ? current.Fields : Filled(values));
        if (body.Errors is { } invalid) return Problems.Invalid("The credential is invalid", invalid);

        var updated = current with
        {
            Name = name,
            Type = type,
            Description = description,
            Fields = values is null ? current.Fields : [.. values.Keys.Order(StringComparer.Ordinal)],
            Secret = values is null ? current.Secret : vault.Seal(caller.TenantId, id, values),
            KeyId = values is null ? current.KeyId : vault.CurrentKeyId,
            UpdatedAt = time.GetUtcNow(),
            UpdatedBy = caller.SubjectId,
        };
        try
        {
            var saved = await store.UpdateAsync(updated, ct);
            if (saved is null) return NotFound(id);
            var response = CredentialResponse.From(saved);
            audit.Describe("credential", id.ToString(), values is null ? "update" : "update_values", CredentialResponse.From(current), response);
            return TypedResults.Ok(response);
        }
        catch (DuplicateKeyException)
        {
            return Problems.Conflict($"A credential named '{name}' already exists.");
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, Caller caller, ICredentialStore store, AuditContext audit, CancellationToken ct)
    {
        var current = await store.GetAsync(caller.TenantId, id, ct);
        if (current is null || !await store.DeleteAsync(caller.TenantId, id, ct)) return NotFound(id);
        audit.Describe("credential", id.ToString(), "delete", CredentialResponse.From(current));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ReencryptionResponse>> ReencryptAsync(Caller caller, CredentialVault vault, AuditContext audit, CancellationToken ct)
    {
        var (done, unreadable) = await vault.ReencryptAsync(caller.TenantId, ct);
        var response = new ReencryptionResponse(done, unreadable, vault.CurrentKeyId);
        audit.Describe("credential", null, "reencrypt", null, response);
        return TypedResults.Ok(response);
    }

    /// <summary>The <c>values</c> object: field names to strings (numbers and booleans are taken as their text).</summary>
    private static Dictionary<string, string>? ReadValues(JsonRequestBody body, bool required)
    {
        if (!body.Has("values"))
        {
            if (required) body.Error("values", "Required: an object of secret field names to values, e.g. { \"token\": \"...\" }.");
            return null;
        }
        if (body.Root["values"] is not JsonObject obj)
        {
            body.Error("values", "Must be an object of field names to string values.");
            return null;
        }
        if (obj.Count > MaxFields)
        {
            body.Error("values", $"At most {MaxFields} fields.");
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, node) in obj)
        {
            if (!JsonRequestBody.NamePattern().IsMatch(field))
            {
                body.Error($"values.{field}", "Field names " + JsonRequestBody.NameHint[5..]);
                continue;
            }
            string? text = node is JsonValue v ? v.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
                _ => null,
            } : null;
            if (text is null) body.Error($"values.{field}", "Must be a string (or a number or boolean).");
            else if (text.Length > MaxValueLength) body.Error($"values.{field}", $"At most {MaxValueLength} characters.");
            else result[field] = text;
        }
        return result;
    }

    private static IEnumerable<string> Filled(Dictionary<string, string> values) => values.Where(v => v.Value.Length > 0).Select(v => v.Key);

    private static void CheckRequiredFields(JsonRequestBody body, string type, IEnumerable<string> fields)
    {
        if (!CredentialTypes.RequiredFields.TryGetValue(type, out var required)) return;
        var missing = required.Except(fields, StringComparer.Ordinal).ToList();
        if (missing.Count > 0) body.Error("values", $"A {type} credential needs non-empty {string.Join(", ", missing)}.");
    }

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"Credential {id} does not exist.");
}
