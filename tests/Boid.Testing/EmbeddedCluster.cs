using System.Globalization;
using Boid.Client;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boid.Testing;

/// <summary>
/// A real silo in the test's process, built by <see cref="BoidHost.Build"/> exactly as <c>boid up</c> (or
/// <c>dispatcher</c>, <c>worker</c>) builds it: SQLite state, Docker containers, the HTTP API on loopback, on its
/// own free ports and data directory. It can be stopped and started again on the same data, as a restarted
/// <c>boid up</c> would be, and a worker-only silo can join it (<see cref="JoiningWorker"/>).
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<WebApplicationBuilder>? _customize;
    private readonly bool _ownsDataDirectory;
    private WebApplication? _app;

    /// <param name="workerId">The worker's account (<c>Boid:Worker:Id</c>); its containers carry it as a label.</param>
    /// <param name="slots">Units the worker runs at once.</param>
    /// <param name="settings">Configuration keys on top of the cluster's own (they win).</param>
    /// <param name="roles">Embedded (dispatcher and worker) unless told otherwise.</param>
    /// <param name="dataDirectory">A data directory to use (and keep); by default a fresh one, deleted at the end.</param>
    /// <param name="customize">Runs on the host builder after the quiet test logging is set up (e.g. to replace Boid's clock).</param>
    public EmbeddedCluster(
        string workerId,
        int slots = 2,
        IDictionary<string, string?>? settings = null,
        SiloRoles roles = SiloRoles.Embedded,
        string? dataDirectory = null,
        Action<WebApplicationBuilder>? customize = null)
    {
        WorkerId = workerId;
        Roles = roles;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Repository.NewTempDirectory("boid-embedded");
        SiloPort = Ports.Free();
        ApiUrl = $"http://127.0.0.1:{Ports.Free().ToString(CultureInfo.InvariantCulture)}";
        _customize = customize;
        _settings = new Dictionary<string, string?>
        {
            ["Boid:DataDirectory"] = DataDirectory,
            ["Boid:Api:Url"] = ApiUrl,
            ["Boid:Silo:Port"] = SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Boid:Silo:GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Boid:Worker:Id"] = workerId,
            ["Boid:Worker:Slots"] = slots.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        Client = new BoidClient(new Uri(_settings["Boid:Api:Url"] + "/"));
    }

    public string WorkerId { get; }

    public SiloRoles Roles { get; }

    public string DataDirectory { get; }

    public int SiloPort { get; }

    /// <summary>The HTTP API (<c>Boid:Api:Url</c>) of a dispatcher silo.</summary>
    public string ApiUrl { get; }

    /// <summary>A researcher's client of <see cref="ApiUrl"/>.</summary>
    public BoidClient Client { get; }

    /// <summary>The configuration the silo is built with.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>The cluster's local store (<c>Boid:Storage:Directory</c>, by default <c>{data}/results</c>): <c>store:PATH</c> inputs are here.</summary>
    public string StoreDirectory => _settings.GetValueOrDefault("Boid:Storage:Directory") ?? StorageHosting.DefaultLocalRoot(DataDirectory);

    /// <summary>The running silo.</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("the cluster is not started");

    public IServiceProvider Services => App.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// A worker-only silo (not started) that joins this one (<c>Boid:Silo:Primary</c>), in a data directory of its own
    /// below this one's; <paramref name="settings"/> go on top (e.g. a shared result store).
    /// </summary>
    public EmbeddedCluster JoiningWorker(string workerId, int slots, IDictionary<string, string?>? settings = null)
    {
        var joined = new Dictionary<string, string?> { ["Boid:Silo:Primary"] = $"127.0.0.1:{SiloPort.ToString(CultureInfo.InvariantCulture)}" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            joined[key] = value;
        }

        var directory = Path.Combine(DataDirectory, "silo-" + workerId);
        Directory.CreateDirectory(directory);
        return new EmbeddedCluster(workerId, slots, joined, SiloRoles.Worker, directory, _customize);
    }

    /// <summary>Builds and starts the silo (again, after <see cref="StopAsync"/>); returns this cluster.</summary>
    public async Task<EmbeddedCluster> StartAsync()
    {
        _app = BoidHost.Build(Roles, _settings, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            _customize?.Invoke(builder);
        });
        try
        {
            await _app.StartAsync();
        }
        catch
        {
            // Keep the start failure as the test's failure, not a stop error from disposing later.
            var failed = _app;
            _app = null;
            await failed.DisposeAsync();
            throw;
        }

        return this;
    }

    /// <summary>A graceful stop: the worker stops its containers and gives their units back; the data stays.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Polls the job through <see cref="Client"/> until <paramref name="condition"/> holds.</summary>
    public Task<Job> WaitForJobAsync(string jobId, Func<Job, bool> condition, string what, TimeSpan? timeout = null) =>
        Client.WaitUntilAsync(jobId, condition, what, timeout);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        if (_ownsDataDirectory)
        {
            Repository.TryDelete(DataDirectory);
        }
    }
}
