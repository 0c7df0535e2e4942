namespace OpenClaw.Cli.Tests.Infrastructure;

/// <summary>What one in-process run of the command line printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs <c>openclaw</c> in this process through its command tree, capturing stdout and stderr.</summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public static async Task<CliResult> RunAsync(string[] args, CancellationToken ct, ConcurrentStringWriter? err = null)
    {
        var output = new ConcurrentStringWriter();
        err ??= new ConcurrentStringWriter();
        int code = await CliApp.RunAsync(args, output, err, cancellationToken: ct);
        return new CliResult(code, output.ToString(), err.ToString());
    }

    /// <summary>A sample shipped in <c>samples/workflows</c>, copied next to the tests.</summary>
    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", name);
}

/// <summary>A temporary folder for workflow files, deleted with the test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "openclaw-cli-test-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}

/// <summary>A string writer that workers' threads may write to while the test reads it.</summary>
public sealed class ConcurrentStringWriter : StringWriter
{
    private readonly Lock _gate = new();

    public override void Write(char value)
    {
        lock (_gate) base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate) base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate) base.Write(buffer);
    }

    public override void Write(string? value)
    {
        lock (_gate) base.Write(value);
    }

    public override void WriteLine(string? value)
    {
        lock (_gate) base.WriteLine(value);
    }

    public override string ToString()
    {
        lock (_gate) return base.ToString();
    }
}
