namespace OpenClaw.Cli;

/// <summary>What the process exit code means, so scripts can branch on it.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The workflow ran and failed (or was cancelled).</summary>
    public const int WorkflowFailed = 1;

    /// <summary>Bad input: an invalid file, bad arguments, a server error.</summary>
    public const int InvalidInput = 2;

    /// <summary>Interrupted with Ctrl+C.</summary>
    public const int Interrupted = 130;
}
