using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenClaw.Sandbox.Isolation;

namespace OpenClaw.Sandbox.Runners;

/// <summary>
/// Warm runners per <see cref="RunnerSpec"/> (plugin, network permission, limits). Each spec keeps at least
/// <see cref="SandboxOptions.RunnersPerPlugin"/> runners alive (idle or busy) and at most that many idle; a call takes an idle
/// one when there is one and starts one otherwise. A runner is retired after a violation, after
/// <see cref="SandboxOptions.MaxCallsPerRunner"/> calls, or when its lifetime CPU budget runs low, and replaced in the background.
/// </summary>
internal sealed class RunnerPool(LaunchPlan plan, SandboxOptions options, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<RunnerSpec, SpecPool> _pools = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RunnerProcess, SpecPool> _owners = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly ProcessLauncher _launcher = new();
    private long _started;

    /// <summary>Runner processes started so far (tests and benchmarks check that warm calls start none).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Takes a warm runner, or starts one.</summary>
    /// <exception cref="RunnerStartException">No runner could be started.</exception>
    public async Task<RunnerProcess> AcquireAsync(RunnerSpec spec, CancellationToken cancellationToken)
    {
        var pool = _pools.GetOrAdd(spec, static s => new SpecPool());
        while (pool.Idle.TryDequeue(out var idle))
        {
            if (idle.CanServe(spec.Resources.CpuTimeSeconds)) return idle;
            Interlocked.Decrement(ref pool.Alive);
            Retire(idle);
        }

        Interlocked.Increment(ref pool.Alive);
        try
        {
            var runner = await StartAsync(spec, pool, cancellationToken).ConfigureAwait(false);
            Replenish(spec, pool);
            return runner;
        }
        catch
        {
            Interlocked.Decrement(ref pool.Alive);
            throw;
        }
    }

    /// <summary>Gives a runner back after a call: kept warm if it may serve again and the pool has room, retired otherwise.</summary>
    public void Release(RunnerSpec spec, RunnerProcess runner)
    {
        // A runner of an evicted pool (its plugin's files were removed or replaced) never serves again.
        if (_owners.TryGetValue(runner, out var owner) && owner.Evicted)
        {
            Retire(runner);
            return;
        }
        var pool = _pools.GetOrAdd(spec, static s => new SpecPool());
        var keep = !_disposing.IsCancellationRequested
            && runner.CallsServed < options.MaxCallsPerRunner
            && runner.CanServe(spec.Resources.CpuTimeSeconds)
            && pool.Idle.Count < options.RunnersPerPlugin;
        if (keep)
        {
            pool.Idle.Enqueue(runner);
            return;
        }
        Interlocked.Decrement(ref pool.Alive);
        Retire(runner);
        Replenish(spec, pool);
    }

    /// <summary>Starts runners for <paramref name="spec"/> until the pool holds its target, and waits for them.</summary>
    public async Task WarmUpAsync(RunnerSpec spec, CancellationToken cancellationToken)
    {
        var pool = _pools.GetOrAdd(spec, static s => new SpecPool());
        var starts = new List<Task<RunnerProcess>>();
        while (Volatile.Read(ref pool.Alive) < options.RunnersPerPlugin)
        {
            Interlocked.Increment(ref pool.Alive);
            starts.Add(StartAsync(spec, pool, cancellationToken));
        }
        foreach (var start in starts)
        {
            try
            {
                pool.Idle.Enqueue(await start.ConfigureAwait(false));
            }
            catch
            {
                Interlocked.Decrement(ref pool.Alive);
                throw;
            }
        }
    }

    /// <summary>Starts replacements in the background until the spec's pool is back at its target.</summary>
    private void Replenish(RunnerSpec spec, SpecPool pool)
    {
        while (!_disposing.IsCancellationRequested)
        {
            var alive = Volatile.Read(ref pool.Alive);
            if (alive >= options.RunnersPerPlugin) return;
            if (Interlocked.CompareExchange(ref pool.Alive, alive + 1, alive) != alive) continue;
            Track(ReplenishOneAsync(spec, pool));
        }
    }

    private async Task ReplenishOneAsync(RunnerSpec spec, SpecPool pool)
    {
        try
        {
            var runner = await StartAsync(spec, pool, _disposing.Token).ConfigureAwait(false);
            if (_disposing.IsCancellationRequested || pool.Evicted)
            {
                await runner.DisposeAsync().ConfigureAwait(false);
                return;
            }
            pool.Idle.Enqueue(runner);
            // Evicted between the check and the enqueue: nobody else will empty this pool.
            if (pool.Evicted) DrainIdle(pool);
        }
        catch (Exception e) when (e is RunnerStartException or OperationCanceledException)
        {
            // Not retried here (a plugin that cannot load would spin); the next call starts one itself and reports the error.
            Interlocked.Decrement(ref pool.Alive);
            if (e is RunnerStartException) logger.LogWarning("Could not start a warm sandbox runner for {Plugin}: {Error}", spec.PluginName, e.Message);
        }
    }

    /// <summary>Retires the runners of every pool whose plugin assembly is <paramref name="assemblyPath"/>; busy ones when released.</summary>
    public void Evict(string assemblyPath)
    {
        foreach (var (spec, pool) in _pools)
        {
            if (!string.Equals(spec.AssemblyPath, assemblyPath, StringComparison.Ordinal)) continue;
            if (!_pools.TryRemove(new KeyValuePair<RunnerSpec, SpecPool>(spec, pool))) continue;
            pool.Evicted = true;
            DrainIdle(pool);
        }
    }

    private void DrainIdle(SpecPool pool)
    {
        while (pool.Idle.TryDequeue(out var runner)) Retire(runner);
    }

    private async Task<RunnerProcess> StartAsync(RunnerSpec spec, SpecPool pool, CancellationToken cancellationToken)
    {
        var runner = await StartAsync(spec, cancellationToken).ConfigureAwait(false);
        _owners.AddOrUpdate(runner, pool);
        return runner;
    }

    private async Task<RunnerProcess> StartAsync(RunnerSpec spec, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        string? scratch = null;
        if (plan.Isolation != SandboxIsolation.Bubblewrap)
        {
            var root = options.ScratchRoot ?? Path.Combine(Path.GetTempPath(), "openclaw-sandbox");
            scratch = Path.Combine(root, Guid.NewGuid().ToString("N"));
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(scratch);
            else Directory.CreateDirectory(scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        try
        {
            return await RunnerProcess.StartAsync(
                _launcher, plan.CreateStartInfo(spec, scratch), new RunnerSpecLabel(spec.PluginName, spec.Network), plan.AssemblyPathInside(spec),
                spec.TypeName, options, scratch, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (RunnerStartException) when (scratch is not null && Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
            throw;
        }
    }

    private void Retire(RunnerProcess runner) => Track(runner.DisposeAsync().AsTask());

    private void Track(Task task)
    {
        _background.TryAdd(task, 0);
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var pool in _pools.Values)
        {
            while (pool.Idle.TryDequeue(out var runner)) Retire(runner);
        }
        try
        {
            await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "A sandbox runner failed while shutting down.");
        }
        _disposing.Dispose();
        _launcher.Dispose();
    }

    private sealed class SpecPool
    {
        public readonly ConcurrentQueue<RunnerProcess> Idle = new();

        /// <summary>Runners idle, busy or starting.</summary>
        public int Alive;

        /// <summary>Removed by <see cref="Evict"/>: its runners are retired instead of kept.</summary>
        public volatile bool Evicted;
    }
}
