using System.Diagnostics;
using System.Globalization;

namespace OpenClaw.Server.Observability;

/// <summary>
/// The spec's system metrics, read at scrape time: CPU from <c>/proc/stat</c>, memory from <c>/proc/meminfo</c>, the
/// data folder's disk through <see cref="DriveInfo"/>, network bytes from <c>/proc/net/dev</c>.
/// </summary>
/// <remarks>
/// Off Linux (no <c>/proc</c>), CPU falls back to this process's share of all cores, memory to the GC's view of the
/// machine's memory load, and network samples are left out.
/// </remarks>
internal sealed class SystemMetrics
{
    private readonly string _dataDirectory;
    private readonly Lock _cpuLock = new();
    private CpuSample _lastCpu;
    private double _lastCpuPercent;

    public SystemMetrics(string dataDirectory)
    {
        _dataDirectory = dataDirectory;
        // The first scrape then reports usage since start rather than since boot.
        _lastCpu = ReadCpu();
    }

    public void Write(PrometheusTextWriter writer)
    {
        writer.Family("cpu_usage_percent", "gauge", "CPU busy time of the host across all cores since the previous scrape (or since start), in percent (0 to 100).");
        writer.Sample("cpu_usage_percent", CpuPercent());

        writer.Family("memory_usage_percent", "gauge", "Memory in use on the host, (MemTotal - MemAvailable) / MemTotal, in percent (0 to 100).");
        if (MemoryPercent() is { } memory) writer.Sample("memory_usage_percent", memory);

        writer.Family("disk_usage_percent", "gauge", "Space used on the file system holding the data folder, in percent (0 to 100).");
        if (DiskPercent() is { } disk) writer.Sample("disk_usage_percent", disk.Percent, ("path", disk.Path));

        writer.Family("network_io_bytes_total", "counter", "Bytes received and transmitted by each network interface of the host (from /proc/net/dev).");
        foreach (var (device, received, transmitted) in ReadNetwork())
        {
            writer.Sample("network_io_bytes_total", received, ("interface", device), ("direction", "receive"));
            writer.Sample("network_io_bytes_total", transmitted, ("interface", device), ("direction", "transmit"));
        }
    }

    private double CpuPercent()
    {
        var now = ReadCpu();
        lock (_cpuLock)
        {
            var total = now.Total - _lastCpu.Total;
            var busy = now.Busy - _lastCpu.Busy;
            // Two scrapes within one clock tick: nothing new to compute, keep the last figure.
            if (total > 0)
            {
                _lastCpuPercent = Math.Clamp(100.0 * busy / total, 0, 100);
                _lastCpu = now;
            }
            return _lastCpuPercent;
        }
    }

    /// <summary>Busy and total time: clock ticks from <c>/proc/stat</c>, or this process's CPU time against wall time across cores.</summary>
    private static CpuSample ReadCpu()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is not null && line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                    .Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
                var total = fields.Sum();
                var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
                return new CpuSample(total - idle, total);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux or /proc is hidden: fall through to the process's own figure.
        }
        return new CpuSample(
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency * Environment.ProcessorCount);
    }

    private static double? MemoryPercent()
    {
        try
        {
            double? total = null, available = null;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kilobytes(line);
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = Kilobytes(line);
                if (total is not null && available is not null) break;
            }
            if (total > 0 && available is not null) return Math.Clamp(100.0 * (total.Value - available.Value) / total.Value, 0, 100);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux: use the GC's view below.
        }
        var gc = GC.GetGCMemoryInfo();
        return gc.TotalAvailableMemoryBytes > 0 ? 100.0 * gc.MemoryLoadBytes / gc.TotalAvailableMemoryBytes : null;

        static double Kilobytes(string line) =>
            double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private (string Path, double Percent)? DiskPercent()
    {
        try
        {
            // The folder may not exist yet (PostgreSQL storage creates nothing there); its nearest existing parent
            // lives on the same file system.
            var path = _dataDirectory;
            while (!Directory.Exists(path) && Path.GetDirectoryName(path) is { } parent) path = parent;
            var drive = new DriveInfo(path);
            if (drive.TotalSize <= 0) return null;
            return (_dataDirectory, Math.Clamp(100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize, 0, 100));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Per interface: received and transmitted bytes, the first and ninth figures after the colon.</summary>
    private static List<(string Device, double Received, double Transmitted)> ReadNetwork()
    {
        var interfaces = new List<(string, double, double)>();
        try
        {
            foreach (var line in File.ReadLines("/proc/net/dev"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) continue;
                var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 9) continue;
                interfaces.Add((
                    line[..colon].Trim(),
                    double.Parse(fields[0], CultureInfo.InvariantCulture),
                    double.Parse(fields[8], CultureInfo.InvariantCulture)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux: no network samples.
        }
        interfaces.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return interfaces;
    }

    private readonly record struct CpuSample(double Busy, double Total);
}
