using System.Net;
using Boid.Abstractions;
using Boid.Containers;
using Boid.Grains;
using Boid.Grains.Catalog;
using Boid.Grains.Contributors;
using Boid.Grains.Dispatch;
using Boid.Grains.Jobs;
using Boid.Grains.Protocols;
using Boid.Grains.Units;
using Boid.Ledger;
using Boid.Persistence.Sqlite;
using Boid.Silo.Api;
using Boid.Silo.Cluster;
using Boid.Silo.Links;
using Boid.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boid.Silo.Hosting;

/// <summary>The roles a silo plays. <c>boid up</c> plays both in one process.</summary>
[Flags]
public enum SiloRoles
{
    Dispatcher = 1,
    Worker = 2,
    Embedded = Dispatcher | Worker,
}

/// <summary>
/// Builds a Boid silo for a set of roles. Settings come from configuration (section <c>Boid</c>;
/// environment variables such as <c>Boid__Api__Token</c>; the CLI writes its flags into it).
/// </summary>
public static class BoidHost
{
    /// <summary>The grain classes only dispatcher silos host; a worker-only silo excludes them all.</summary>
    private static readonly Type[] DispatcherGrains =
        [typeof(JobGrain), typeof(WorkUnitGrain), typeof(DispatchGrain), typeof(ProtocolGrain), typeof(ContributorGrain), typeof(DirectoryGrain), typeof(LedgerGrain)];

    public static WebApplication Build(SiloRoles roles, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? customize = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        var configuration = builder.Configuration;

        var dataDirectory = Path.GetFullPath(configuration["Boid:DataDirectory"] ?? ".boid");
        Directory.CreateDirectory(dataDirectory);
        var endpoints = configuration.Bound<SiloEndpointOptions>(SiloEndpointOptions.SectionName);
        var primary = endpoints.Primary is { Length: > 0 } p ? IPEndPoint.Parse(p) : null;

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddBoidHostOptions();
        // Results, job records and store: inputs on Boid:Storage (local {data}/results, or WebHDFS); see docs/storage.md.
        builder.Services.AddBoidStorage(configuration, dataDirectory);
        builder.Services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.UseOrleans(silo =>
        {
            if (configuration.Bound<PostgresOptions>(PostgresOptions.SectionName).Resolve() is { } postgres)
            {
                // Several machines: clustering, grain state and reminders on PostgreSQL (Cluster/ClusterHosting.cs).
                silo.UseBoidPostgres(postgres, configuration);
            }
            else
            {
                // One machine: development clustering on loopback.
                silo.UseLocalhostClustering(endpoints.Port, endpoints.GatewayPort, primary, serviceId: "boid", clusterId: "boid");
                // Orleans' binary serializer: version-tolerant through [Id]/[Alias], and twice as fast as JSON here.
                silo.AddSqliteGrainStorage(BoidNames.Storage, o => o.Configure<Serializer>((s, serializer) =>
                {
                    s.DataSource = Path.Combine(dataDirectory, "state.db");
                    s.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
            }

            // TLS between silos, the dashboard, trace propagation (Cluster/ClusterFeatures.cs).
            silo.AddBoidClusterFeatures(configuration, roles);
            silo.Services.AddBoidClock();
            if (roles.HasFlag(SiloRoles.Dispatcher))
            {
                // Boid:Ledger:Chain, Account, Permission, KeyFile (or the variable KeyEnvironmentVariable names), Contract,
                // BatchSize, MaxBatchAge…; without Chain, records go to {data}/ledger/journal.jsonl.
                silo.AddBoidLedger(dataDirectory, o => o.BindConfiguration(LedgerOptions.SectionName));
            }
            else
            {
                // Heterogeneous silos: a silo that lacks a grain class is never chosen to activate it.
                silo.Services.PostConfigure<GrainTypeOptions>(o => o.Classes.ExceptWith(DispatcherGrains));
            }
        });

        if (roles.HasFlag(SiloRoles.Worker))
        {
            builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName)
                .Configure(o => o.WorkDirectory = configuration[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.WorkDirectory)}"] ?? Path.Combine(dataDirectory, "work"))
                .ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddBoidContainers(o => o.BindConfiguration(DockerRunnerOptions.SectionName));
            builder.Services.AddSingleton<IDispatcherLink, OrleansDispatcherLink>();
            builder.Services.AddBoidInputStaging();
            builder.Services.AddSingleton<WorkerEngine>();
            builder.Services.AddHostedService<WorkerService>();
        }

        if (roles.HasFlag(SiloRoles.Dispatcher))
        {
            builder.AddBoidApi();
        }
        else
        {
            builder.WebHost.UseUrls(); // a worker silo serves no HTTP
        }

        builder.AddBoidClusterWeb(roles); // telemetry, HTTPS, shared result store
        customize?.Invoke(builder);
        var app = builder.Build();
        if (roles.HasFlag(SiloRoles.Dispatcher))
        {
            app.MapBoidApi();
        }

        app.MapBoidClusterWeb(roles); // dashboard at /dashboard, Prometheus at /metrics
        return app;
    }
}
