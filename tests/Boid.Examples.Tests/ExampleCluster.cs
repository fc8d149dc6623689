using Boid.Client;
using Boid.Testing;

namespace Boid.Examples.Tests;

/// <summary>
/// One embedded cluster (dispatcher and a 2-slot worker in one silo, SQLite state, Docker containers, HTTP API on
/// loopback) plus a second worker-only silo that joins it, so that replicated examples find copies on two different
/// workers. Both share one store. Shared by every example test (one collection, run in turn).
/// </summary>
public sealed class ExampleCluster : IAsyncLifetime
{
    private readonly string _root = Repository.NewTempDirectory("boid-examples");
    private EmbeddedCluster? _embedded;
    private EmbeddedCluster? _worker;

    /// <summary>The cluster's one store: <c>store:PATH</c> inputs are <c>StoreDirectory/PATH</c>.</summary>
    public string StoreDirectory => Path.Combine(_root, "store");

    public BoidClient Client => (_embedded ?? throw new InvalidOperationException("not started")).Client;

    public async Task InitializeAsync()
    {
        // One result store for both silos (a worker's uploaded outputs must be where the dispatcher reads them), and one
        // store, where job inputs (store:…) are staged from.
        var shared = new Dictionary<string, string?> { ["Boid:Results:Directory"] = StoreDirectory, ["Boid:Storage:Directory"] = StoreDirectory };
        _embedded = new EmbeddedCluster("exembedded1", slots: 2, shared, dataDirectory: Directory.CreateDirectory(Path.Combine(_root, "embedded")).FullName);
        await _embedded.StartAsync();
        _worker = _embedded.JoiningWorker("exworker2", slots: 1, shared);
        await _worker.StartAsync();
        await Wait.UntilAsync(async () => (await Client.ListWorkersAsync()).Count >= 2, TimeSpan.FromSeconds(60), "the second worker to register with the dispatcher");
    }

    /// <summary>
    /// Runs an example's job spec (after <paramref name="shrink"/>) under its protocol, waits for it and
    /// downloads the result. Fails, never skips, when the example's image is missing.
    /// </summary>
    public async Task<ExampleRun> RunAsync(string example, Func<string, string> shrink, TimeSpan? timeout = null)
    {
        var spec = shrink(await File.ReadAllTextAsync(Repository.Example(example, "job.yaml")));
        var image = spec.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("image:", StringComparison.Ordinal))["image:".Length..].Trim();
        DockerHost.RequireImages(image);
        await Client.AddProtocolAsync(await File.ReadAllTextAsync(Repository.Example(example, "protocol.yaml")));
        var job = await Client.SubmitJobAsync(spec);
        job = await Client.WaitUntilFinishedAsync(job.Id, timeout ?? TimeSpan.FromMinutes(5));
        if (job.State != JobState.Done)
        {
            var amalgamation = await TryLogsAsync(job.Id, job.AmalgamationUnit ?? "0");
            Assert.Fail($"{example}: job {job.Id} ended {job.State}: {job.Reason} ({job.Progress}){amalgamation}");
        }

        var directory = Path.Combine(_root, "results-" + job.Id);
        await Client.DownloadResultAsync(job.Id, directory);
        return new ExampleRun(job, directory);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in new[] { _worker, _embedded })
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }

        Repository.TryDelete(_root);
    }

    private async Task<string> TryLogsAsync(string jobId, string unit)
    {
        try
        {
            var u = await Client.GetUnitAsync(jobId, unit);
            return $"\n{unit} stdout: {u.StdoutTail}\n{unit} stderr: {u.StderrTail}";
        }
        catch (BoidApiException)
        {
            return "";
        }
    }
}

/// <summary>A finished example job and the folder its result was downloaded to.</summary>
public sealed record ExampleRun(Job Job, string ResultDirectory)
{
    public string File(string name)
    {
        var path = Path.Combine(ResultDirectory, name);
        Assert.True(System.IO.File.Exists(path), $"the result of job {Job.Id} has no {name}; it has: {string.Join(", ", Directory.EnumerateFiles(ResultDirectory).Select(Path.GetFileName))}");
        return path;
    }

    public string Text(string name) => System.IO.File.ReadAllText(File(name));
}

[CollectionDefinition(Name)]
public sealed class ExampleCollection : ICollectionFixture<ExampleCluster>
{
    public const string Name = "examples";
}
