using System.Runtime.InteropServices;

namespace OpenClaw.Sandbox.Runner;

/// <summary>The few libc calls the runner needs (Linux x86-64 and arm64 numbering).</summary>
internal static unsafe partial class Native
{
    public const int RlimitCpu = 0;
    public const int RlimitFsize = 1;
    public const int RlimitData = 2;
    public const int RlimitCore = 4;
    public const int RlimitNofile = 7;
    public const int RlimitAs = 9;

    /// <summary>errno for "read-only file system"; .NET puts it in <see cref="Exception.HResult"/> of the IOException it raises.</summary>
    public const int Erofs = 30;

    /// <summary>errno for "operation not permitted", what the process filter answers.</summary>
    public const int Eperm = 1;

    private static delegate* unmanaged<int, void> s_exit;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Resolves <c>_exit</c> up front, so leaving on an out-of-memory error needs no allocation or binding.</summary>
    public static void PrepareExit()
    {
        var libc = NativeLibrary.Load("libc.so.6");
        s_exit = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(libc, "_exit");
    }

    /// <summary>Ends the process at once: no finalizers, no flushing, nothing that could allocate.</summary>
    public static void Exit(int code)
    {
        if (s_exit != null) s_exit(code);
        Environment.Exit(code);
    }

    /// <summary>Sets a resource limit. Throws when the kernel refuses: a limit we cannot apply must stop the runner.</summary>
    public static void SetLimit(int resource, ulong soft, ulong hard)
    {
        var limit = new RLimit { Current = soft, Maximum = hard };
        if (SetRLimit(resource, &limit) != 0)
            throw new InvalidOperationException($"setrlimit({resource}, {soft}, {hard}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Lowers both limits to <paramref name="value"/> (never raises a limit already lower).</summary>
    public static void LowerLimit(int resource, ulong value)
    {
        var (_, hard) = GetLimit(resource);
        var target = Math.Min(value, hard);
        SetLimit(resource, target, target);
    }

    public static (ulong Soft, ulong Hard) GetLimit(int resource)
    {
        RLimit limit;
        if (GetRLimit(resource, &limit) != 0)
            throw new InvalidOperationException($"getrlimit({resource}) failed with errno {Marshal.GetLastPInvokeError()}.");
        return (limit.Current, limit.Maximum);
    }
}
