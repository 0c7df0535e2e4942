using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Plugins.Code;

/// <summary>The variables a C# script of the <c>code</c> plugin can use.</summary>
/// <remarks>Public because Roslyn scripts are compiled into their own assembly and read these members from there.</remarks>
[SuppressMessage("Naming", "IDE1006", Justification = "Lower-case names are what script authors write: inputs[\"x\"], logger.LogInformation(...).")]
public sealed class CodeGlobals
{
    internal CodeGlobals(JsonObject inputs, ILogger logger, CancellationToken cancellationToken)
    {
        this.inputs = inputs;
        this.logger = logger;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>The step's <c>inputs</c> object; the script may read and change it.</summary>
    public JsonObject inputs { get; }

    /// <summary>Writes to the step's log, kept in the execution history.</summary>
    public ILogger logger { get; }

    /// <summary>Cancelled when the step times out or is cancelled; long-running scripts should check it.</summary>
    public CancellationToken cancellationToken { get; }
}
