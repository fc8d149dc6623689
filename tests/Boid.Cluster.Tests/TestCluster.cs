using System.Globalization;
using Boid.Client;
using Boid.Testing;
using Boid.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Boid.Cluster.Tests;

/// <summary>
/// Dispatcher and worker silos as separate OS processes (a <see cref="Deployment"/>) on one PostgreSQL database, sharing
/// one --data directory (so one result store), each with its own ports. Also an Orleans client on the same cluster for
/// questions the HTTP API does not answer (which silo hosts which grain).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Deployment _deployment;
    private readonly Dictionary<string, (int SiloPort, string? Api)> _endpoints = [];
    private IHost? _client;

    private TestCluster(TestDatabase database, string testName)
    {
        Database = database;
        _deployment = new Deployment(testName, new Dictionary<string, string> { ["Boid__Postgres__ConnectionString"] = database.ConnectionString });
    }

    public TestDatabase Database { get; }

    /// <summary>A scratch folder of the test's own (certificates, say), deleted with the cluster.</summary>
    public DirectoryInfo Work { get; } = new(Repository.NewTempDirectory("boid-cluster"));

    public IReadOnlyList<BoidProcess> Processes => _deployment.Processes;

    /// <summary>
    /// TLS arguments (<c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>) every silo gets unless it is started
    /// with its own; with them a dispatcher's API is <c>https://</c>.
    /// </summary>
    public IReadOnlyList<string> Tls { get; set; } = [];

    /// <summary>A fresh database with the schema (<c>boid db init</c>) and an empty cluster on it.</summary>
    public static async Task<TestCluster> CreateAsync(string testName)
    {
        var cluster = new TestCluster(await TestDatabase.CreateAsync(), testName);
        var init = cluster._deployment.Start("db-init", ["db", "init"]);
        var code = await init.WaitForExitAsync(TimeSpan.FromSeconds(60), "create the schema");
        Assert.True(code == 0, $"boid db init exited {code}:\n{init.Output}");
        return cluster;
    }

    public BoidProcess StartDispatcher(string name, int leaseTtlSeconds = 30)
    {
        var (silo, gateway, api) = (Ports.Free(), Ports.Free(), Ports.Free());
        var url = $"{(Tls.Count > 0 ? "https" : "http")}://127.0.0.1:{api}";
        _endpoints[name] = (silo, url);
        return _deployment.Start(name, ["dispatcher", "--data", _deployment.DataDirectory, "--advertise", "127.0.0.1",
            "--silo-port", Text(silo), "--gateway-port", Text(gateway), "--api", url,
            "--lease-ttl", Text(leaseTtlSeconds), .. Tls]);
    }

    /// <summary>
    /// A worker silo; <paramref name="tls"/> replaces <see cref="Tls"/> for this silo (empty: plain TCP) and
    /// <paramref name="environment"/> adds configuration keys for it alone.
    /// </summary>
    public BoidProcess StartWorker(string name, string workerId, int slots = 2, IReadOnlyList<string>? tls = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (silo, gateway) = (Ports.Free(), Ports.Free());
        _endpoints[name] = (silo, null);
        _deployment.TrackWorker(workerId);
        return _deployment.Start(name, ["worker", "--data", _deployment.DataDirectory, "--advertise", "127.0.0.1",
            "--silo-port", Text(silo), "--gateway-port", Text(gateway), "--worker-id", workerId,
            "--slots", Text(slots), .. tls ?? Tls], environment);
    }

    public BoidClient Api(string dispatcher) => new(ApiUrl(dispatcher));

    public Uri ApiUrl(string dispatcher) => new(_endpoints[dispatcher].Api! + "/");

    public int SiloPort(string name) => _endpoints[name].SiloPort;

    /// <summary>Waits until the membership table shows this many active silos; fails at once if a silo exits meanwhile.</summary>
    public Task WaitForActiveSilosAsync(int count, TimeSpan timeout) => Wait.UntilAsync(async () =>
    {
        var exited = Processes.FirstOrDefault(p => _endpoints.ContainsKey(p.Name) && p.HasExited); // a silo, not `db init`
        Assert.True(exited is null, $"{exited?.Name} exited while the cluster formed:\n{exited?.Tail()}");
        return await Database.ScalarAsync("SELECT count(*) FROM orleans_membership WHERE status = 3") >= count;
    }, timeout, $"{count} active silos in the membership table", Logs, TimeSpan.FromMilliseconds(500));

    /// <summary>Every activation in the cluster, asked of each active silo except those on <paramref name="skipSiloPorts"/> (a frozen process cannot answer).</summary>
    public async Task<IReadOnlyList<(int SiloPort, GrainId Grain, string Type)>> ActivationsAsync(IReadOnlySet<int>? skipSiloPorts = null)
    {
        if (_client is null)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.UseOrleansClient(client =>
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = Database.ConnectionString;
                });
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("boid", "boid"));
            });
            _client = builder.Build();
            await _client.StartAsync();
        }

        var management = _client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.Where(h => skipSiloPorts?.Contains(h.Endpoint.Port) != true).ToArray();
        var statistics = await management.GetDetailedGrainStatistics(null, hosts);
        return [.. statistics.Select(s => (s.SiloAddress.Endpoint.Port, s.GrainId, s.GrainType))];
    }

    /// <summary>The end of every process's output, for failure messages (full logs in the deployment's log folder).</summary>
    public string Logs() => _deployment.Diagnostics();

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        _deployment.Dispose();
        await Database.DisposeAsync();
        Repository.TryDelete(Work.FullName);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
