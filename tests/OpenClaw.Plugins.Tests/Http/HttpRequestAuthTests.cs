using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Http;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Tests.Http;

/// <summary>Credentials from the context and inline auth, as the server receives them.</summary>
public sealed class HttpRequestAuthTests(EchoServer server) : IClassFixture<EchoServer>
{
    private readonly HttpRequestPlugin _plugin = new();

    private Task<JsonObject> Send(JsonNode auth, TestPluginContext context) =>
        _plugin.ExecuteAsync(new JsonObject { ["url"] = server.Url("/echo"), ["auth"] = auth }, context).AsTask();

    private static JsonObject Credential(string name) => new() { ["credential"] = name };

    [Fact]
    public async Task BasicCredential_SendsBasicAuthorization()
    {
        var context = new TestPluginContext().WithCredential("crm", "basic", ("username", "ann"), ("password", "s3cret:x"));

        var output = await Send(Credential("crm"), context);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ann:s3cret:x"));
        Assert.Equal(expected, (string?)output["body"]!["headers"]!["authorization"]);
    }

    [Fact]
    public async Task BearerCredential_SendsBearerAuthorization()
    {
        var context = new TestPluginContext().WithCredential("api", "bearer", ("token", "tok-123"));

        var output = await Send(Credential("api"), context);

        Assert.Equal("Bearer tok-123", (string?)output["body"]!["headers"]!["authorization"]);
    }

    [Fact]
    public async Task ApiKeyCredential_SendsTheNamedHeader()
    {
        var context = new TestPluginContext().WithCredential("svc", "api-key", ("header", "X-Service-Key"), ("value", "k-1"));

        var output = await Send(Credential("svc"), context);

        Assert.Equal("k-1", (string?)output["body"]!["headers"]!["x-service-key"]);
    }

    [Fact]
    public async Task ApiKeyCredential_WithoutAName_UsesXApiKey()
    {
        var context = new TestPluginContext().WithCredential("svc", "api-key", ("value", "k-2"));

        var output = await Send(Credential("svc"), context);

        Assert.Equal("k-2", (string?)output["body"]!["headers"]!["x-api-key"]);
    }

    [Fact]
    public async Task ApiKeyInQuery_IsSent_ButNotReportedInTheOutputUrl()
    {
        var context = new TestPluginContext().WithCredential("maps", "api-key", ("name", "key"), ("value", "secret-k"), ("in", "query"));

        var output = await Send(Credential("maps"), context);

        Assert.Equal("secret-k", (string?)output["body"]!["args"]!["key"]![0]);
        Assert.DoesNotContain("secret-k", (string?)output["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InlineBearer_SendsBearerAuthorization_OverridingAnAuthorizationHeader()
    {
        var output = await _plugin.ExecuteAsync(new JsonObject
        {
            ["url"] = server.Url("/echo"),
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer stale" },
            ["auth"] = new JsonObject { ["type"] = "bearer", ["token"] = "fresh" },
        }, new TestPluginContext());

        Assert.Equal("Bearer fresh", (string?)output["body"]!["headers"]!["authorization"]);
    }

    [Fact]
    public async Task UnknownCredential_FailsWithoutRetry()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Credential("missing"), new TestPluginContext()));

        Assert.False(error.Retryable);
        Assert.Contains("credential 'missing' was not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialMissingAValue_NamesTheField_WithoutRevealingOthers()
    {
        var context = new TestPluginContext().WithCredential("half", "basic", ("password", "hunter2"));

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Credential("half"), context));

        Assert.False(error.Retryable);
        Assert.Contains("'username'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedCredentialType_FailsWithoutRetry()
    {
        var context = new TestPluginContext().WithCredential("mail", "smtp", ("host", "x"));

        var error = await Assert.ThrowsAsync<PluginException>(() => Send(Credential("mail"), context));

        Assert.False(error.Retryable);
        Assert.Contains("unsupported auth type 'smtp'", error.Message, StringComparison.Ordinal);
    }
}
