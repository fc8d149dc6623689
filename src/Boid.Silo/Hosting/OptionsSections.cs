using Boid.Silo.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Boid.Silo.Hosting;

/// <summary>
/// The host's own options (endpoints, cluster identity, database, TLS, telemetry, stores). The host reads them while it
/// is still being built (ports, which clustering, certificates), so it binds them then from the same sections that
/// <see cref="AddBoidHostOptions"/> binds for everything resolved later: one class and one section name per setting.
/// </summary>
public static class OptionsSections
{
    /// <summary>An options object bound from <paramref name="section"/> now (defaults where the section is empty).</summary>
    public static T Bound<T>(this IConfiguration configuration, string section)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(section).Get<T>() ?? new T();
    }

    /// <summary>Registers the host's options, each bound from its section.</summary>
    public static IServiceCollection AddBoidHostOptions(this IServiceCollection services)
    {
        services.AddOptions<SiloEndpointOptions>().BindConfiguration(SiloEndpointOptions.SectionName);
        services.AddOptions<ClusterIdentityOptions>().BindConfiguration(ClusterIdentityOptions.SectionName);
        services.AddOptions<PostgresOptions>().BindConfiguration(PostgresOptions.SectionName);
        services.AddOptions<SiloTlsOptions>().BindConfiguration(SiloTlsOptions.SectionName);
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName);
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName);
        services.AddOptions<ResultsOptions>().BindConfiguration(ResultsOptions.SectionName);
        return services;
    }
}
