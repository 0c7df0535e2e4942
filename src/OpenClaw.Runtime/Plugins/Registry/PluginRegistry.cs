using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Caching;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Plugins.Registry;

/// <summary>
/// Installed third-party plugins: install, upgrade, enable, disable and uninstall, each calling the plugin's lifecycle hooks
/// in the sandbox. Packages are extracted to <c>&lt;packages&gt;/&lt;name&gt;/&lt;version&gt;/</c>; each version has a row in the
/// <c>plugins</c> table (<see cref="IPluginStore"/>). Also resolves steps to installed plugins (<see cref="IPluginResolver"/>)
/// and tells validation which are enabled (<see cref="IPluginCatalog"/>).
/// </summary>
/// <remarks>
/// <para>Versions live side by side. A step that pins <c>config.version</c> (an exact version, or a range such as <c>^1</c>)
/// gets that version; one that does not floats to the newest enabled version.</para>
/// <para>A package that fails validation, or whose <c>OnInstall</c>/<c>OnEnable</c> hook fails, leaves nothing behind: no
/// folder, no row. The row is written first, in state <c>installing</c>, so a crash mid-install is recognised at the next start
/// (<see cref="InitializeAsync"/>) and cleaned up, along with any folder that has no row.</para>
/// <para>Changes are serialised in this process. The package folder is local, so one server (or nodes sharing that folder)
/// owns the installed plugins.</para>
/// <para>The installed versions' metadata is held in memory (the specification's plugin metadata cache, key
/// <c>plugin:{plugin_name}</c>, <see cref="CacheKeys.PluginTtl"/>): every read (listing, resolving a step, validation) is
/// answered from it without touching storage. Every change announces <c>plugin:{name}</c> on the
/// <see cref="ICacheInvalidationBus"/>, and every node (this one too) reloads from storage when it hears one; a node that
/// missed announcements (after a reconnect: <see cref="ICacheInvalidationBus.AllKeys"/>) reloads everything, and metadata
/// older than the lifetime is reloaded on the next read.</para>
/// </remarks>
public sealed class PluginRegistry : IPluginResolver, IPluginCatalog, IDisposable
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private readonly IPluginStore _store;
    private readonly SandboxedPluginInvoker _sandbox;
    private readonly PluginRegistryOptions _options;
    private readonly InProcessPluginRegistry? _builtIns;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PluginPackageValidator _validator;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _initLock = new();
    private readonly string _root;
    private readonly ICacheInvalidationBus? _bus;
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private Task? _initialized;
    private int _refreshing;

    public PluginRegistry(
        IPluginStore store, SandboxedPluginInvoker sandbox, PluginRegistryOptions options, ILogger<PluginRegistry> logger,
        TimeProvider? time = null, InProcessPluginRegistry? builtIns = null, ICacheInvalidationBus? bus = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _sandbox = sandbox ?? throw new ArgumentNullException(nameof(sandbox));
        _options = options;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
        _builtIns = builtIns;
        _validator = new PluginPackageValidator(options.Limits);
        _root = Path.GetFullPath(options.PackagesDirectory);
        _bus = bus;
        if (_bus is not null) _bus.Invalidated += OnInvalidated;
    }

    /// <summary>The package folder.</summary>
    public string PackagesDirectory => _root;

    /// <summary>Every installed version (not those still installing), by name, newest version first.</summary>
    public IReadOnlyList<InstalledPlugin> List() => Current.All;

    /// <summary>One installed version, or null.</summary>
    public InstalledPlugin? Get(string name, string version) =>
        Current.Versions(name).FirstOrDefault(p => p.Version.ToString() == version || (SemanticVersion.TryParse(version, out var v) && p.Version == v));

    /// <summary>
    /// Loads the installed plugins, and removes what a crash left: rows still <c>installing</c> and package folders without a
    /// row. Runs once; later calls wait for the first.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        lock (_initLock)
        {
            // A failed start (say, the database was unreachable) is tried again by the next caller.
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled) _initialized = InitializeCoreAsync(CancellationToken.None);
            return _initialized.WaitAsync(cancellationToken);
        }
    }

    private async Task InitializeCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        var rows = await _store.ListAsync(_options.TenantId, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.Where(r => r.Status == PluginStatuses.Installing))
        {
            _logger.LogWarning("Removing plugin {Plugin} {Version}: its install was interrupted.", row.Name, row.Version);
            DeleteFolder(row.Name, row.Version);
            await _store.DeleteAsync(row.TenantId, row.Name, row.Version, cancellationToken).ConfigureAwait(false);
        }
        var kept = rows.Where(r => r.Status != PluginStatuses.Installing).Select(r => (r.Name, r.Version)).ToHashSet();
        foreach (var nameFolder in Directory.EnumerateDirectories(_root))
        {
            var name = Path.GetFileName(nameFolder);
            // Only what the registry could have written is removed, should the option point at a folder shared with other data.
            if (!PluginManifest.IsValidName(name)) continue;
            foreach (var versionFolder in Directory.EnumerateDirectories(nameFolder))
            {
                var version = Path.GetFileName(versionFolder);
                if (kept.Contains((name, version)) || !SemanticVersion.TryParse(version, out _)) continue;
                _logger.LogWarning("Removing {Folder}: no installed plugin owns it.", versionFolder);
                TryDelete(versionFolder);
            }
            if (!Directory.EnumerateFileSystemEntries(nameFolder).Any()) TryDelete(nameFolder);
        }
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a package against what is installed without installing it.</summary>
    public async Task<PluginValidationResult> ValidateAsync(Stream package, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await _validator.ValidateAsync(package, InstalledSet(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What dependency resolution sees: built-in and installed plugins and their versions.</summary>
    public InstalledPluginSet InstalledSet()
    {
        var versions = new Dictionary<string, List<SemanticVersion>>(StringComparer.Ordinal);
        var builtIn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plugin in _builtIns?.All ?? [])
        {
            builtIn.Add(plugin.Metadata.Name);
            if (!SemanticVersion.TryParse(plugin.Metadata.Version, out var version)) continue;
            if (!versions.TryGetValue(plugin.Metadata.Name, out var list)) versions[plugin.Metadata.Name] = list = [];
            list.Add(version);
        }
        foreach (var plugin in Current.All)
        {
            if (!versions.TryGetValue(plugin.Name, out var list)) versions[plugin.Name] = list = [];
            list.Add(plugin.Version);
        }
        return new InstalledPluginSet(versions.ToDictionary(p => p.Key, p => (IReadOnlyList<SemanticVersion>)p.Value, StringComparer.Ordinal), builtIn);
    }

    /// <summary>Validates, extracts and registers a package, then calls <c>OnInstall</c> and (when <paramref name="enable"/>) <c>OnEnable</c>.</summary>
    /// <param name="package">The zip; read to the end, never disposed here.</param>
    /// <param name="enable">Enable it right away (the default); otherwise it stays disabled until <see cref="EnableAsync"/>.</param>
    /// <exception cref="PluginPackageException">The package was refused; each problem has its path. Nothing was written.</exception>
    /// <exception cref="PluginRegistryException">A hook failed (code <c>hook-failed</c>); everything was rolled back.</exception>
    public Task<PluginChange> InstallAsync(Stream package, bool enable = true, CancellationToken cancellationToken = default) =>
        InstallCoreAsync(package, enable, upgrade: false, cancellationToken);

    /// <summary>
    /// Installs a newer version of an installed plugin beside the existing ones (which stay as they are): steps that pin an
    /// older version keep it, steps that float move to the new one once it is enabled.
    /// </summary>
    /// <exception cref="PluginRegistryException">No version of the plugin is installed, or this one is not newer (code <c>not-an-upgrade</c>), or a hook failed.</exception>
    /// <exception cref="PluginPackageException">The package was refused.</exception>
    public Task<PluginChange> UpgradeAsync(Stream package, CancellationToken cancellationToken = default) =>
        InstallCoreAsync(package, enable: true, upgrade: true, cancellationToken);

    private async Task<PluginChange> InstallCoreAsync(Stream package, bool enable, bool upgrade, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = await PluginPackageReader.OpenAsync(package, _options.Limits, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var validation = _validator.Validate(reader, InstalledSet());
                if (!validation.IsValid) throw new PluginPackageException(validation.Errors);
                var manifest = validation.Manifest!;
                if (upgrade) CheckIsUpgrade(manifest);
                return await InstallValidatedAsync(reader, manifest, enable, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void CheckIsUpgrade(PluginManifest manifest)
    {
        var versions = Current.Versions(manifest.Name);
        var newest = versions.Count > 0 ? versions[0] : null;
        if (newest is null)
            throw new PluginRegistryException($"{manifest.Name} is not installed, so {manifest.Version} is not an upgrade; install it instead.", PluginRegistryErrorCodes.NotAnUpgrade);
        if (manifest.Version <= newest.Version)
            throw new PluginRegistryException($"{manifest.Name} {manifest.Version} is not newer than the installed {newest.Version}.", PluginRegistryErrorCodes.NotAnUpgrade);
    }

    private async Task<PluginChange> InstallValidatedAsync(PluginPackageReader reader, PluginManifest manifest, bool enable, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var folder = VersionFolder(manifest.Name, manifest.Version.ToString());
        var row = new PluginRecord(
            Guid.NewGuid().ToString("N"), _options.TenantId, manifest.Name, manifest.Version.ToString(), PluginStatuses.Installing,
            Metadata(manifest, []), now, now);
        try
        {
            // The row first: it claims the name and version, and marks the install as unfinished until the hooks pass.
            row = await _store.CreateAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateKeyException)
        {
            throw new PluginPackageException("$.version", $"{manifest.Name} {manifest.Version} is already installed.", PluginPackageErrorCodes.AlreadyInstalled);
        }

        var plugin = new InstalledPlugin(manifest, PluginStatuses.Installing, folder, [], row.CreatedAt, row.UpdatedAt);
        var hooks = new List<PluginHookRun>();
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); // left by a crash before the row existed
            await reader.ExtractToAsync(folder, cancellationToken).ConfigureAwait(false);

            await RunHookOrThrowAsync(plugin, PluginLifecycleHook.Install, hooks, cancellationToken).ConfigureAwait(false);
            if (enable)
            {
                try
                {
                    await RunHookOrThrowAsync(plugin, PluginLifecycleHook.Enable, hooks, cancellationToken).ConfigureAwait(false);
                }
                catch (PluginRegistryException)
                {
                    // Installed but not enabled is not what was asked for: undo the install the plugin already prepared for.
                    hooks.Add(await RunHookAsync(plugin, PluginLifecycleHook.Uninstall, CancellationToken.None).ConfigureAwait(false));
                    throw new PluginRegistryException(
                        $"{manifest.Name} {manifest.Version} was not installed: its OnEnable hook failed: {hooks[^2].Error}", PluginRegistryErrorCodes.HookFailed, hooks);
                }
            }

            var status = enable ? PluginStatuses.Enabled : PluginStatuses.Disabled;
            row = await _store.UpdateAsync(row with { Status = status, UpdatedAt = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The row of {manifest.Name} {manifest.Version} disappeared during its install.");
        }
        catch
        {
            await RollBackAsync(plugin, row).ConfigureAwait(false);
            throw;
        }

        await ReloadAndAnnounceAsync(manifest.Name).ConfigureAwait(false);
        _logger.LogInformation("Installed plugin {Plugin} {Version} ({Status}); permissions: {Permissions}.",
            manifest.Name, manifest.Version, row.Status, manifest.Permissions.Count == 0 ? "none" : string.Join(", ", manifest.Permissions));
        return new PluginChange(Get(manifest.Name, manifest.Version.ToString())!, hooks);
    }

    /// <summary>Removes a failed install's files and row; never throws (the original failure is what the caller sees).</summary>
    private async Task RollBackAsync(InstalledPlugin plugin, PluginRecord row)
    {
        _sandbox.Retire(plugin.ToSandboxRef());
        DeleteFolder(plugin.Name, plugin.Version.ToString());
        try
        {
            await _store.DeleteAsync(row.TenantId, row.Name, row.Version, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The row stays 'installing'; InitializeAsync removes it at the next start.
            _logger.LogError(e, "Could not remove the row of the failed install of {Plugin} {Version}.", row.Name, row.Version);
        }
    }

    /// <summary>Enables an installed version, calling its <c>OnEnable</c> hook; a no-op when it is enabled already.</summary>
    /// <exception cref="PluginRegistryException">Not installed (<c>not-found</c>), or the hook failed (<c>hook-failed</c>; it stays disabled).</exception>
    public async Task<PluginChange> EnableAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plugin = Require(name, version);
            if (plugin.IsEnabled) return new PluginChange(plugin, []);
            var hooks = new List<PluginHookRun>();
            await RunHookOrThrowAsync(plugin, PluginLifecycleHook.Enable, hooks, cancellationToken).ConfigureAwait(false);
            await SetStatusAsync(plugin, PluginStatuses.Enabled, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Enabled plugin {Plugin} {Version}.", plugin.Name, plugin.Version);
            return new PluginChange(Require(name, version), hooks);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Disables an installed version: steps calling it fail from now on with "disabled". Its <c>OnDisable</c> hook is called
    /// after the switch; a failing hook is reported in the result but does not keep the plugin enabled.
    /// </summary>
    /// <exception cref="PluginRegistryException">Not installed (<c>not-found</c>).</exception>
    public async Task<PluginChange> DisableAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plugin = Require(name, version);
            if (!plugin.IsEnabled) return new PluginChange(plugin, []);
            // Switch first: disabling is how an operator stops a misbehaving plugin, so it must not depend on that plugin.
            await SetStatusAsync(plugin, PluginStatuses.Disabled, cancellationToken).ConfigureAwait(false);
            var hook = await RunHookAsync(plugin, PluginLifecycleHook.Disable, cancellationToken).ConfigureAwait(false);
            _sandbox.Retire(plugin.ToSandboxRef());
            _logger.LogInformation("Disabled plugin {Plugin} {Version}.", plugin.Name, plugin.Version);
            return new PluginChange(Require(name, version), [hook]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes an installed version: <c>OnDisable</c> (when enabled) and <c>OnUninstall</c> are called, then its row and
    /// files are deleted. Hook failures are reported in the result and do not stop the removal.
    /// </summary>
    /// <exception cref="PluginRegistryException">Not installed (<c>not-found</c>), or another installed plugin needs this version (<c>in-use</c>).</exception>
    public async Task<PluginChange> UninstallAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plugin = Require(name, version);
            CheckNotNeeded(plugin);
            var hooks = new List<PluginHookRun>();
            if (plugin.IsEnabled)
            {
                await SetStatusAsync(plugin, PluginStatuses.Disabled, cancellationToken).ConfigureAwait(false);
                hooks.Add(await RunHookAsync(plugin, PluginLifecycleHook.Disable, cancellationToken).ConfigureAwait(false));
            }
            hooks.Add(await RunHookAsync(plugin, PluginLifecycleHook.Uninstall, cancellationToken).ConfigureAwait(false));
            _sandbox.Retire(plugin.ToSandboxRef());

            // Row before files: a crash in between leaves a folder without a row, which the next start removes.
            await _store.DeleteAsync(_options.TenantId, plugin.Name, plugin.Version.ToString(), CancellationToken.None).ConfigureAwait(false);
            DeleteFolder(plugin.Name, plugin.Version.ToString());
            await ReloadAndAnnounceAsync(plugin.Name).ConfigureAwait(false);
            _logger.LogInformation("Uninstalled plugin {Plugin} {Version}.", plugin.Name, plugin.Version);
            return new PluginChange(plugin, hooks);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void CheckNotNeeded(InstalledPlugin plugin)
    {
        var others = Current.Versions(plugin.Name).Where(p => p.Version != plugin.Version).Select(p => p.Version).ToList();
        foreach (var dependent in Current.All)
        {
            foreach (var dependency in dependent.Manifest.Dependencies)
            {
                if (dependency.Name != plugin.Name || !dependency.Range.IsSatisfiedBy(plugin.Version)) continue;
                if (dependency.Range.MaxSatisfying(others) is not null) continue;
                throw new PluginRegistryException(
                    $"{plugin.Name} {plugin.Version} cannot be uninstalled: {dependent.Name} {dependent.Version} needs '{dependency}'. Uninstall {dependent.Name} first.",
                    PluginRegistryErrorCodes.InUse);
            }
        }
    }

    private InstalledPlugin Require(string name, string version) =>
        Get(name, version) ?? throw new PluginRegistryException($"Plugin {name} {version} is not installed.", PluginRegistryErrorCodes.NotFound);

    private async Task SetStatusAsync(InstalledPlugin plugin, string status, CancellationToken cancellationToken)
    {
        var row = await _store.GetAsync(_options.TenantId, plugin.Name, plugin.Version.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new PluginRegistryException($"Plugin {plugin.Name} {plugin.Version} is not installed.", PluginRegistryErrorCodes.NotFound);
        await _store.UpdateAsync(row with { Status = status, UpdatedAt = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        await ReloadAndAnnounceAsync(plugin.Name).ConfigureAwait(false);
    }

    private async Task RunHookOrThrowAsync(InstalledPlugin plugin, PluginLifecycleHook hook, List<PluginHookRun> hooks, CancellationToken cancellationToken)
    {
        var run = await RunHookAsync(plugin, hook, cancellationToken).ConfigureAwait(false);
        hooks.Add(run);
        if (!run.Succeeded)
        {
            var verb = hook == PluginLifecycleHook.Install ? "installed" : "enabled";
            throw new PluginRegistryException(
                $"{plugin.Name} {plugin.Version} was not {verb}: its On{hook} hook failed: {run.Error}", PluginRegistryErrorCodes.HookFailed, hooks);
        }
    }

    /// <summary>Calls a hook in the sandbox; what it prints is kept in the result and logged.</summary>
    private async Task<PluginHookRun> RunHookAsync(InstalledPlugin plugin, PluginLifecycleHook hook, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        var logger = new HookLogger(output, _logger, plugin.Name, plugin.Version.ToString(), hook);
        var context = new SandboxCallContext { StepId = "hook:" + hook.ToString().ToLowerInvariant(), Timeout = _options.HookTimeout, Logger = logger };
        var result = await _sandbox.InvokeHookAsync(plugin.ToSandboxRef(), hook, context, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            _logger.LogWarning("The On{Hook} hook of plugin {Plugin} {Version} failed: {Error}", hook, plugin.Name, plugin.Version, result.Failure.Message);
        return new PluginHookRun(hook, result.Succeeded, result.Failure?.Message, output);
    }

    public void Dispose()
    {
        if (_bus is not null) _bus.Invalidated -= OnInvalidated;
        _gate.Dispose();
    }

    // ---- resolution (IPluginResolver, IPluginCatalog) ----

    /// <summary>Always null: third-party plugins never load into this process. Use <see cref="Bind"/>.</summary>
    public Plugin? Resolve(string name, string? version) => null;

    /// <summary>The sandboxed plugin a step names, the reason it cannot run (disabled), or null when none is installed.</summary>
    public PluginBinding? Bind(string name, string? version)
    {
        var versions = Current.Versions(name);
        if (versions.Count == 0) return null;
        var candidates = Matching(versions, version);
        if (candidates is null) return null;
        if (candidates.Count == 0) return null;
        var enabled = candidates.FirstOrDefault(p => p.IsEnabled);
        if (enabled is null)
        {
            var newest = candidates[0];
            var which = version is null ? $"every installed version of plugin '{name}' is disabled" : $"plugin '{name}' {newest.Version} is disabled";
            return new UnavailablePluginBinding(name, newest.Version.ToString(), $"{which}; enable it to run this step");
        }
        return new SandboxedPluginBinding(name, enabled.Version.ToString(), enabled.ToSandboxRef(), (JsonObject)enabled.Settings.DeepClone());
    }

    /// <summary>The newest enabled version that matches, for validation.</summary>
    public PluginDescriptor? Find(string name, string? version)
    {
        var candidates = Matching(Current.Versions(name), version);
        var enabled = candidates?.FirstOrDefault(p => p.IsEnabled);
        return enabled is null ? null : new PluginDescriptor(enabled.Name, enabled.Version.ToString(), enabled.Manifest.RequiredInputs.ToArray());
    }

    /// <summary>The versions a pin selects, newest first: an exact version, a range (<c>^1</c>, <c>1.x</c>), or every version when null.</summary>
    private static List<InstalledPlugin>? Matching(IReadOnlyList<InstalledPlugin> versions, string? pin)
    {
        if (pin is null) return versions.ToList();
        if (SemanticVersion.TryParse(pin, out var exact)) return versions.Where(p => p.Version == exact).ToList();
        return VersionRange.TryParse(pin, out var range, out _) ? versions.Where(p => range.IsSatisfiedBy(p.Version)).ToList() : null;
    }

    // ---- storage ----

    /// <summary>The metadata in memory; past its lifetime, a reload from storage starts (this read still gets the old copy).</summary>
    private Snapshot Current
    {
        get
        {
            var snapshot = _snapshot;
            if (_time.GetUtcNow() - snapshot.LoadedAt > CacheKeys.PluginTtl && _initialized is { IsCompletedSuccessfully: true }) _ = RefreshAsync();
            return snapshot;
        }
    }

    /// <summary>After a change on this node: reload, and tell every node (<c>plugin:{name}</c>) to do the same.</summary>
    private async Task ReloadAndAnnounceAsync(string name)
    {
        await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        if (_bus is null) return;
        try
        {
            await _bus.PublishAsync(CacheKeys.Plugin(name), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The change is stored; other nodes see it when their copy expires or their listener reconnects.
            _logger.LogWarning(e, "Could not announce the change of plugin {Plugin} to other nodes.", name);
        }
    }

    private void OnInvalidated(string key)
    {
        if (key == ICacheInvalidationBus.AllKeys || key.StartsWith(CacheKeys.Plugin(""), StringComparison.Ordinal)) _ = RefreshAsync();
    }

    /// <summary>Reloads from storage between changes (one refresh at a time; one asked for meanwhile runs after it).</summary>
    private async Task RefreshAsync()
    {
        if (_initialized is not { IsCompletedSuccessfully: true }) return; // the initial load reads the latest rows anyway
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                // Cleared before reading: an announcement arriving during the read starts another refresh after this one.
                Volatile.Write(ref _refreshing, 0);
                await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            Volatile.Write(ref _refreshing, 0);
            _logger.LogWarning(e, "Could not reload the installed plugins from storage; the copy in memory stays until the next change or announcement.");
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var rows = await _store.ListAsync(_options.TenantId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var plugins = new List<InstalledPlugin>();
        foreach (var row in rows)
        {
            if (row.Status == PluginStatuses.Installing) continue;
            if (FromRow(row) is { } plugin) plugins.Add(plugin);
        }
        _snapshot = new Snapshot(plugins, _time.GetUtcNow());
    }

    private InstalledPlugin? FromRow(PluginRecord row)
    {
        try
        {
            if (JsonNode.Parse(row.Metadata) is not JsonObject metadata || metadata["manifest"] is not JsonObject manifestJson)
                throw new InvalidOperationException("The metadata has no manifest object.");
            var manifest = PluginManifest.Parse(manifestJson.ToJsonString(), requireDigest: true);
            var settings = metadata["settings"] as JsonObject ?? [];
            return new InstalledPlugin(manifest, row.Status, VersionFolder(row.Name, row.Version), (JsonObject)settings.DeepClone(), row.CreatedAt, row.UpdatedAt);
        }
        catch (Exception e) when (e is JsonException or PluginPackageException or InvalidOperationException)
        {
            _logger.LogError(e, "The row of plugin {Plugin} {Version} holds no readable manifest; the plugin is ignored until reinstalled.", row.Name, row.Version);
            return null;
        }
    }

    private static string Metadata(PluginManifest manifest, JsonObject settings) =>
        new JsonObject { ["manifest"] = manifest.ToJson(), ["settings"] = settings.DeepClone() }.ToJsonString(Compact);

    private string VersionFolder(string name, string version)
    {
        var folder = Path.GetFullPath(Path.Combine(_root, name, version));
        // Names and versions are validated before they get here; this guards the one place paths are built from them.
        if (!folder.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"'{name}/{version}' is not a folder inside '{_root}'.");
        return folder;
    }

    private void DeleteFolder(string name, string version)
    {
        string folder;
        try
        {
            folder = VersionFolder(name, version);
        }
        catch (InvalidOperationException)
        {
            return;
        }
        TryDelete(folder);
        var parent = Path.GetDirectoryName(folder)!;
        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) TryDelete(parent);
    }

    private void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not remove {Folder}: {Error}; it is removed at the next start.", folder, e.Message);
        }
    }

    /// <summary>An immutable view of the installed versions: replaced whole after every change, read without locks.</summary>
    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([], DateTimeOffset.MinValue);

        private readonly Dictionary<string, IReadOnlyList<InstalledPlugin>> _byName;

        public Snapshot(IEnumerable<InstalledPlugin> plugins, DateTimeOffset loadedAt)
        {
            LoadedAt = loadedAt;
            _byName = plugins
                .GroupBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<InstalledPlugin>)g.OrderByDescending(p => p.Version).ToList(), StringComparer.Ordinal);
            All = _byName.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value).ToList();
        }

        public IReadOnlyList<InstalledPlugin> All { get; }

        /// <summary>When the rows were read.</summary>
        public DateTimeOffset LoadedAt { get; }

        public IReadOnlyList<InstalledPlugin> Versions(string name) => _byName.TryGetValue(name, out var versions) ? versions : [];
    }

    /// <summary>Collects what a hook prints and writes it to the registry's log, tagged with the plugin and hook.</summary>
    private sealed class HookLogger(List<string> lines, ILogger inner, string plugin, string version, PluginLifecycleHook hook) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            lock (lines) lines.Add(line);
            inner.Log(logLevel, "Plugin {Plugin} {Version} On{Hook}: {Line}", plugin, version, hook, line);
        }
    }
}
