using System.Net;
using System.Net.Sockets;
using Boid.Abstractions;
using Boid.Silo.Hosting;
using Boid.Silo.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boid.Silo.Cluster;

/// <summary>
/// The multi-machine cluster: Orleans ADO.NET clustering, grain storage and reminders on PostgreSQL,
/// membership timings for home networks, silo endpoints and TLS. Chosen when
/// <c>Boid:Postgres:ConnectionString</c> (or <c>Boid:Postgres:ConnectionStringFile</c>) is set.
/// </summary>
public static partial class ClusterHosting
{
    /// <summary>The section whose values override <see cref="ClusterMembershipOptions"/> (names of its properties).</summary>
    public const string MembershipSectionName = "Boid:Membership";

    /// <summary>
    /// The PostgreSQL connection string from configuration (<c>Boid:Postgres:ConnectionString</c>, environment
    /// <c>Boid__Postgres__ConnectionString</c>, or the first line of <c>Boid:Postgres:ConnectionStringFile</c>), or null.
    /// </summary>
    public static string? PostgresConnectionString(IConfiguration configuration) =>
        configuration.Bound<PostgresOptions>(PostgresOptions.SectionName).Resolve();

    /// <summary>
    /// Membership timings tuned for machines on home and lab networks (consumer routers, Wi-Fi, a busy
    /// uplink): a silo is declared dead after 3 missed probes of 3 s each, confirmed by 2 voters, so a
    /// 9 s silence is needed before its grains move; survivors learn of a death within a table refresh
    /// (5 s). Every value can be overridden under <c>Boid:Membership</c> (names of
    /// <see cref="ClusterMembershipOptions"/>). See docs/deploy.md for the measured failover time.
    /// </summary>
    public static void ApplyHomeNetworkDefaults(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromSeconds(3);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(30);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(60);
        options.DefunctSiloExpiration = TimeSpan.FromDays(1);
    }

    /// <summary>Clustering, grain storage <see cref="BoidNames.Storage"/> and reminders on PostgreSQL.</summary>
    public static ISiloBuilder UseBoidPostgres(this ISiloBuilder silo, string connectionString, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var connection = PostgresConnection.Normalize(connectionString);
        var endpoints = configuration.Bound<SiloEndpointOptions>(SiloEndpointOptions.SectionName);
        var identity = configuration.Bound<ClusterIdentityOptions>(ClusterIdentityOptions.SectionName);

        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (identity.Id, identity.ServiceId));
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = AdvertisedAddress(endpoints.AdvertisedAddress);
            o.SiloPort = endpoints.Port;
            o.GatewayPort = endpoints.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, endpoints.Port);
            o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, endpoints.GatewayPort);
        });
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            ApplyHomeNetworkDefaults(o);
            configuration.GetSection(MembershipSectionName).Bind(o);
        });

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresConnection.Invariant;
            o.ConnectionString = connection;
        });
        silo.AddAdoNetGrainStorage(BoidNames.Storage, o => o.Configure<Serializer>((s, serializer) =>
        {
            s.Invariant = PostgresConnection.Invariant;
            s.ConnectionString = connection;
            // Orleans' binary serializer, as in the embedded cluster: version-tolerant through [Id]/[Alias].
            s.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = PostgresConnection.Invariant;
            o.ConnectionString = connection;
        });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            new SchemaCheck(connection, sp.GetRequiredService<ILogger<SchemaCheck>>()));
        return silo;
    }

    private static IPAddress AdvertisedAddress(string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return IPAddress.TryParse(configured, out var address)
                ? address
                : Dns.GetHostAddresses(configured).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                  ?? throw new InvalidOperationException($"{SiloEndpointOptions.SectionName}:{nameof(SiloEndpointOptions.AdvertisedAddress)}: '{configured}' has no IPv4 address");
        }

        // The first non-loopback IPv4 address of an interface that is up; loopback when there is none.
        return System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }

    /// <summary>Refuses to start a silo on a database whose schema is missing or older than this build's.</summary>
    private sealed partial class SchemaCheck(string connectionString, ILogger<SchemaCheck> logger) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaCheck), ServiceLifecycleStage.First, async cancellationToken =>
            {
                var version = await PostgresMigrator.CurrentVersionAsync(connectionString, cancellationToken).ConfigureAwait(false);
                if (version < PostgresMigrator.LatestVersion)
                {
                    throw new InvalidOperationException(
                        $"the PostgreSQL schema is at version {version}, this silo needs {PostgresMigrator.LatestVersion}: run 'boid db init --postgres …' first");
                }

                Connected(logger, PostgresConnection.Describe(connectionString), version);
            });

        [LoggerMessage(4000, LogLevel.Information, "Cluster state on PostgreSQL {Database}, schema version {Version}")]
        private static partial void Connected(ILogger logger, string database, int version);
    }
}
