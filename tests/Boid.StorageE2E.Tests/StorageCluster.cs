using System.Globalization;
using Boid.Client;
using Boid.Integration.Tests;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Boid.StorageE2E.Tests;

/// <summary>An embedded cluster (dispatcher and worker in one process, Docker containers) whose services the tests can reach.</summary>
public sealed class StorageCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;

    public StorageCluster(string workerId, int slots, IDictionary<string, string?>? extra = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("boid-storage-e2e-").FullName;
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

    public string DataDirectory { get; }

    /// <summary>The local store's folder (when no WebHDFS is configured).</summary>
    public string StoreDirectory => StorageHosting.DefaultLocalRoot(DataDirectory);

    public string ApiUrl { get; }

    public BoidClient Client { get; }

    public WebApplication App { get; private set; } = null!;

    public async Task StartAsync()
    {
        App = BoidHost.Build(SiloRoles.Embedded, _settings, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await App.StartAsync();
    }

    public async Task<Job> WaitAsync(string jobId, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(3);
        var deadline = DateTime.UtcNow + limit;
        Job job;
        do
        {
            job = await Client.GetJobAsync(jobId);
            if (job.IsFinished)
            {
                return job;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"waited {limit} for job {jobId} to {what}; last: {job.State} {job.Progress}");
    }

    public async ValueTask DisposeAsync()
    {
        if (App is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Client.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
