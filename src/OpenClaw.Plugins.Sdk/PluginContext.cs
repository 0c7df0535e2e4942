using Microsoft.Extensions.Logging;

namespace OpenClaw.Plugins.Sdk;

/// <summary>
/// Everything a plugin may use while it executes one step attempt: cancellation, a logger, the idempotency key,
/// the credentials granted to the step and the object store.
/// </summary>
/// <remarks>
/// Steps run at least once: a worker can die after a plugin's side effect and before the result commits, and the step
/// then runs again. <see cref="IdempotencyKey"/> is the same for every attempt of the same step instance, so a plugin
/// talking to an API that accepts idempotency keys can pass it on to make the side effect exactly-once.
/// </remarks>
public abstract class PluginContext
{
    /// <summary>Cancelled when the step times out, the execution is cancelled or the worker shuts down.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>A logger whose entries are kept in the step's history.</summary>
    public abstract ILogger Logger { get; }

    /// <summary>Stable across retries of the same step instance; unique across step instances.</summary>
    public abstract string IdempotencyKey { get; }

    /// <summary>The execution this step belongs to.</summary>
    public abstract Guid ExecutionId { get; }

    /// <summary>The step id in the workflow definition.</summary>
    public abstract string StepId { get; }

    /// <summary>The attempt number, starting at 1.</summary>
    public abstract int Attempt { get; }

    /// <summary>The installed plugin's configuration.</summary>
    public abstract PluginConfig Config { get; }

    /// <summary>Returns a credential the step is allowed to use, or <see langword="null"/> when none has that name.</summary>
    public abstract ValueTask<PluginCredential?> GetCredentialAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The object store for large outputs, or <see langword="null"/> when none is configured.</summary>
    public abstract IPluginObjectStore? ObjectStore { get; }
}

/// <summary>A decrypted credential. Never log or return its values.</summary>
/// <param name="Name">The credential's name.</param>
/// <param name="Type">Kind of credential, e.g. <c>basic</c>, <c>bearer</c>, <c>api-key</c>, <c>smtp</c>.</param>
/// <param name="Values">Its fields, e.g. <c>username</c> and <c>password</c>.</param>
public sealed record PluginCredential(string Name, string Type, IReadOnlyDictionary<string, string> Values);

/// <summary>Object storage for payloads too large to keep in step outputs.</summary>
public interface IPluginObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any previous object.</summary>
    ValueTask PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Opens the object stored under <paramref name="key"/>, or returns <see langword="null"/>.</summary>
    ValueTask<Stream?> GetAsync(string key, CancellationToken cancellationToken = default);
}
