using OpenClaw.Server.Caching.Redis;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Caching;

/// <summary>The hand-written RESP2 client against a real redis-server.</summary>
public sealed class RedisClientTests
{
    [RedisFact]
    public async Task SetGetDelete_RoundTripUnicodeAndLargeValues()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var client = new RedisClient(RedisSettings.Parse(redis.Address));
        var large = new string('x', 100_000) + "✓ 日本語";

        await client.PingAsync();
        Assert.Null(await client.GetAsync("workflow:default/none"));
        await client.SetAsync("workflow:default/a", large, TimeSpan.FromHours(1));
        await client.SetAsync("workflow:default/empty", "", TimeSpan.FromHours(1));

        Assert.Equal(large, await client.GetAsync("workflow:default/a"));
        Assert.Equal("", await client.GetAsync("workflow:default/empty"));
        Assert.True(await client.DeleteAsync("workflow:default/a"));
        Assert.False(await client.DeleteAsync("workflow:default/a"));
        Assert.Null(await client.GetAsync("workflow:default/a"));
    }

    [RedisFact]
    public async Task Set_WithTimeToLive_ExpiresOnTheServer()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var client = new RedisClient(RedisSettings.Parse(redis.Address));

        await client.SetAsync("config:short", "v", TimeSpan.FromMilliseconds(300));
        var ttl = (long)(await client.ExecuteAsync(["TTL", "config:short"]))!;

        Assert.Equal(1, ttl);
        await Poll.UntilAsync(() => client.GetAsync("config:short"), v => v is null, TimeSpan.FromSeconds(10), "the key to expire");
    }

    [RedisFact]
    public async Task ManyConcurrentCommands_ShareThePoolWithoutMixingReplies()
    {
        await using var redis = await RedisServer.StartAsync();
        // A generous timeout: this is about replies reaching the right caller, and 200 commands queue for 4 connections
        // on a machine that may be busy with other tests.
        await using var client = new RedisClient(RedisSettings.Parse(redis.Address), maxConnections: 4, operationTimeout: TimeSpan.FromSeconds(30));

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.SetAsync($"k{i}", $"v{i}", TimeSpan.FromMinutes(1))));
        var values = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.GetAsync($"k{i}")));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"v{i}"), values);
    }

    [RedisFact]
    public async Task Password_IsSentWithAuth_AndAWrongOneIsRefused()
    {
        await using var redis = await RedisServer.StartAsync(password: "s3cret-pass");
        await using var good = new RedisClient(RedisSettings.Parse(redis.Address));
        await using var bad = new RedisClient(RedisSettings.Parse($"redis://:wrong@127.0.0.1:{redis.Port}"));
        await using var none = new RedisClient(RedisSettings.Parse($"127.0.0.1:{redis.Port}"));

        await good.PingAsync();
        await Assert.ThrowsAsync<RedisException>(() => bad.PingAsync());
        var noAuth = await Assert.ThrowsAsync<RedisException>(() => none.PingAsync());
        Assert.Contains("NOAUTH", noAuth.Message);
    }

    [RedisFact]
    public async Task ServerGone_CommandsFailWithinTheTimeout_NotHang()
    {
        var redis = await RedisServer.StartAsync();
        await using var client = new RedisClient(RedisSettings.Parse(redis.Address), operationTimeout: TimeSpan.FromSeconds(1));
        await client.SetAsync("a", "1", TimeSpan.FromMinutes(1));
        await redis.DisposeAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // The pooled connection is dead (reset) and a new one is refused.
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync("a"));
        await Assert.ThrowsAnyAsync<Exception>(() => client.PingAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("localhost:6380", "localhost", 6380, null, 0)]
    [InlineData("redis://:pw@cache:7000/3", "cache", 7000, "pw", 3)]
    [InlineData("redis://cache", "cache", 6379, null, 0)]
    public void Settings_Parse(string text, string host, int port, string? password, int database)
    {
        var settings = RedisSettings.Parse(text);

        Assert.Equal((host, port, password, database), (settings.Host, settings.Port, settings.Password, settings.Database));
        Assert.DoesNotContain("pw", settings.ToString());
    }

    [Theory]
    [InlineData("http://cache:6379")]
    [InlineData("redis://cache:6379/x")]
    [InlineData("")]
    public void Settings_ParseRejectsWhatIsNotARedisAddress(string text) => Assert.Throws<FormatException>(() => RedisSettings.Parse(text));
}
