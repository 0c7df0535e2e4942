using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using OpenClaw.Storage.Postgres;

namespace OpenClaw.Storage.Tests.Postgres;

/// <summary>
/// The PostgreSQL server the tests run against: a throwaway cluster this test run creates (initdb into a temporary
/// folder, listening on 127.0.0.1 and a free port, fsync off) and removes when the process exits, or an existing
/// server named by <c>OPENCLAW_TEST_POSTGRES</c>. Each test gets its own database, so tests run in parallel without
/// sharing state.
/// </summary>
/// <remarks>
/// Databases are cloned from a template migrated once per run, which makes a fresh database cost one file copy. The
/// migration tests create theirs empty (<see cref="CreateDatabaseAsync"/> with <c>migrated: false</c>).
/// <para>
/// Without PostgreSQL binaries the tests are skipped with <see cref="SkipReason"/>, except in CI (<c>CI=true</c>), where
/// they run and fail loudly: a CI run must never pass by skipping them.
/// </para>
/// </remarks>
public sealed class PostgresTestServer
{
    /// <summary>A connection string to an existing server (its role needs CREATEDB) instead of a throwaway cluster.</summary>
    public const string ServerVariable = "OPENCLAW_TEST_POSTGRES";

    /// <summary>A folder holding initdb and pg_ctl, for installs outside <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public const string BinariesVariable = "OPENCLAW_TEST_POSTGRES_BIN";

    private const string ClustersRoot = "openclaw-pg-tests";

    private static readonly Lazy<string?> LazySkipReason = new(ComputeSkipReason);
    private static readonly Lazy<Task<PostgresTestServer>> Instance = new(StartAsync);

    private readonly string _adminConnectionString;
    private readonly string _templateName;
    private readonly bool _supportsStrategy;

    private PostgresTestServer(string adminConnectionString, string templateName, bool supportsStrategy)
    {
        _adminConnectionString = adminConnectionString;
        _templateName = templateName;
        _supportsStrategy = supportsStrategy;
    }

    /// <summary>Why the PostgreSQL tests cannot run here, or null when they can (or must: in CI).</summary>
    public static string? SkipReason => LazySkipReason.Value;

    /// <summary>The server for this test run, started on first use.</summary>
    public static Task<PostgresTestServer> GetAsync() => Instance.Value;

    /// <summary>A connection string for the server's maintenance database (as the cluster's superuser, or the override's role).</summary>
    public string AdminConnectionString => _adminConnectionString;

