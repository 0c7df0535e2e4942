namespace OpenClaw.Core.Storage;

/// <summary>
/// The page cursor of a workflow's version history (newest first): the last version returned, in the same opaque
/// form as <see cref="KeysetCursor"/>. Shared by every backend.
/// </summary>
public static class VersionCursor
{
    /// <summary>The version to list below: <see cref="int.MaxValue"/> for the first page.</summary>
    /// <exception cref="ArgumentException">The cursor was not produced by <see cref="Page"/>.</exception>
    public static int Decode(string? cursor)
    {
        if (cursor is null) return int.MaxValue;
        var (version, kind) = KeysetCursor.Decode(cursor);
        if (kind != "version" || version is < 1 or > int.MaxValue)
            throw new ArgumentException("The paging cursor is not valid; pass back the NextCursor of a previous page unchanged.", nameof(cursor));
        return (int)version;
    }

    /// <summary>A page from up to <paramref name="take"/> + 1 rows read newest first (the extra row says whether more follow).</summary>
    public static Page<WorkflowVersionRecord> Page(List<WorkflowVersionRecord> rows, int take)
    {
        if (rows.Count <= take) return new Page<WorkflowVersionRecord>(rows, null);
        rows.RemoveAt(take);
        return new Page<WorkflowVersionRecord>(rows, KeysetCursor.Encode(rows[^1].Version, "version"));
    }
}
