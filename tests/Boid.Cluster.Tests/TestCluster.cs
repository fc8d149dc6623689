using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Boid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Boid.Cluster.Tests;

/// <summary>
/// Dispatcher and worker silos as separate OS processes on one PostgreSQL database, sharing one --data
/// directory (so one result store), each with its own ports. Also an Orleans client on the same cluster for
/// questions the HTTP API does not answer (which silo hosts which grain).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<BoidProcess> _processes = [];
    private readonly Dictionary<string, (int SiloPort, string? Api)> _endpoints = [];
    private IHost? _client;

    private TestCluster(TestDatabase database, DirectoryInfo work)
    {
        Database = database;
        Work = work;
    }

    public TestDatabase Database { get; }

    public DirectoryInfo Work { get; }

    public IReadOnlyList<BoidProcess> Processes => _processes;

    public static async Task<TestCluster> CreateAsync()
    {
        var database = await TestDatabase.CreateAsync();
        var cluster = new TestCluster(database, Directory.CreateTempSubdirectory("boid-cluster-"));
        await using var init = BoidProcess.Start("db-init", cluster.Environment, "db", "init");
        var code = await init.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"boid db init exited {code}:\n{init.Output}");
        return cluster;
    }

    public Dictionary<string, string> Environment => new(StringComparer.Ordinal)
    {
        ["Boid__Postgres__ConnectionString"] = Database.ConnectionString,
    };

    /// <summary>
    /// TLS arguments (<c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>) every silo gets unless it is started
    /// with its own; with them a dispatcher's API is <c>https://</c>.
    /// </summary>
    public IReadOnlyList<string> Tls { get; set; } = [];

    public BoidProcess StartDispatcher(string name, int leaseTtlSeconds = 30)
    {
        var (silo, gateway, api) = (FreePort(), FreePort(), FreePort());
        var url = $"{(Tls.Count > 0 ? "https" : "http")}://127.0.0.1:{api}";
        _endpoints[name] = (silo, url);
        return Track(BoidProcess.Start(name, Environment, ["dispatcher", "--data", DataDirectory, "--advertise", "127.0.0.1",
            "--silo-port", Port(silo), "--gateway-port", Port(gateway), "--api", url,
            "--lease-ttl", leaseTtlSeconds.ToString(CultureInfo.InvariantCulture), .. Tls]));
    }

    /// <summary>
    /// A worker silo; <paramref name="tls"/> replaces <see cref="Tls"/> for this silo (empty: plain TCP) and
    /// <paramref name="environment"/> adds configuration keys for it alone.
    /// </summary>
    public BoidProcess StartWorker(string name, string workerId, int slots = 2, IReadOnlyList<string>? tls = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (silo, gateway) = (FreePort(), FreePort());
        _endpoints[name] = (silo, null);
        var variables = Environment;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        return Track(BoidProcess.Start(name, variables, ["worker", "--data", DataDirectory, "--advertise", "127.0.0.1",
            "--silo-port", Port(silo), "--gateway-port", Port(gateway), "--worker-id", workerId,
            "--slots", slots.ToString(CultureInfo.InvariantCulture), .. tls ?? Tls]));
    }

    public string DataDirectory => Path.Combine(Work.FullName, "data");

    public BoidClient Api(string dispatcher) => new(ApiUrl(dispatcher));

    public Uri ApiUrl(string dispatcher) => new(_endpoints[dispatcher].Api! + "/");

    public int SiloPort(string name) => _endpoints[name].SiloPort;

    /// <summary>Waits until the membership table shows this many active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long active = 0;
        while (DateTime.UtcNow < deadline)
        {
            active = await Database.ScalarAsync("SELECT count(*) FROM orleans_membership WHERE status = 3");
            if (active >= count)
            {
                return;
            }

            var exited = _processes.FirstOrDefault(p => p.HasExited);
            Assert.True(exited is null, $"{exited?.Name} exited while the cluster formed:\n{exited?.Output}");
            await Task.Delay(500);
        }

        Assert.Fail($"waited {timeout.TotalSeconds:0} s for {count} active silos, saw {active}:\n{Logs()}");
    }

    /// <summary>Every grain activation in the cluster with the silo port hosting it (through IManagementGrain).</summary>
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

    public string Logs() => string.Join("\n", _processes.Select(p => $"===== {p.Name}\n{Tail(p.Output)}"));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var process in _processes.AsEnumerable().Reverse())
        {
            await process.DisposeAsync();
        }

        await Database.DisposeAsync();
        try
        {
            Work.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A container's output directory may still be held; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private BoidProcess Track(BoidProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
