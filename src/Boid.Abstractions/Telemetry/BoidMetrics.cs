using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Boid.Abstractions.Telemetry;

/// <summary>
/// Boid's own OpenTelemetry instruments (meter <c>Boid</c>) and activity source (<c>Boid</c>). The silo host
/// exports them with Orleans' meters over OTLP and on <c>/metrics</c> (Prometheus). Instrument names, with the
/// Prometheus names the exporter derives from them:
/// <list type="table">
/// <item><term><c>boid.units.leased</c></term><description>counter {unit}: leases handed out (<c>boid_units_leased_total</c>)</description></item>
/// <item><term><c>boid.units.completed</c></term><description>counter {unit}: units accepted (<c>boid_units_completed_total</c>)</description></item>
/// <item><term><c>boid.units.failed</c></term><description>counter {unit}: failed attempts; tag <c>final</c> true when the unit failed for good (<c>boid_units_failed_total</c>)</description></item>
/// <item><term><c>boid.lease.latency</c></term><description>histogram s: time to serve one lease request (<c>boid_lease_latency_seconds</c>)</description></item>
/// <item><term><c>boid.dispatch.queue_depth</c></term><description>gauge {unit}: units of a job waiting for a worker, tag <c>job</c>, as of its last checkpoint (<c>boid_dispatch_queue_depth</c>)</description></item>
/// <item><term><c>boid.container.run_time</c></term><description>histogram s: a unit's container wall time; tag <c>outcome</c> (<c>boid_container_run_time_seconds</c>)</description></item>
/// </list>
/// Rates ("units per second") are the counters' rates in the metrics backend (<c>rate(boid_units_completed_total[1m])</c>).
/// </summary>
public static class BoidMetrics
{
    public const string MeterName = "Boid";
    public const string ActivitySourceName = "Boid";

    private static readonly ConcurrentDictionary<string, long> QueueDepths = new(StringComparer.Ordinal);

    public static Meter Meter { get; } = new(MeterName);

    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName);

    public static Counter<long> UnitsLeased { get; } = Meter.CreateCounter<long>("boid.units.leased", "{unit}", "Leases handed out to workers");

    public static Counter<long> UnitsCompleted { get; } = Meter.CreateCounter<long>("boid.units.completed", "{unit}", "Units accepted");

    public static Counter<long> UnitsFailed { get; } = Meter.CreateCounter<long>("boid.units.failed", "{unit}", "Failed attempts; tag final=true when the unit failed for good");

    public static Histogram<double> LeaseLatency { get; } = Meter.CreateHistogram<double>("boid.lease.latency", "s", "Time to serve one lease request");

    public static Histogram<double> ContainerRunTime { get; } = Meter.CreateHistogram<double>("boid.container.run_time", "s", "Wall time of a unit's container; tag outcome");

    /// <summary>Units waiting for a worker, per active job on this silo, as last reported by <see cref="ReportQueueDepth"/>.</summary>
    public static ObservableGauge<long> QueueDepth { get; } = Meter.CreateObservableGauge(
        "boid.dispatch.queue_depth",
        () => QueueDepths.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("job", p.Key))),
        "{unit}",
        "Units waiting for a worker");

    /// <summary>Records the queue depth of a job; the gauge reports the latest value per job on this silo.</summary>
    public static void ReportQueueDepth(string jobId, long depth) => QueueDepths[jobId] = depth;

    /// <summary>Stops reporting a job's depth on this silo (it ended, or its grain deactivated here).</summary>
    public static void ForgetQueueDepth(string jobId) => QueueDepths.TryRemove(jobId, out _);
}
