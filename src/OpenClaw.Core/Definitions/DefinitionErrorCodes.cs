namespace OpenClaw.Core.Definitions;

/// <summary>
/// The values of <see cref="DefinitionError.Code"/>. They are part of the API contract (the editor and the CLI
/// match on them), so they never change once shipped; messages may.
/// </summary>
public static class DefinitionErrorCodes
{
    /// <summary>The text is not well-formed JSON or YAML (the message gives line and column).</summary>
    public const string Syntax = "syntax";

    /// <summary>A value has the wrong JSON type, e.g. a string where a list is expected.</summary>
    public const string InvalidType = "invalid-type";

    /// <summary>A required field (workflow id, name, steps; step id, type; input name) is absent.</summary>
    public const string MissingField = "missing-field";

    /// <summary>A key that the format does not define; usually a typo such as <c>next_step</c>.</summary>
    public const string UnknownField = "unknown-field";

    /// <summary>The same key appears twice in one object.</summary>
    public const string DuplicateKey = "duplicate-key";

    /// <summary>A value of the right type but not allowed: a bad id, duration, enum name, or out of range.</summary>
    public const string InvalidValue = "invalid-value";

    /// <summary>A step's type-specific configuration lacks something it needs, including a plugin's required inputs.</summary>
    public const string MissingConfig = "missing-config";

    /// <summary>A step's configuration sets two options that exclude each other (loop items and while, delay duration and until).</summary>
    public const string InvalidConfig = "invalid-config";

    /// <summary>An edge names a step that does not exist in the same scope.</summary>
    public const string UnknownStep = "unknown-step";

    /// <summary>A step id is used twice anywhere in the workflow.</summary>
    public const string DuplicateId = "duplicate-id";

    /// <summary>Two declared inputs share a name.</summary>
    public const string DuplicateInput = "duplicate-input";

    /// <summary>Two branches of one parallel step share a name.</summary>
    public const string DuplicateBranch = "duplicate-branch";

    /// <summary>A step no entry step leads to, so it can never run.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Steps that lead back to themselves; only loop steps may repeat work.</summary>
    public const string Cycle = "cycle";

    /// <summary>A step whose <c>on_failure</c> names itself.</summary>
    public const string SelfReference = "self-reference";

    /// <summary>The plugin (or its pinned version) is not installed and enabled.</summary>
    public const string UnknownPlugin = "unknown-plugin";

    /// <summary>A sub-workflow or error workflow that does not exist.</summary>
    public const string UnknownWorkflow = "unknown-workflow";

    /// <summary>A template or expression that does not parse, or that references a step that does not exist.</summary>
    public const string Expression = "expression";

    /// <summary>A value whose JSON type does not match the declared input type.</summary>
    public const string TypeMismatch = "type-mismatch";

    /// <summary>A required input was not supplied and has no default.</summary>
    public const string MissingInput = "missing-input";

    /// <summary>A supplied input the workflow does not declare.</summary>
    public const string UnknownInput = "unknown-input";
}
