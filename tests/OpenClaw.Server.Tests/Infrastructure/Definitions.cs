namespace OpenClaw.Server.Tests.Infrastructure;

/// <summary>Workflow definitions the tests store, each under an id the test chooses.</summary>
public static class Definitions
{
    /// <summary>Unique per call, so tests sharing a server never collide.</summary>
    public static string NewId(string prefix = "wf") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    /// <summary>greet (log) then done (noop); input <c>who</c> (string, default world); output <c>greeting</c>.</summary>
    public static string HelloJson(string id, string name = "Hello") => $$$"""
        {
          "id": "{{{id}}}",
          "name": "{{{name}}}",
          "description": "Greets someone.",
          "inputs": [ { "name": "who", "type": "string", "default": "world" } ],
          "steps": [
            { "id": "greet", "type": "plugin", "config": { "plugin": "log", "inputs": { "message": "Hello, ${{ inputs.who }}!" } }, "next_steps": ["done"] },
            { "id": "done", "type": "plugin", "config": { "plugin": "noop", "inputs": { "n": 1 } } }
          ],
          "outputs": { "greeting": "${{ steps.greet.output.message }}" }
        }
        """;

    public static string HelloYaml(string id) => $$$"""
        # A comment, to show YAML is really parsed as YAML.
        id: {{{id}}}
        name: Hello from YAML
        inputs:
          - name: who
            type: string
            default: world
        steps:
          - id: greet
            type: plugin
            config:
              plugin: log
              inputs:
                message: "Hello, ${{ inputs.who }}!"
            next_steps: [done]
          - id: done
            type: plugin
            config:
              plugin: noop
        outputs:
          greeting: "${{ steps.greet.output.message }}"
        """;

    /// <summary>A required integer input <c>count</c>.</summary>
    public static string RequiredInputJson(string id) => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Needs a count",
          "inputs": [ { "name": "count", "type": "integer", "required": true } ],
          "steps": [ { "id": "echo", "type": "plugin", "config": { "plugin": "noop", "inputs": { "count": "${{ inputs.count }}" } } } ]
        }
        """;

    /// <summary>Waits <paramref name="duration"/> in a delay step, then logs.</summary>
    public static string DelayJson(string id, string duration = "30s") => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Waits",
          "steps": [
            { "id": "wait", "type": "delay", "config": { "duration": "{{{duration}}}" }, "next_steps": ["after"] },
            { "id": "after", "type": "plugin", "config": { "plugin": "log", "inputs": { "message": "waited" } } }
          ]
        }
        """;

    /// <summary>A transform that reads a path that does not exist: fails at once, not retryable.</summary>
    public static string FailingJson(string id) => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Fails",
          "steps": [
            { "id": "broken", "type": "plugin", "config": { "plugin": "transform", "inputs": { "data": {}, "operations": [ { "op": "rename", "from": "missing", "to": "x" } ] } } }
          ]
        }
        """;

    /// <summary>
    /// Three problems at once: an unknown plugin (<c>$.steps[0].config.plugin</c>), an edge to a step that does not exist
    /// (<c>$.steps[1].next_steps[0]</c>) and an input default of the wrong type (<c>$.inputs[0].default</c>).
    /// </summary>
    public static string InvalidJson(string id) => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Broken",
          "inputs": [ { "name": "n", "type": "integer", "default": "three" } ],
          "steps": [
            { "id": "a", "type": "plugin", "config": { "plugin": "no-such-plugin" }, "next_steps": ["b"] },
            { "id": "b", "type": "plugin", "config": { "plugin": "noop" }, "next_steps": ["nowhere"] }
          ]
        }
        """;

    /// <summary>Three steps (log, noop, noop); required input <c>who</c>; output <c>greeting</c>. The sync-webhook workflow.</summary>
    public static string ThreeStepJson(string id) => $$$"""
        {
          "id": "{{{id}}}",
          "name": "Three steps",
          "inputs": [ { "name": "who", "type": "string", "required": true } ],
          "steps": [
            { "id": "greet", "type": "plugin", "config": { "plugin": "log", "inputs": { "message": "Hello, ${{ inputs.who }}!" } }, "next_steps": ["second"] },
            { "id": "second", "type": "plugin", "config": { "plugin": "noop", "inputs": { "n": 2 } }, "next_steps": ["third"] },
            { "id": "third", "type": "plugin", "config": { "plugin": "noop", "inputs": { "n": 3 } } }
          ],
          "outputs": { "greeting": "${{ steps.greet.output.message }}" }
        }
        """;
}
