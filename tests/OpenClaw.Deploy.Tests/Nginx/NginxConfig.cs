using System.Globalization;
using System.Text.RegularExpressions;
using OpenClaw.Deploy.Tests.Infrastructure;

namespace OpenClaw.Deploy.Tests.Nginx;

/// <summary>
/// deploy/nginx/openclaw.conf rendered for loopback: its upstream servers become local API processes, it listens on a
/// local port and logs into a folder of the test's own; everything else is the file as shipped. The main
/// configuration around it sets the pid, error log and temp paths into the same folder, so no root is needed.
/// </summary>
internal static partial class NginxConfig
{
    public static string ShippedPath => Repository.PathOf("deploy", "nginx", "openclaw.conf");

    /// <summary>Rewrites the shipped file; fails if its shape changed so that a rewrite would silently miss.</summary>
    /// <param name="webhookRate">Replaces the webhook rate limit (e.g. <c>1r/s</c>), or keeps the shipped one when null.</param>
    public static string Render(IReadOnlyList<int> apiPorts, int listenPort, string folder, string? webhookRate = null)
    {
        if (apiPorts.Count == 0) throw new ArgumentException("At least one API port.", nameof(apiPorts));
        var text = File.ReadAllText(ShippedPath);

        var servers = UpstreamServer().Matches(text);
        if (servers.Count == 0) throw new InvalidOperationException($"No `server host:port ...;` line in {ShippedPath}'s upstream.");
        var indent = servers[0].Groups["indent"].Value;
        var parameters = servers[0].Groups["parameters"].Value;
        var loopback = string.Join("\n", apiPorts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{indent}server 127.0.0.1:{p}{parameters};")));
        text = text.Remove(servers[0].Index, servers[^1].Index + servers[^1].Length - servers[0].Index).Insert(servers[0].Index, loopback);

        text = ReplaceOnce(text, Listen(), string.Create(CultureInfo.InvariantCulture, $"listen 127.0.0.1:{listenPort};"), "listen");
        text = ReplaceOnce(text, AccessLog(), $"access_log {Path.Combine(folder, "access.log")} ", "access_log");
        if (webhookRate is not null) text = ReplaceOnce(text, Rate(), $"rate={webhookRate}", "rate=");
        return text;
    }

    /// <summary>The main configuration around the rendered file, with every path inside <paramref name="folder"/>.</summary>
    public static string MainFile(string folder, string includedFile) => $$"""
        daemon off;
        worker_processes 1;
        pid {{folder}}/nginx.pid;
        error_log {{folder}}/error.log warn;
        events { worker_connections 1024; }
        http {
            client_body_temp_path {{folder}}/client_body;
            proxy_temp_path {{folder}}/proxy;
            fastcgi_temp_path {{folder}}/fastcgi;
            uwsgi_temp_path {{folder}}/uwsgi;
            scgi_temp_path {{folder}}/scgi;
            include {{includedFile}};
        }
        """;

    /// <summary>Writes both files into <paramref name="folder"/> and returns the main file's path.</summary>
    public static string WriteAll(string folder, string rendered)
    {
        // As root, nginx's workers run as nobody and must reach the temp folders inside this one.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var included = Path.Combine(folder, "openclaw.conf");
        File.WriteAllText(included, rendered);
        var main = Path.Combine(folder, "nginx.conf");
        File.WriteAllText(main, MainFile(folder, included));
        return main;
    }

    private static string ReplaceOnce(string text, Regex pattern, string replacement, string what)
    {
        var matches = pattern.Matches(text);
        if (matches.Count != 1) throw new InvalidOperationException($"Expected one `{what}` directive in {ShippedPath}, found {matches.Count}.");
        return text.Remove(matches[0].Index, matches[0].Length).Insert(matches[0].Index, replacement);
    }

    [GeneratedRegex(@"^(?<indent>[ \t]+)server[ \t]+[^\s;{]+:\d+(?<parameters>[^;\n]*);", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"listen[ \t]+80;")]
    private static partial Regex Listen();

    [GeneratedRegex(@"access_log[ \t]+/\S+[ \t]+")]
    private static partial Regex AccessLog();

    [GeneratedRegex(@"rate=\d+r/[sm]")]
    private static partial Regex Rate();
}
