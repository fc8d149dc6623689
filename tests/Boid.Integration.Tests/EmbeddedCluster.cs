using System.Globalization;
using Boid.Client;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Boid.Integration.Tests;

/// <summary>
/// A real embedded cluster (dispatcher and worker in one process, SQLite state, Docker containers,
/// HTTP API on loopback) on its own ports and data directory. Can be stopped and started again on the
/// same data, as `boid up` restarted would be.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _app;

    public EmbeddedCluster(string workerId, int slots = 2, IDictionary<string, string?>? extra = null)
    {
        WorkerId = workerId;
        DataDirectory = Directory.CreateTempSubdirectory("boid-it-").FullName;
        ApiUrl = $"http://127.0.0.1:{TestEnvironment.FreePort()}";
        _settings = new Dictionary<string, string?>
        {
            ["Boid:DataDirectory"] = DataDirectory,
            ["Boid:Api:Url"] = ApiUrl,
            ["Boid:Silo:Port"] = TestEnvironment.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Boid:Silo:GatewayPort"] = TestEnvironment.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Boid:Worker:Id"] = workerId,
            ["Boid:Worker:Slots"] = slots.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        Client = new BoidClient(new Uri(ApiUrl + "/"));
    }

    public string WorkerId { get; }

    public string DataDirectory { get; }

    public string ApiUrl { get; }

    public BoidClient Client { get; }

    public async Task StartAsync()
    {
        _app = BoidHost.Build(SiloRoles.Embedded, _settings, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
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
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task<Job> WaitAsync(string jobId, Func<Job, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        Job job;
        do
        {
            job = await Client.GetJobAsync(jobId);
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"waited {timeout ?? TimeSpan.FromMinutes(3)} for job {jobId} to {what}; last: {job.State} {job.Progress}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
