namespace OpenClaw.Sandbox;

/// <summary>How untrusted code is contained on this machine.</summary>
public enum SandboxIsolation
{
    /// <summary>bubblewrap: new namespaces (no network unless granted), a read-only view of the system, a private scratch folder.</summary>
    Bubblewrap,

    /// <summary>No bubblewrap, and <see cref="SandboxOptions.AllowWeakIsolation"/> is on: resource limits, timeouts and output caps only.</summary>
    Weak,

    /// <summary>No bubblewrap and weak isolation not allowed: sandboxed calls are refused.</summary>
    Unavailable,
}
