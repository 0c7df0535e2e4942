using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Plugins;
using OpenClaw.Server.Credentials;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Integrations;

/// <summary>The operator's key: rotation through OldKeys and re-encryption on start; a wrong key refuses to decrypt.</summary>
public sealed class CredentialKeyRotationTests
{
    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task RotatedKey_ReencryptsOnStart_AndValuesStayReadable()
    {
        var data = TestServer.NewDataDirectory();
        var (oldKey, newKey) = (NewKey(), NewKey());
        try
        {
            string oldKeyId;
            await using (var first = await TestServer.StartAsync(data, "--OpenClaw:Credentials:Key", oldKey))
            {
                using var created = await first.Client.PostJsonAsync("api/v2/credentials", """{ "name": "rotating", "type": "bearer", "values": { "token": "survives-rotation" } }""");
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                oldKeyId = first.Services.GetRequiredService<CredentialVault>().CurrentKeyId;
                Assert.False(File.Exists(Path.Combine(data, "credentials.key")), "a configured key must not be written to disk");
            }

            // Without the old key the value cannot be opened: it is really encrypted under it.
            await using (var wrong = await TestServer.StartAsync(data, "--OpenClaw:Credentials:Key", newKey))
            {
                Assert.Null(await wrong.Services.GetRequiredService<ICredentialProvider>().GetAsync("default", "rotating"));
                Assert.Equal(oldKeyId, (await wrong.Services.GetRequiredService<ICredentialStore>().FindByNameAsync("default", "rotating"))!.KeyId);
                using var reencrypt = await wrong.Client.PostAsync("api/v2/credentials/reencrypt", null);
                Assert.Equal(1, (await reencrypt.ReadJsonAsync()).GetProperty("unreadable").GetInt32());
            }

            await using (var rotated = await TestServer.StartAsync(data, "--OpenClaw:Credentials:Key", newKey, "--OpenClaw:Credentials:OldKeys:0", oldKey))
            {
                var row = await rotated.Services.GetRequiredService<ICredentialStore>().FindByNameAsync("default", "rotating");
                Assert.Equal(rotated.Services.GetRequiredService<CredentialVault>().CurrentKeyId, row!.KeyId);
                Assert.NotEqual(oldKeyId, row.KeyId);
            }

            await using (var onlyNew = await TestServer.StartAsync(data, "--OpenClaw:Credentials:Key", newKey))
                Assert.Equal("survives-rotation", (await onlyNew.Services.GetRequiredService<ICredentialProvider>().GetAsync("default", "rotating"))!.Values["token"]);
        }
        finally
        {
            TestServer.DeleteDirectory(data);
        }
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    public async Task ABadKey_StopsTheServerAtStart_WithAMessageNamingTheSetting(string key)
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(data, "--OpenClaw:Credentials:Key", key));
            Assert.Contains("OpenClaw:Credentials:Key", error.ToString());
        }
        finally
        {
            TestServer.DeleteDirectory(data);
        }
    }
}
