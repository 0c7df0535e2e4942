using System.Runtime.InteropServices;

namespace OpenClaw.Sandbox.Runner;

/// <summary>
/// A seccomp filter that stops plugin code from creating processes (unless it holds the <c>process</c> permission):
/// rlimits count per process, so a child would get a fresh CPU and memory budget of its own, and <c>RLIMIT_NPROC</c> cannot
/// help (it counts the whole user, and is not enforced for root). Threads stay allowed.
/// </summary>
/// <remarks>
/// Denied: <c>fork</c>, <c>vfork</c>, <c>clone</c> without <c>CLONE_THREAD</c>, <c>execve</c>, <c>execveat</c> (EPERM);
/// <c>clone3</c> answers ENOSYS, so glibc falls back to <c>clone</c>, whose flags a classic BPF filter can inspect (clone3
/// passes them in memory). Installed with TSYNC on every thread the runtime already has, before any plugin code is loaded;
/// seccomp filters cannot be removed. x86-64 and arm64 only; elsewhere the runner says so on stderr and runs without it.
/// </remarks>
internal static unsafe partial class ProcessFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint AuditArchAarch64 = 0xC00000B7;
    private const uint RetAllow = 0x7FFF0000;
    private const uint RetErrno = 0x00050000;
    private const uint Eperm = 1, Enosys = 38;
    private const uint CloneThread = 0x00010000;
    private const int PrSetNoNewPrivs = 38;
    private const uint SeccompSetModeFilter = 1, SeccompFilterFlagTsync = 1;

    // Classic BPF opcodes.
    private const ushort LdWAbs = 0x20, JeqK = 0x15, JsetK = 0x45, JgeK = 0x35, RetK = 0x06;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFilter
    {
        public ushort Code;
        public byte Jt;
        public byte Jf;
        public uint K;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public SockFilter* Filter;
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nuint arg1, nuint arg2, void* arg3);

    /// <summary>Installs the filter; returns false (and why) where it is not supported.</summary>
    public static bool TryInstall(out string whyNot)
    {
        var (arch, seccompSyscall, syscalls) = RuntimeInformation.ProcessArchitecture switch
        {
            // x86-64: clone 56, fork 57, vfork 58, execve 59, execveat 322, clone3 435.
            Architecture.X64 => (AuditArchX8664, 317L, (Clone: 56u, Denied: new uint[] { 57, 58, 59, 322 })),
            // arm64 has no fork/vfork: clone 220, execve 221, execveat 281, clone3 435.
            Architecture.Arm64 => (AuditArchAarch64, 277L, (Clone: 220u, Denied: new uint[] { 221, 281 })),
            _ => (0u, 0L, (Clone: 0u, Denied: Array.Empty<uint>())),
        };
        if (arch == 0)
        {
            whyNot = $"no process filter for {RuntimeInformation.ProcessArchitecture}";
            return false;
        }

        var program = new List<SockFilter>
        {
            Load(4),                                        // seccomp_data.arch
            Jump(JeqK, arch, 1, 0),
            Return(RetErrno | Eperm),                       // a foreign ABI: refuse everything
            Load(0),                                        // seccomp_data.nr
            Jump(JgeK, 0x40000000, 0, 1),                   // the x32 ABI on x86-64
            Return(RetErrno | Eperm),
            Jump(JeqK, 435, 0, 1),                          // clone3
            Return(RetErrno | Enosys),
        };
        foreach (var denied in syscalls.Denied)
        {
            program.Add(Jump(JeqK, denied, 0, 1));
            program.Add(Return(RetErrno | Eperm));
        }
        program.Add(Jump(JeqK, syscalls.Clone, 1, 0));
        program.Add(Return(RetAllow));
        program.Add(Load(16));                              // args[0] (low 32 bits): clone flags
        program.Add(Jump(JsetK, CloneThread, 0, 1));
        program.Add(Return(RetAllow));
        program.Add(Return(RetErrno | Eperm));

        if (Prctl(PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
        {
            whyNot = $"prctl(PR_SET_NO_NEW_PRIVS) failed with errno {Marshal.GetLastPInvokeError()}";
            return false;
        }
        var filters = program.ToArray();
        fixed (SockFilter* first = filters)
        {
            var prog = new SockFprog { Length = (ushort)filters.Length, Filter = first };
            if (Syscall(seccompSyscall, SeccompSetModeFilter, SeccompFilterFlagTsync, &prog) != 0)
            {
                whyNot = $"seccomp(SECCOMP_SET_MODE_FILTER) failed with errno {Marshal.GetLastPInvokeError()}";
                return false;
            }
        }
        whyNot = "";
        return true;
    }

    private static SockFilter Load(uint offset) => new() { Code = LdWAbs, K = offset };

    private static SockFilter Jump(ushort code, uint k, byte jumpIfTrue, byte jumpIfFalse) => new() { Code = code, K = k, Jt = jumpIfTrue, Jf = jumpIfFalse };

    private static SockFilter Return(uint value) => new() { Code = RetK, K = value };
}
