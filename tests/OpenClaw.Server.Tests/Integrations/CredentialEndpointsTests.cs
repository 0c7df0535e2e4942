using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Integrations;

public sealed class CredentialEndpointsTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly HttpClient _http = server.Client;

    private static string NewName() => "cred_" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonElement> CreateAsync(string json)
    {
        using var response = await _http.PostJsonAsync("api/v2/credentials", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task<int> CountAsync() => (await _http.GetJsonAsync("api/v2/credentials")).GetArrayLength();

    [Fact]
    public async Task Create_ReturnsFieldNamesOnly_AndNoReadEverShowsTheValues()
    {
        var name = NewName();
        const string secret = "pa55-word-never-shown";
        var created = await CreateAsync($$"""{ "name": "{{name}}", "type": "smtp", "description": "Relay", "values": { "host": "127.0.0.1", "port": 2525, "password": "{{secret}}", "username": "ada" } }""");

        Assert.Equal(["host", "password", "port", "username"], created.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray());
        Assert.Equal("smtp", created.Str("type"));
        Assert.Equal((await _http.GetJsonAsync("api/v2/auth/me")).Str("id"), created.Str("created_by"));
        var id = created.Str("id");
        foreach (var path in new[] { $"api/v2/credentials/{id}", "api/v2/credentials", $"api/v1/credentials/{id}" })
        {
            using var response = await _http.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(name, text);
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain("values", text);
        }
        Assert.DoesNotContain(secret, created.GetRawText());
    }

    [Fact]
    public async Task StoredRow_IsAesGcmCiphertextBoundToTenantAndId()
    {
        var name = NewName();
        const string secret = "token-in-the-database-must-be-sealed";
        var created = await CreateAsync($$"""{ "name": "{{name}}", "type": "bearer", "values": { "token": "{{secret}}" } }""");
        var store = server.Services.GetRequiredService<ICredentialStore>();
        var vault = server.Services.GetRequiredService<CredentialVault>();
        var row = (await store.GetAsync("default", created.GetProperty("id").GetGuid()))!;

        Assert.False(row.Secret.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, "the stored bytes contain the plaintext");
        Assert.Equal(secret, vault.Open(row)["token"]);
        // The same ciphertext under another tenant (or id) does not decrypt: the associated data binds it.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => vault.Open(row with { TenantId = "other" }));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => vault.Open(row with { Id = Guid.NewGuid() }));
        var tampered = row.Secret.ToArray();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => vault.Open(row with { Secret = tampered }));

        // Two credentials with equal values get different ciphertexts (a fresh nonce each).
        var twin = await CreateAsync($$"""{ "name": "{{NewName()}}", "type": "bearer", "values": { "token": "{{secret}}" } }""");
        Assert.NotEqual(row.Secret, (await store.GetAsync("default", twin.GetProperty("id").GetGuid()))!.Secret);
    }

    [Fact]
    public void GeneratedKeyFile_IsInTheDataFolder_ReadableByTheOwnerOnly()
    {
        var path = Path.Combine(server.DataDirectory, "credentials.key");
        Assert.True(File.Exists(path));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(path)).Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Update_RenamesAndReplacesValues_WithoutValuesKeepsThem()
    {
        var created = await CreateAsync($$"""{ "name": "{{NewName()}}", "type": "bearer", "values": { "token": "first-token" } }""");
        var id = created.Str("id");
        var renamed = NewName();

        using (var response = await _http.PutAsync($"api/v2/credentials/{id}", HttpJson.Json($$"""{ "name": "{{renamed}}", "description": "new" }""")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var provider = server.Services.GetRequiredService<ICredentialProvider>();
        Assert.Equal("first-token", (await provider.GetAsync("default", renamed))!.Values["token"]);

        using (var response = await _http.PutAsync($"api/v2/credentials/{id}", HttpJson.Json("""{ "values": { "token": "second-token", "extra": "x" } }""")))
        {
            var body = await response.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["extra", "token"], body.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray());
            Assert.Equal("new", body.Str("description"));
        }
        Assert.Equal("second-token", (await provider.GetAsync("default", renamed))!.Values["token"]);
    }

    [Fact]
    public async Task Delete_RemovesIt_ThenItIs404()
    {
        var id = (await CreateAsync($$"""{ "name": "{{NewName()}}", "type": "generic", "values": {} }""")).Str("id");

        using (var response = await _http.DeleteAsync($"api/v2/credentials/{id}")) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using (var response = await _http.DeleteAsync($"api/v2/credentials/{id}")) await response.AssertProblemAsync(404);
        using (var response = await _http.GetAsync($"api/v2/credentials/{id}")) await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task DuplicateName_Is409_AndNothingIsStored()
    {
        var name = NewName();
        await CreateAsync($$"""{ "name": "{{name}}", "type": "bearer", "values": { "token": "a-token" } }""");
        var before = await CountAsync();
        using var response = await _http.PostJsonAsync("api/v2/credentials", $$"""{ "name": "{{name}}", "type": "bearer", "values": { "token": "b-token" } }""");
        await response.AssertProblemAsync(409);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("{ \"name\": ", "$")]
    [InlineData("[1, 2]", "$")]
    [InlineData("""{ "name": 42, "type": "bearer", "values": { "token": "t" } }""", "$.name")]
    [InlineData("""{ "name": "'; DROP TABLE credentials; --", "type": "bearer", "values": { "token": "t" } }""", "$.name")]
    [InlineData("""{ "name": "ok_name", "type": "kerberos", "values": { "token": "t" } }""", "$.type")]
    [InlineData("""{ "name": "ok_name", "type": "bearer", "values": { "token": "" } }""", "$.values")]
    [InlineData("""{ "name": "ok_name", "type": "http_basic", "values": { "username": "u" } }""", "$.values")]
    [InlineData("""{ "name": "ok_name", "type": "bearer", "values": "token" }""", "$.values")]
    [InlineData("""{ "name": "ok_name", "type": "bearer", "values": { "token": { "nested": 1 } } }""", "$.values.token")]
    [InlineData("""{ "name": "ok_name", "type": "bearer", "values": { "bad key<script>": "t", "token": "t" } }""", "$.values.bad key<script>")]
    [InlineData("""{ "name": "ok_name", "type": "bearer", "values": { "token": "t" }, "owner": "root" }""", "$.owner")]
    [InlineData("""{ "name": "ok_name", "type": "bearer", "description": "line\u0000break", "values": { "token": "t" } }""", "$.description")]
    public async Task Create_BadInput_IsAProblemNamingTheField_AndNothingIsStored(string body, string field)
    {
        var before = await CountAsync();
        using var response = await _http.PostJsonAsync("api/v2/credentials", body);
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains(field, problem.ErrorKeys());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Create_OversizedBody_Is413_AndNothingIsStored()
    {
        var before = await CountAsync();
        var huge = new string('x', (int)TestServer.MaxRequestBodyBytes + 10);
        using var response = await _http.PostJsonAsync("api/v2/credentials", $$"""{ "name": "big", "type": "generic", "values": { "blob": "{{huge}}" } }""");
        await response.AssertProblemAsync(413);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Update_BadInput_IsAProblem_AndTheCredentialIsUnchanged()
    {
        var created = await CreateAsync($$"""{ "name": "{{NewName()}}", "type": "bearer", "values": { "token": "keep-me" } }""");
        var id = created.Str("id");
        using (var response = await _http.PutAsync($"api/v2/credentials/{id}", HttpJson.Json("""{ "type": "http_basic" }""")))
            Assert.Contains("$.values", (await response.AssertProblemAsync(400)).ErrorKeys());
        using (var response = await _http.PutAsync($"api/v2/credentials/{id}", HttpJson.Json("""{ "values": { "token": 5 }, "hack": true }""")))
            Assert.Contains("$.hack", (await response.AssertProblemAsync(400)).ErrorKeys());
        using (var response = await _http.PutAsync($"api/v2/credentials/{Guid.NewGuid()}", HttpJson.Json("""{ "description": "x" }""")))
            await response.AssertProblemAsync(404);
        var after = await _http.GetJsonAsync($"api/v2/credentials/{id}");
        Assert.Equal(created.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task AnotherTenantsCredential_Is404_AndStepsOfThisTenantCannotUseIt()
    {
        var store = server.Services.GetRequiredService<ICredentialStore>();
        var vault = server.Services.GetRequiredService<CredentialVault>();
        var id = Guid.NewGuid();
        var name = NewName();
        var now = DateTimeOffset.UtcNow;
        await store.CreateAsync(new CredentialRecord(id, "tenant-b", name, "bearer", null, ["token"],
            vault.Seal("tenant-b", id, new Dictionary<string, string> { ["token"] = "b-secret" }), vault.CurrentKeyId, now, now, "b", "b"));

        using (var response = await _http.GetAsync($"api/v2/credentials/{id}")) await response.AssertProblemAsync(404);
        using (var response = await _http.PutAsync($"api/v2/credentials/{id}", HttpJson.Json("""{ "description": "mine now" }"""))) await response.AssertProblemAsync(404);
        using (var response = await _http.DeleteAsync($"api/v2/credentials/{id}")) await response.AssertProblemAsync(404);
        Assert.DoesNotContain(name, (await _http.GetJsonAsync("api/v2/credentials")).GetRawText());

        var provider = server.Services.GetRequiredService<ICredentialProvider>();
        Assert.Null(await provider.GetAsync("default", name));
        Assert.Equal("b-secret", (await provider.GetAsync("tenant-b", name))!.Values["token"]);
    }

    [Fact]
    public async Task Reencrypt_ReportsTheCurrentKey_AndNothingToDoWhenAllAreCurrent()
    {
        using var response = await _http.PostAsync("api/v2/credentials/reencrypt", null);
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, body.GetProperty("reencrypted").GetInt32());
        Assert.Equal(server.Services.GetRequiredService<CredentialVault>().CurrentKeyId, body.Str("key_id"));
    }
}
