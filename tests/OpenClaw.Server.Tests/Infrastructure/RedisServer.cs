using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpenClaw.Server.Caching.Redis;

namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, no persistence, killed on dispose. Each test starts its own,
/// so tests never share keys.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port, string? password)
    {
        _process = process;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string? Password { get; }

    /// <summary>The address as <c>OpenClaw:Cache:Redis</c> takes it.</summary>
    public string Address => Password is null ? $"127.0.0.1:{Port}" : $"redis://:{Password}@127.0.0.1:{Port}";

    public static string? Executable { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);

    public static async Task<RedisServer> StartAsync(string? password = null)
    {
        if (Executable is null) throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server");
        var port = FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--protected-mode", "no"])
            start.ArgumentList.Add(arg);
        if (password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(password);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, password);
        await using var client = new RedisClient(RedisSettings.Parse(server.Address));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await client.PingAsync();
                return server;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server (for tests of an unreachable Redis) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A test that needs redis-server: skipped with the reason where it is missing, except in CI (<c>CI=true</c>), where it must run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.Executable is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "redis-server is not installed: apt-get install -y redis-server";
    }
}

/// <summary>A test that needs both redis-server and PostgreSQL (several nodes sharing both); skipped as either would skip it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresRedisFactAttribute : FactAttribute
{
    public PostgresRedisFactAttribute()
    {
        Skip = new RedisFactAttribute().Skip ?? new OpenClaw.Runtime.Tests.ScaleOut.PostgresFactAttribute().Skip;
    }
}
