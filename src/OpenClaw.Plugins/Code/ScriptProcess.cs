using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Code;

/// <summary>Runs JavaScript or Python code in a child interpreter process and reads its result.</summary>
/// <remarks>
/// The request (code and inputs) goes in on stdin and the result comes back as one JSON object on stdout (see
/// <see cref="ScriptBootstraps"/>). The process is killed, with its children, when the step times out or is cancelled, and
/// when its stdout grows past the output limit. The last lines of stderr (what the code printed) are logged.
/// </remarks>
internal static class ScriptProcess
{
    private const int StderrTailChars = 4096;
    private const int MaxLoggedLines = 200;

    public static async Task<JsonNode?> RunAsync(
        ScriptLanguage language, string interpreter, string code, JsonObject inputs, int maxOutputBytes, ILogger logger,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (language == ScriptLanguage.JavaScript)
        {
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add(ScriptBootstraps.JavaScript);
            start.Environment.Remove("NODE_OPTIONS"); // could preload modules into the process
        }
        else
        {
            // -I: ignore PYTHON* variables and the user's site-packages; -X utf8: UTF-8 whatever the locale.
            start.ArgumentList.Add("-I");
            start.ArgumentList.Add("-X");
            start.ArgumentList.Add("utf8");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(ScriptBootstraps.Python);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new PluginException($"{language.DisplayName()} could not start '{interpreter}': {e.Message}", retryable: false, e);
        }

        try
        {
            var stderr = new StderrTail();
            var stderrTask = ReadStderrAsync(process.StandardError, stderr, logger);
            var stdoutTask = ReadBoundedAsync(process.StandardOutput.BaseStream, maxOutputBytes, cancellationToken);

            var request = new JsonObject { ["code"] = code, ["inputs"] = inputs.DeepClone() };
            try
            {
                await process.StandardInput.WriteAsync(request.ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The interpreter exited before reading its input; its exit code and stderr say why.
            }

            var stdout = await stdoutTask.ConfigureAwait(false);
            if (stdout is null)
            {
                Kill(process); // it may be blocked writing the rest
                throw new PluginException(
                    $"{language.DisplayName()} code returned more than {maxOutputBytes.ToString(CultureInfo.InvariantCulture)} bytes of result",
                    retryable: false);
            }
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await stderrTask.ConfigureAwait(false);
            return Interpret(language, interpreter, stdout, process.ExitCode, stderr.Text);
        }
        finally
        {
            if (!process.HasExited) Kill(process);
        }
    }

    private static JsonNode? Interpret(ScriptLanguage language, string interpreter, byte[] stdout, int exitCode, string stderr)
    {
        JsonObject? answer = null;
        try
        {
            answer = stdout.Length > 0 ? JsonNode.Parse(stdout) as JsonObject : null;
        }
        catch (JsonException)
        {
            // Not the bootstrap's answer: the interpreter itself failed.
        }

        if (answer is null)
        {
            var detail = stderr.Length > 0 ? $": {LastLines(stderr)}" : "";
            throw new PluginException(
                $"{language.DisplayName()} ({interpreter}) exited with code {exitCode.ToString(CultureInfo.InvariantCulture)} without a result{detail}",
                retryable: false);
        }

        if ((bool?)answer["ok"] == true) return answer["result"]?.DeepClone();

        var type = (string?)answer["type"] ?? "Error";
        var line = answer["line"] is JsonValue l && l.TryGetValue<int>(out var n) ? $" at line {n.ToString(CultureInfo.InvariantCulture)}" : "";
        var message = (string?)answer["error"] ?? "";
        var verb = type == "SyntaxError" ? "does not compile" : $"threw {type}";
        throw new PluginException($"{language.DisplayName()} code {verb}{line}: {message}", retryable: false);
    }

    /// <summary>Reads the whole stream, or returns <see langword="null"/> (and stops reading) once it exceeds the limit.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task ReadStderrAsync(StreamReader reader, StderrTail tail, ILogger logger)
    {
        try
        {
            var logged = 0;
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                tail.Append(line);
                // What the code prints is kept in the step's log, up to a point: a print loop must not flood the history.
                if (logged < MaxLoggedLines) logger.LogInformation("{Output}", line);
                else if (logged == MaxLoggedLines) logger.LogWarning("Further output of the code is not logged (more than {Lines} lines)", MaxLoggedLines);
                logged++;
            }
        }
        catch (IOException)
        {
            // The process was killed mid-line.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
        catch (Win32Exception)
        {
            // Could not be signalled; it is exiting.
        }
    }

    private static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(3));
    }

    /// <summary>The last few kilobytes of stderr, for error messages.</summary>
    private sealed class StderrTail
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public string Text
        {
            get
            {
                lock (_lock) return _text.ToString();
            }
        }

        public void Append(string line)
        {
            lock (_lock)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > StderrTailChars) _text.Remove(0, _text.Length - StderrTailChars);
            }
        }
    }
}
