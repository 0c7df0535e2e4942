namespace OpenClaw.Storage.Sqlite;

/// <summary>Where the embedded database lives and how hard it syncs to disk.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Path of the database file; its folder is created when missing.</summary>
    public string DataSource { get; set; } = "";

    /// <summary>
    /// <c>FULL</c> (default) syncs the WAL on every commit, so a committed transition survives power loss;
    /// <c>NORMAL</c> is faster and still never corrupts the database, but may lose the last commits on power loss.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    /// <summary>How long a statement waits for another process's write lock before failing.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>Reader connections kept open for queries (WAL lets them read while the writer commits).</summary>
    public int MaxReaderConnections { get; set; } = 4;

    /// <exception cref="ArgumentException">An option is out of range.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            throw new ArgumentException("SqliteStorageOptions.DataSource must be the path of the database file.", nameof(DataSource));
        }

        if (DataSource.Trim().StartsWith(':') || DataSource.Contains('=', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"SqliteStorageOptions.DataSource must be a file path, not '{DataSource}' (in-memory databases and connection strings are not supported: WAL needs a file shared by several connections).",
                nameof(DataSource));
        }

        if (!string.Equals(Synchronous, "FULL", StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(Synchronous, "NORMAL", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"SqliteStorageOptions.Synchronous must be FULL or NORMAL, not '{Synchronous}'.", nameof(Synchronous));
        }

        if (BusyTimeoutMs < 0)
        {
            throw new ArgumentException($"SqliteStorageOptions.BusyTimeoutMs must be zero or more, not {BusyTimeoutMs}.", nameof(BusyTimeoutMs));
        }

        if (MaxReaderConnections < 1)
        {
            throw new ArgumentException($"SqliteStorageOptions.MaxReaderConnections must be at least 1, not {MaxReaderConnections}.", nameof(MaxReaderConnections));
        }
    }
}
