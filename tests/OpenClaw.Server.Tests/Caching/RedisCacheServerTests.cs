using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Core.Caching;
using OpenClaw.Server.Caching.Redis;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Caching;

/// <summary>The server with <c>OpenClaw:Cache:Redis</c> set, against a real redis-server of its own.</summary>
public sealed class RedisCacheServerTests
{
    [RedisFact]
    public async Task WorkflowDefinitions_AreCachedInRedisUnderTheSpecKey_AndInvalidatedOnChange()
    {
        await using var redis = await RedisServer.StartAsync(password: "pw-for-tests");
        var dataDirectory = TestServer.NewDataDirectory();
        var server = await TestServer.StartAsync(dataDirectory, "--OpenClaw:Cache:Redis", redis.Address);
        await using var probe = new RedisClient(RedisSettings.Parse(redis.Address));
        try
        {
            Assert.IsType<RedisCache>(server.Services.GetRequiredService<ICache>());
            var id = Definitions.NewId("redis");
            (await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id))).Dispose();
            using (var started = await server.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}"))
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

            var key = $"workflow:default/{id}";
            Assert.Contains(id, await probe.GetAsync(key));
            var ttl = (long)(await probe.ExecuteAsync(["TTL", key]))!;
            Assert.InRange(ttl, 3500, 3600);

            (await server.Client.PutAsync($"api/v2/workflows/{id}", HttpJson.Json(Definitions.HelloJson(id, "Changed")))).Dispose();
            Assert.Null(await probe.GetAsync(key));

            using var ready = await server.Client.GetAsync("health/ready");
            var redisCheck = (await ready.ReadJsonAsync()).GetProperty("checks").GetProperty("redis");
            Assert.Equal("healthy", redisCheck.Str("status"));
            Assert.DoesNotContain("pw-for-tests", redisCheck.Str("description"));
        }
        finally
        {
            await server.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }

    [RedisFact]
    public async Task RedisDown_ReadyIs503_ButTheApiStillWorksFromTheDatabase()
    {
        var redis = await RedisServer.StartAsync();
        var dataDirectory = TestServer.NewDataDirectory();
        var server = await TestServer.StartAsync(dataDirectory, "--OpenClaw:Cache:Redis", redis.Address);
        try
        {
            await redis.DisposeAsync();

            using var ready = await server.Client.GetAsync("health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = await ready.ReadJsonAsync();
            Assert.Equal("unhealthy", body.Str("status"));
            Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("redis").Str("status"));
            Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").Str("status"));

            var id = Definitions.NewId("redis");
            using (var created = await server.Client.PostJsonAsync("api/v2/workflows", Definitions.HelloJson(id)))
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var started = await server.Client.PostJsonAsync($"api/v2/workflows/{id}/executions", "{}");
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
            TestServer.DeleteDirectory(dataDirectory);
        }
    }
}
