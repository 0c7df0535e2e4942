namespace OpenClaw.Storage.Sqlite;

/// <summary>
/// The database could not be opened or brought to the schema this build expects (an unreadable file, an SQLite too old,
/// a migration that failed, or a database already migrated by a newer build). The driver's exception, if any, is kept as
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class SqliteStorageException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public SqliteStorageException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SqliteStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
