using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Boid.Client;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Boid.Examples.Tests;

/// <summary>
/// One embedded cluster (dispatcher and a 2-slot worker in one silo, SQLite state, Docker containers,
/// HTTP API on loopback) plus a second worker-only silo that joins it, so that replicated examples
/// find copies on two different workers. Shared by every example test (one collection, run in turn).
/// </summary>
public sealed class ExampleCluster : IAsyncLifetime
{
    private readonly List<WebApplication> _silos = [];

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("boid-examples-").FullName;

    public string ApiUrl { get; } = $"http://127.0.0.1:{FreePort()}";

    /// <summary>The cluster's local store: <c>store:PATH</c> inputs are <c>StoreDirectory/PATH</c>.</summary>
    public string StoreDirectory => Path.Combine(DataDirectory, "store");

    public BoidClient Client { get; private set; } = null!;

    public static string RepositoryRoot { get; } = FindRoot();

    public async Task InitializeAsync()
    {
        var siloPort = FreePort();
        var embedded = Settings("exembedded1", 2, siloPort, "embedded");
        embedded["Boid:Api:Url"] = ApiUrl;
        await StartAsync(SiloRoles.Embedded, embedded);

        var worker = Settings("exworker2", 1, FreePort(), "worker2");
        worker["Boid:Silo:Primary"] = $"127.0.0.1:{siloPort}";
        await StartAsync(SiloRoles.Worker, worker);

        Client = new BoidClient(new Uri(ApiUrl + "/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await Client.ListWorkersAsync()).Count < 2)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the second worker did not register with the dispatcher within 60 s");
            }

            await Task.Delay(250);
        }
    }

    private Dictionary<string, string?> Settings(string workerId, int slots, int siloPort, string folder) => new()
    {
        ["Boid:DataDirectory"] = Path.Combine(DataDirectory, folder),
        ["Boid:Silo:Port"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Boid:Silo:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        ["Boid:Worker:Id"] = workerId,
        ["Boid:Worker:Slots"] = slots.ToString(CultureInfo.InvariantCulture),
        ["Boid:Worker:WorkDirectory"] = Path.Combine(DataDirectory, folder, "work"),
        // One result store for both silos: a worker's uploaded outputs must be where the dispatcher reads them.
        ["Boid:Results:Directory"] = StoreDirectory,
        // ... and one store, where job inputs (store:…) are staged from.
        ["Boid:Storage:Directory"] = StoreDirectory,
    };

    private async Task StartAsync(SiloRoles roles, Dictionary<string, string?> settings)
    {
        Directory.CreateDirectory(settings["Boid:DataDirectory"]!);
        var app = BoidHost.Build(roles, settings, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        _silos.Add(app);
    }

    /// <summary>
    /// Runs an example's job spec (after <paramref name="shrink"/>) under its protocol, waits for it and
    /// downloads the result. Fails, never skips, when the example's image is missing.
    /// </summary>
    public async Task<ExampleRun> RunAsync(string example, Func<string, string> shrink, TimeSpan? timeout = null)
    {
        var spec = shrink(await File.ReadAllTextAsync(ExampleFile(example, "job.yaml")));
        var image = spec.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("image:", StringComparison.Ordinal))["image:".Length..].Trim();
        RequireImage(image);
        await Client.AddProtocolAsync(await File.ReadAllTextAsync(ExampleFile(example, "protocol.yaml")));
        var job = await Client.SubmitJobAsync(spec);
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            job = await Client.WaitForJobAsync(job.Id, pollInterval: TimeSpan.FromMilliseconds(250), cancellationToken: cancel.Token);
        }
        catch (OperationCanceledException)
        {
            job = await Client.GetJobAsync(job.Id);
            throw new TimeoutException($"{example}: job {job.Id} did not finish within {timeout ?? TimeSpan.FromMinutes(5)}: {job.State} {job.Progress}");
        }

        if (job.State != JobState.Done)
        {
            var amalgamation = await TryLogsAsync(job.Id, job.AmalgamationUnit ?? "0");
            Assert.Fail($"{example}: job {job.Id} ended {job.State}: {job.Reason} ({job.Progress}){amalgamation}");
        }

        var directory = Path.Combine(DataDirectory, "results-" + job.Id);
        await Client.DownloadResultAsync(job.Id, directory);
        return new ExampleRun(job, directory);
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

    public static string ExampleFile(string example, string file) => Path.Combine(RepositoryRoot, "examples", example, file);

    /// <summary>Replaces <paramref name="old"/> in a spec and insists it was there, so a changed example fails loudly.</summary>
    public static string Replace(string spec, string old, string replacement)
    {
        Assert.True(spec.Contains(old, StringComparison.Ordinal), $"the example's job.yaml no longer contains '{old}': update the test's reduced size");
        return spec.Replace(old, replacement, StringComparison.Ordinal);
    }

    public static void RequireImage(string image)
    {
        using var process = Process.Start(new ProcessStartInfo("docker", $"image inspect --format ok {image}") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"image {image} is missing or Docker is not running ({output.Trim()}): run scripts/ensure-docker.sh and deploy/images/build-examples.sh (.ci/run does both)");
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            await _silos[i].StopAsync();
            await _silos[i].DisposeAsync();
        }

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "BoidCluster.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("tests must run inside the repository (BoidCluster.sln not found above the test binaries)");
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
