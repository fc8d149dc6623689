using System.ComponentModel.DataAnnotations;

namespace Boid.Grains;

/// <summary>Dispatcher settings, bound from <c>Boid:Dispatch</c>.</summary>
public sealed class DispatchOptions
{
    public const string SectionName = "Boid:Dispatch";

    /// <summary>A lease not renewed for this long is taken back and its unit dispatched again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most units one lease call hands out.</summary>
    [Range(1, 10_000)]
    public int MaxUnitsPerLease { get; set; } = 256;

    /// <summary>Largest job accepted, in units (a sweep that expands beyond it is refused).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUnitsPerJob { get; set; } = 10_000_000;

    /// <summary>
    /// How often a job writes its state (cursor, counters, units out) when it changed. Between checkpoints the
    /// unit grains are the record: after a crash the job reconciles the units it had out and offers again the
    /// units past its cursor, which their unit grains lease, refuse or report as finished (each counted once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan JobCheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a job that had no pending unit is skipped by the dispatch round-robin.</summary>
    public TimeSpan IdleJobBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Adaptive replication: a worker whose last this-many replicated results all agreed with their
    /// quorum (and that has lost none since) runs units of replicated jobs as a single copy. 0 turns it off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int TrustAfterCleanResults { get; set; } = 10;

    /// <summary>Share of a trusted worker's units that are still replicated in full, as a spot check.</summary>
    [Range(0.0, 1.0)]
    public double SpotCheckRate { get; set; } = 0.1;

    /// <summary>
    /// Longest time one storage report credits: a storage contributor silent for longer is credited this much for
    /// the gap, not the whole of it (what it held meanwhile is not known).
    /// </summary>
    public TimeSpan MaxStorageReportGap { get; set; } = TimeSpan.FromMinutes(15);
}
