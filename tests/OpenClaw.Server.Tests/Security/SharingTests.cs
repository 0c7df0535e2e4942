using System.Net;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Security;

/// <summary>Per-workflow shares add rights on one workflow to a user or a role, and nowhere else.</summary>
public sealed class SharingTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<string> NewWorkflowAsync()
    {
        var id = Definitions.NewId("share");
        using var created = await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    private async Task ShareAsync(string workflow, string type, string principal, string permission)
    {
        using var response = await server.Client.PutAsync($"api/v2/workflows/{workflow}/shares",
            HttpJson.Json($$"""{"principal_type":"{{type}}","principal_id":"{{principal}}","permission":"{{permission}}"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AViewerGivenEditOnOneWorkflow_CanEditAndRunThatOne_AndNoOther()
    {
        var shared = await NewWorkflowAsync();
        var other = await NewWorkflowAsync();
        var viewer = await server.CreateUserAsync("default", Roles.Viewer);
        var client = server.CreateClient(Tokens(viewer));

        await ShareAsync(shared, "user", viewer.Id.ToString(), "edit");

        using var edit = await client.PutAsync($"api/v2/workflows/{shared}", HttpJson.Json(Definitions.HelloJson(shared, "Edited by a viewer")));
        using var run = await client.PostJsonAsync($"api/v2/workflows/{shared}/executions", "{}");
        using var editOther = await client.PutAsync($"api/v2/workflows/{other}", HttpJson.Json(Definitions.HelloJson(other, "Nope")));
        using var runOther = await client.PostJsonAsync($"api/v2/workflows/{other}/executions", "{}");
        using var create = await client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(Definitions.NewId("nope")));

        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        await editOther.AssertProblemAsync(403);
        await runOther.AssertProblemAsync(403);
        await create.AssertProblemAsync(403);
        Assert.Equal("Edited by a viewer", (await server.Client.GetJsonAsync($"api/v2/workflows/{shared}")).Str("name"));
    }

    [Fact]
    public async Task ARoleShare_GivesEveryoneWithTheRoleThatLevel_AndReadDoesNotRun()
    {
        var workflow = await NewWorkflowAsync();
        var viewer = server.CreateClient(Tokens(await server.CreateUserAsync("default", Roles.Viewer)));

        await ShareAsync(workflow, "role", "viewer", "run");
        using var run = await viewer.PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}");
        using var edit = await viewer.PutAsync($"api/v2/workflows/{workflow}", HttpJson.Json(Definitions.HelloJson(workflow)));

        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        await edit.AssertProblemAsync(403);

        await ShareAsync(workflow, "role", "viewer", "read");
        await (await viewer.PostJsonAsync($"api/v2/workflows/{workflow}/executions", "{}")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task Shares_AreListed_Removed_AndOnlyAdministratorsChangeThem()
    {
        var workflow = await NewWorkflowAsync();
        var editor = await server.CreateClientAsync(Roles.Editor);
        await ShareAsync(workflow, "role", "operator", "edit");

        var list = await editor.GetJsonAsync($"api/v2/workflows/{workflow}/shares");
        var share = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(["workflows:read", "workflows:write", "executions:read", "executions:run"],
            share.GetProperty("grants").EnumerateArray().Select(g => g.GetString()));
        await (await editor.PutAsync($"api/v2/workflows/{workflow}/shares",
            HttpJson.Json("""{"principal_type":"role","principal_id":"viewer","permission":"edit"}"""))).AssertProblemAsync(403);

        using var removed = await server.Client.DeleteAsync($"api/v2/workflows/{workflow}/shares/role/operator");
        using var again = await server.Client.DeleteAsync($"api/v2/workflows/{workflow}/shares/role/operator");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await again.AssertProblemAsync(404);
        Assert.Equal(0, (await server.Client.GetJsonAsync($"api/v2/workflows/{workflow}/shares")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AShareForAnotherTenantsUser_OrOnAnotherTenantsWorkflow_IsRefused()
    {
        var workflow = await NewWorkflowAsync();
        var stranger = await server.CreateUserAsync("share-other", Roles.Viewer);
        var otherAdmin = await server.CreateTenantClientAsync("share-other", Roles.Admin);

        using var foreignUser = await server.Client.PutAsync($"api/v2/workflows/{workflow}/shares",
            HttpJson.Json($$"""{"principal_type":"user","principal_id":"{{stranger.Id}}","permission":"read"}"""));
        using var foreignWorkflow = await otherAdmin.PutAsync($"api/v2/workflows/{workflow}/shares",
            HttpJson.Json("""{"principal_type":"role","principal_id":"viewer","permission":"read"}"""));

        Assert.Contains("$.principal_id", (await foreignUser.AssertProblemAsync(400)).ErrorKeys());
        await foreignWorkflow.AssertProblemAsync(404);
    }

    private string Tokens(UserRecord user) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OpenClaw.Server.Security.AccessTokens>(server.Services)
            .ForUser(user.TenantId, user.Id, user.Username, user.Role, false, Guid.NewGuid()).AccessToken;
}
