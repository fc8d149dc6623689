using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary>The multi-machine options every role command takes (PostgreSQL, endpoints, TLS, telemetry).</summary>
public partial class RoleSettings
{
    [CommandOption("--postgres <CONN>")]
    [Description("PostgreSQL connection string: cluster membership, grain state and reminders live there (else: one machine, SQLite). Prefer Boid__Postgres__ConnectionString or Boid:Postgres:ConnectionStringFile; it is never logged")]
    public string? Postgres { get; init; }

    [CommandOption("--advertise <IP>")]
    [Description("Address other silos reach this one at (with --postgres; default: the first non-loopback IPv4 address)")]
    public string? Advertise { get; init; }

    [CommandOption("--results <DIR>")]
    [Description("Result store directory shared by every silo of the cluster (default: <data>/results)")]
    public string? Results { get; init; }

    [CommandOption("--tls-cert <FILE>")]
    [Description("Certificate (PEM, with --tls-key; or PKCS#12) for TLS between silos and HTTPS on the API")]
    public string? TlsCertificate { get; init; }

    [CommandOption("--tls-key <FILE>")]
    [Description("Private key (PEM) of --tls-cert")]
    public string? TlsKey { get; init; }

    [CommandOption("--tls-ca <FILE>")]
    [Description("The cluster's CA certificate (PEM): peers must present a certificate it signed")]
    public string? TlsCa { get; init; }

    [CommandOption("--otlp <URL>")]
    [Description("OpenTelemetry collector for metrics and traces (OTLP, e.g. http://127.0.0.1:4317)")]
    public string? Otlp { get; init; }

    private void AddClusterConfiguration(Dictionary<string, string?> settings)
    {
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }

        Set("Boid:Postgres:ConnectionString", Postgres);
        Set("Boid:Silo:AdvertisedAddress", Advertise);
        Set("Boid:Results:Directory", Results);
        Set("Boid:Tls:CertificateFile", TlsCertificate);
        Set("Boid:Tls:KeyFile", TlsKey);
        Set("Boid:Tls:CaFile", TlsCa);
        Set("Boid:Telemetry:OtlpEndpoint", Otlp);
    }

    private ValidationResult ValidateCluster() =>
        Advertise is not null && !System.Net.IPAddress.TryParse(Advertise, out _) ? ValidationResult.Error("--advertise: an IP address")
        : TlsCertificate is not null && !File.Exists(TlsCertificate) ? ValidationResult.Error($"--tls-cert: no file '{TlsCertificate}'")
        : TlsKey is not null && TlsCertificate is null ? ValidationResult.Error("--tls-key: needs --tls-cert")
        : TlsCa is not null && !File.Exists(TlsCa) ? ValidationResult.Error($"--tls-ca: no file '{TlsCa}'")
        : Otlp is not null && !Uri.TryCreate(Otlp, UriKind.Absolute, out _) ? ValidationResult.Error("--otlp: an absolute URL")
        : ValidationResult.Success();
}
