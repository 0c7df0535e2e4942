namespace OpenClaw.Storage.Postgres;

/// <summary>
/// The database could not be reached or brought to the schema this build expects (a bad connection string, a server
/// too old, a migration that failed, or a database already migrated by a newer build). The driver's exception, if
/// any, is kept as <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class PostgresStorageException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public PostgresStorageException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public PostgresStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
