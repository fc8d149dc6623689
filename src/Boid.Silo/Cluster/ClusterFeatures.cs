using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Boid.Abstractions.Telemetry;
using Boid.Silo.Hosting;
using Boid.Storage;
using Boid.Storage.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Dashboard;

namespace Boid.Silo.Cluster;

/// <summary>
/// What every silo gets beyond grains and the worker engine: TLS between silos when a certificate is
/// configured (<c>Boid:Tls</c>), the Orleans dashboard on dispatchers (<c>/dashboard</c>), OpenTelemetry
/// metrics and traces (Orleans' meters and <see cref="BoidMetrics"/>; OTLP when <c>Boid:Telemetry:OtlpEndpoint</c>
/// or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; Prometheus text on the API's <c>/metrics</c>), HTTPS for the API,
/// and a shared result store (<c>Boid:Results:Directory</c>).
/// </summary>
public static class ClusterFeatures
{
    /// <summary>Orleans' own meter (membership, messaging, grains, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static ISiloBuilder AddBoidClusterFeatures(this ISiloBuilder silo, IConfiguration configuration, SiloRoles roles)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        if (LoadCertificate(configuration) is { } certificate)
        {
            var authorities = LoadAuthorities(configuration);
            silo.UseTls(certificate, o =>
            {
                // Mutual TLS: every silo presents its certificate and accepts only peers whose certificate
                // chains to the cluster's own CA (Boid:Tls:CaFile). Silos dial each other by IP address, so
                // the chain is what is checked, not the name.
                o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                o.RemoteCertificateValidation = (remote, _, errors) => IsTrusted(remote, errors, authorities);
            });
        }

        if (OtlpEndpoint(configuration) is { Length: > 0 })
        {
            // Tracing across grain calls (activities flow with the messages). Only when traces are exported: the
            // two call filters cost every grain call, thousands per second on a busy dispatcher.
            silo.AddActivityPropagation();
        }

        if (roles.HasFlag(SiloRoles.Dispatcher))
        {
            silo.AddDashboard();
        }
        else
        {
            // Heterogeneous silos: the dashboard's grains live with the dispatchers, like ours.
            silo.Services.PostConfigure<GrainTypeOptions>(o => o.Classes.RemoveWhere(c => c.Assembly == typeof(DashboardOptions).Assembly));
        }

        return silo;
    }

    /// <summary>Telemetry, HTTPS for the API and the result store; call before <c>Build()</c>.</summary>
    public static WebApplicationBuilder AddBoidClusterWeb(this WebApplicationBuilder builder, SiloRoles roles)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;

        var telemetry = configuration.Bound<TelemetryOptions>(TelemetryOptions.SectionName);
        if (configuration.Bound<ResultsOptions>(ResultsOptions.SectionName).Directory is { Length: > 0 } results)
        {
            // Several silos on several hosts must see one result store: a shared mount (NFS) named here.
            builder.Services.Replace(ServiceDescriptor.Singleton<IResultStore>(new BlobResultStore(new LocalBlobStore(Path.GetFullPath(results)))));
        }

        if (!roles.HasFlag(SiloRoles.Dispatcher))
        {
            // A worker silo serves no API: Kestrel gets an ephemeral loopback port (so several workers share a
            // host), or Boid:Telemetry:MetricsUrl where it serves /metrics for Prometheus.
            builder.WebHost.UseUrls(telemetry.MetricsUrl ?? "http://127.0.0.1:0");
        }

        var otlp = OtlpEndpoint(configuration);
        var prometheus = PrometheusEnabled(configuration, roles);
        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("boid", serviceInstanceId: $"{roles.ToString().ToLowerInvariant()}-{Environment.MachineName}-{Environment.ProcessId}"))
            .WithMetrics(m =>
            {
                m.AddMeter(OrleansMeter, BoidMetrics.MeterName);
                if (prometheus)
                {
                    m.AddPrometheusExporter();
                }

                if (otlp is { Length: > 0 })
                {
                    m.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
        if (otlp is { Length: > 0 })
        {
            openTelemetry.WithTracing(t => t
                .AddSource(BoidMetrics.ActivitySourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
        }

        if (roles.HasFlag(SiloRoles.Dispatcher) && LoadCertificate(configuration) is { } certificate)
        {
            // The slim builder leaves HTTPS out; an https:// Boid:Api:Url is served with the silo's certificate.
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        }

        return builder;
    }

    /// <summary>The dashboard at <c>/dashboard</c> and Prometheus at <c>/metrics</c> on a dispatcher's API.</summary>
    public static WebApplication MapBoidClusterWeb(this WebApplication app, SiloRoles roles)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (roles.HasFlag(SiloRoles.Dispatcher))
        {
            app.MapOrleansDashboard("/dashboard");
        }

        if (PrometheusEnabled(app.Configuration, roles))
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }

    private static string? OtlpEndpoint(IConfiguration configuration) =>
        configuration.Bound<TelemetryOptions>(TelemetryOptions.SectionName).OtlpEndpoint ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];

    private static bool PrometheusEnabled(IConfiguration configuration, SiloRoles roles)
    {
        var telemetry = configuration.Bound<TelemetryOptions>(TelemetryOptions.SectionName);
        return telemetry.Prometheus && (roles.HasFlag(SiloRoles.Dispatcher) || telemetry.MetricsUrl is { Length: > 0 });
    }

    /// <summary>
    /// The silo's certificate: <c>Boid:Tls:CertificateFile</c> (PEM with <c>Boid:Tls:KeyFile</c>, or PKCS#12
    /// with <c>Boid:Tls:Password</c> / <c>Boid__Tls__Password</c>); null when none is configured.
    /// </summary>
    public static X509Certificate2? LoadCertificate(IConfiguration configuration)
    {
        var tls = configuration.Bound<SiloTlsOptions>(SiloTlsOptions.SectionName);
        if (tls.CertificateFile is not { Length: > 0 } file)
        {
            return null;
        }

        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"Boid:Tls:CertificateFile: no file '{file}'");
        }

        if (tls.KeyFile is { Length: > 0 } key)
        {
            using var pem = X509Certificate2.CreateFromPemFile(file, key);
            // Re-import so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(file, tls.Password);
    }

    private static X509Certificate2Collection LoadAuthorities(IConfiguration configuration)
    {
        var authorities = new X509Certificate2Collection();
        if (configuration.Bound<SiloTlsOptions>(SiloTlsOptions.SectionName).CaFile is { Length: > 0 } ca)
        {
            if (!File.Exists(ca))
            {
                throw new InvalidOperationException($"Boid:Tls:CaFile: no file '{ca}'");
            }

            authorities.ImportFromPemFile(ca);
        }

        return authorities;
    }

    private static bool IsTrusted(X509Certificate2? remote, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (remote is null)
        {
            return false;
        }

        if (authorities.Count == 0)
        {
            // No cluster CA configured: the system trust store decides (names are not checked: peers dial by IP).
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }
}
