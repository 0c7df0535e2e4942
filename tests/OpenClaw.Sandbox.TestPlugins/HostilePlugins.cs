using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox.TestPlugins;

/// <summary>Opens a TCP connection to 127.0.0.1 on the port given and sends a line.</summary>
[Plugin("connect", Permissions = ["network"])]
public sealed class ConnectPlugin : Plugin
{
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", (int)inputs["port"]!, context.CancellationToken);
        await client.GetStream().WriteAsync("hello from the sandbox\n"u8.ToArray(), context.CancellationToken);
        return new JsonObject { ["connected"] = true };
    }
}

/// <summary>Tries to connect and hides the failure, as a plugin probing for the network might.</summary>
[Plugin("connect-quietly")]
public sealed class ConnectQuietlyPlugin : Plugin
{
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", (int)inputs["port"]!, context.CancellationToken);
            return new JsonObject { ["connected"] = true };
        }
        catch (SocketException)
        {
            return new JsonObject { ["connected"] = false };
        }
    }
}

/// <summary>Allocates 1 MB blocks and keeps them until something stops it; <c>native</c> allocates outside the GC heap.</summary>
[Plugin("allocate")]
public sealed class AllocatePlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var native = (string?)inputs["mode"] == "native";
        var kept = new List<byte[]>();
        var allocated = 0;
        try
        {
            while (true)
            {
                if (native)
                {
                    var block = Marshal.AllocHGlobal(1 << 20);
                    unsafe { new Span<byte>((void*)block, 1 << 20).Fill(1); }
                }
                else
                {
                    var block = new byte[1 << 20];
                    block.AsSpan().Fill(1);
                    kept.Add(block);
                }
                allocated++;
            }
        }
        catch (OutOfMemoryException)
        {
            // A plugin that catches the error and carries on must still be stopped.
            return ValueTask.FromResult(new JsonObject { ["survivedMb"] = allocated });
        }
    }
}

/// <summary>Burns CPU forever, ignoring cancellation.</summary>
[Plugin("spin")]
public sealed class SpinPlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var x = 0UL;
        while (true) x = unchecked(x * 6364136223846793005UL + 1442695040888963407UL);
    }
}

/// <summary>Blocks forever without using CPU, ignoring cancellation.</summary>
[Plugin("hang")]
public sealed class HangPlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        Thread.Sleep(Timeout.Infinite);
        return ValueTask.FromResult(new JsonObject());
    }
}

/// <summary>Prints to stdout without end (the "prints gigabytes" plugin).</summary>
[Plugin("flood")]
public sealed class FloodPlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var line = new string('x', 1023);
        while (true) Console.Out.WriteLine(line);
    }
}

/// <summary>Crashes its process: an unhandled exception on a thread of its own.</summary>
[Plugin("crash")]
public sealed class CrashPlugin : Plugin
{
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        var thread = new Thread(() => throw new InvalidOperationException("crashing the runner on purpose"));
        thread.Start();
        thread.Join();
        return ValueTask.FromResult(new JsonObject());
    }
}

/// <summary>Starts a child process (<c>/bin/sh -c "echo …"</c>) and returns what it printed.</summary>
[Plugin("spawn", Permissions = ["process"])]
public sealed class SpawnPlugin : Plugin
{
    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "echo child says hi"])
        {
            RedirectStandardOutput = true,
        })!;
        var output = await child.StandardOutput.ReadToEndAsync(context.CancellationToken);
        await child.WaitForExitAsync(context.CancellationToken);
        return new JsonObject { ["output"] = output.Trim() };
    }
}
