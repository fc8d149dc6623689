namespace Boid.Silo.Cluster;

/// <summary>Metrics and traces, bound from <c>Boid:Telemetry</c> (flag <c>--otlp</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Boid:Telemetry";

    /// <summary>An OTLP collector for metrics and traces (else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); none when both are unset.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Where a worker silo serves its own <c>/metrics</c> (dispatchers serve it on the API); none when unset.</summary>
    public string? MetricsUrl { get; set; }

    /// <summary>Whether <c>/metrics</c> is served in the Prometheus text format.</summary>
    /// <value>Default true.</value>
    public bool Prometheus { get; set; } = true;
}