    /// <summary>Creates a database no other test uses; migrated (from the template) unless <paramref name="migrated"/> is false.</summary>
    /// <returns>Its name and a connection string to it.</returns>
    public async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"openclaw_t_{Guid.NewGuid():N}";
        var sql = migrated
            ? $"CREATE DATABASE {name} TEMPLATE {_templateName}{(_supportsStrategy ? " STRATEGY FILE_COPY" : "")};"
            : $"CREATE DATABASE {name};";
        await ExecuteAdminAsync(sql);
        return (name, ConnectionStringFor(name));
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, ending any session still on it.</summary>
    public Task DropDatabaseAsync(string name) => ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE);");

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    public async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string? ComputeSkipReason()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ServerVariable)) || FindBinaries() is not null)
        {
            return null;
        }

        // In CI the tests run anyway and fail in StartAsync with the reason: they must never pass by being skipped there.
        return string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"PostgreSQL binaries not found in /usr/lib/postgresql/*/bin; install the postgresql package (or set {ServerVariable} to a connection string).";
    }

    private static string? FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable(BinariesVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasBinaries(configured) ? configured : null;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(version => (Version: int.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0, Bin: Path.Combine(version, "bin")))
            .Where(x => HasBinaries(x.Bin))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Bin)
            .FirstOrDefault();
    }

    private static bool HasBinaries(string folder) =>
        File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")) && File.Exists(Path.Combine(folder, "postgres"));

    private static async Task<PostgresTestServer> StartAsync()
    {
        string admin;
        var external = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            admin = new NpgsqlConnectionStringBuilder(external) { Pooling = false }.ConnectionString;
        }
        else
        {
            var bin = FindBinaries() ?? throw new InvalidOperationException(
                $"PostgreSQL is required for these tests but no binaries were found in /usr/lib/postgresql/*/bin " +
                $"(install the postgresql package, set {BinariesVariable} to the folder with initdb and pg_ctl, or set {ServerVariable}).");
            admin = await ThrowawayCluster.StartAsync(bin);
        }

        int serverVersion;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            serverVersion = connection.PostgreSqlVersion.Major;
        }

        // The template is migrated once; every test database is a copy of it.
        var template = $"openclaw_tpl_{Guid.NewGuid():N}";
        var server = new PostgresTestServer(admin, template, serverVersion >= 15);
        await server.ExecuteAdminAsync($"CREATE DATABASE {template};");
        await using (var database = await PostgresDatabase.OpenAsync(new PostgresStorageOptions { ConnectionString = server.ConnectionStringFor(template) }))
        {
        }

        NpgsqlConnection.ClearAllPools();
        if (!string.IsNullOrWhiteSpace(external))
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    server.ExecuteAdminAsync($"DROP DATABASE IF EXISTS {template} WITH (FORCE);").GetAwaiter().GetResult();
                }
                catch (NpgsqlException)
                {
                    // The server went away first; nothing to clean.
                }
            };
        }

        return server;
    }

    /// <summary>A cluster in a temporary folder, owned by this process, stopped and deleted when it exits.</summary>
    private static class ThrowawayCluster
    {
        public static async Task<string> StartAsync(string bin)
        {
            var root = Path.Combine(Path.GetTempPath(), ClustersRoot);
            Directory.CreateDirectory(root);
            RemoveAbandoned(root, bin);

            var folder = Path.Combine(root, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            var data = Path.Combine(folder, "data");

            // postgres refuses to run as root: the cluster then belongs to the postgres system user.
            var asRoot = Environment.UserName == "root";
            if (asRoot && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                await RunAsync("chown", ["-R", "postgres:postgres", folder], asPostgres: false, folder);
            }

            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot, folder);

            await StartWatchdogAsync(bin, folder, asRoot);
            Exception? last = null;
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var port = FreePort();
                var settings = string.Join(' ',
                    $"-p {port}",
                    "-c listen_addresses=127.0.0.1",
                    $"-c unix_socket_directories='{folder}'",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=300",
                    "-c shared_buffers=128MB");
                try
                {
                    await RunAsync(Path.Combine(bin, "pg_ctl"), ["start", "-D", data, "-w", "-t", "60", "-l", Path.Combine(folder, "server.log"), "-o", settings], asRoot, folder);
                    return new NpgsqlConnectionStringBuilder
                    {
                        Host = "127.0.0.1",
                        Port = port,
                        Username = "postgres",
                        Database = "postgres",
                        Pooling = false,
                    }.ConnectionString;
                }
                catch (InvalidOperationException ex)
                {
                    // Most likely the port was taken between choosing it and binding it; try another.
                    last = ex;
                }
            }

            throw new InvalidOperationException($"Could not start a PostgreSQL test cluster in {folder}.", last);
        }

        private static void Stop(string bin, string folder, bool asRoot)
        {
            try
            {
                RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w"], asRoot, folder).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the folder goes anyway.
            }

            // The server's last processes may still be closing files for a moment after pg_ctl returns.
            for (var attempt = 0; attempt < 20; attempt++)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                    return;
                }
                catch (DirectoryNotFoundException)
                {
                    return;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Retried; a folder still left over is removed by the next run (RemoveAbandoned).
                    Thread.Sleep(50);
                }
            }
        }

        /// <summary>
        /// Starts a detached shell that waits for this process to end, however it ends (the test host is often killed
        /// rather than left to run exit handlers), then stops the cluster and deletes its folder.
        /// </summary>
        private static async Task StartWatchdogAsync(string bin, string folder, bool asRoot)
        {
            // Output goes nowhere: the test host's pipes are gone by the time it runs, and writing to them would kill it.
            const string script = """
                exec </dev/null >/dev/null 2>&1
                while kill -0 "$1" 2>/dev/null; do sleep 1; done
                if [ "$5" = root ]; then runuser -u postgres -- "$2" stop -D "$3" -m immediate -w; else "$2" stop -D "$3" -m immediate -w; fi
                rm -rf "$4"
                """;

            // setsid -f: a new session whose parent exits at once, so killing the test host's process tree spares it.
            await RunAsync(
                "setsid",
                ["-f", "sh", "-c", script, "sh", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Path.Combine(bin, "pg_ctl"),
                    Path.Combine(folder, "data"), folder, asRoot ? "root" : "user"],
                asPostgres: false,
                folder,
                waitForOutput: false);
        }

        /// <summary>Stops and deletes clusters whose test process died without cleaning up (killed, crashed).</summary>
        private static void RemoveAbandoned(string root, string bin)
        {
            foreach (var folder in Directory.GetDirectories(root))
            {
                var pidFile = Path.Combine(folder, "owner.pid");
                if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
                {
                    continue;
                }

                Stop(bin, folder, Environment.UserName == "root");
            }
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task RunAsync(string file, string[] arguments, bool asPostgres, string workingDirectory, bool waitForOutput = true)
        {
            var start = new ProcessStartInfo
            {
                FileName = asPostgres ? "runuser" : file,
                WorkingDirectory = workingDirectory,

                // A detached child would hold redirected pipes open for its whole life.
                RedirectStandardOutput = waitForOutput,
                RedirectStandardError = waitForOutput,
                UseShellExecute = false,
            };
            if (asPostgres)
            {
                foreach (var prefix in new[] { "-u", "postgres", "--", file })
                {
                    start.ArgumentList.Add(prefix);
                }
            }

            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
            var output = waitForOutput ? process.StandardOutput.ReadToEndAsync() : Task.FromResult("");
            var error = waitForOutput ? process.StandardError.ReadToEndAsync() : Task.FromResult("");
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
            }
        }
    }
}
