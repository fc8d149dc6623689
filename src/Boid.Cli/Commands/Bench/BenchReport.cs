using System.Globalization;
using System.Runtime.InteropServices;

namespace Boid.Cli.Commands.Bench;

/// <summary>One measured figure: what, how much, the issue's target and whether this run met it.</summary>
public sealed record BenchRow(string Section, string Metric, double? Value, string Unit, string Target = "", bool? Met = null, string Note = "");

/// <summary>Where the time goes in the dispatch path, per accepted unit, for one measurement.</summary>
public sealed record DispatchProfile
{
    public required string Scenario { get; init; }

    public long UnitsAccepted { get; init; }

    /// <summary>Grain calls per accepted unit and mean time inside each (its own awaits included).</summary>
    public IReadOnlyList<CallFigure> Calls { get; init; } = [];

    /// <summary>Durable writes per accepted unit, by grain state type, with the bytes serialized.</summary>
    public IReadOnlyList<WriteFigure> Writes { get; init; } = [];

    public double WritesPerUnit { get; init; }

    public double TransactionsPerUnit { get; init; }

    /// <summary>Writes committed per SQLite transaction (group commit).</summary>
    public double WritesPerTransaction { get; init; }

    public double BytesPerUnit { get; init; }
}

public sealed record CallFigure(string Call, double PerUnit, double MeanMilliseconds, double P99Milliseconds);

public sealed record WriteFigure(string State, double PerUnit, double MeanBytes);

/// <summary>Everything one run of <c>boid bench</c> measured, as written by <c>--json</c>.</summary>
public sealed class BenchReport
{
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public bool Smoke { get; init; }

    public MachineInfo Machine { get; init; } = MachineInfo.Current();

    public List<BenchRow> Rows { get; } = [];

    public List<DispatchProfile> Profiles { get; } = [];

    /// <summary>Sections that did not run, and why (no Docker, no Slurm, an error).</summary>
    public Dictionary<string, string> Skipped { get; } = [];

    public double WallSeconds { get; set; }

    public void Add(string section, string metric, double? value, string unit, string target = "", bool? met = null, string note = "")
    {
        lock (Rows)
        {
            Rows.Add(new BenchRow(section, metric, value is { } v && (double.IsNaN(v) || double.IsInfinity(v)) ? null : value, unit, target, met, note));
        }
    }
}

public sealed record MachineInfo(int Cores, double MemoryGiB, string Os, string Runtime, string Cpu)
{
    public static MachineInfo Current()
    {
        var cpu = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }

        return new MachineInfo(
            Environment.ProcessorCount,
            Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30), 1),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            cpu);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Cores} cores, {MemoryGiB:0.#} GiB, {Os}, {Runtime}{(Cpu.Length > 0 ? ", " + Cpu : "")}");
}
