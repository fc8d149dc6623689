using System.Diagnostics;
using System.Globalization;
using Boid.Client;

namespace Boid.Faults.Tests.Infrastructure;

/// <summary>
/// One test's Boid deployment on this machine: a data directory, free ports, the `boid` processes it started
/// (embedded, dispatcher, workers) and an API client. Disposing it kills every process it started, removes the
/// containers and staging areas of every worker id it used, and deletes the data. Logs are kept under
/// <c>$TMPDIR/boid-faults-logs/</c>.
/// </summary>
public sealed class Deployment : IDisposable
{
    private readonly List<BoidProcess> _processes = [];
    private readonly HashSet<string> _workers = [];

    public Deployment(string testName)
    {
        DataDirectory = Directory.CreateTempSubdirectory("boid-faults-").FullName;
        LogDirectory = Path.Combine(Path.GetTempPath(), "boid-faults-logs", $"{DateTime.UtcNow:yyMMdd-HHmmss}-{testName}");
        SiloPort = Machine.FreePort();
        GatewayPort = Machine.FreePort();
        ApiUrl = $"http://127.0.0.1:{Machine.FreePort()}";
        Client = new BoidClient(new Uri(ApiUrl + "/"));
    }

    public string DataDirectory { get; }

    public string LogDirectory { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string ApiUrl { get; }

    public BoidClient Client { get; }

    /// <summary><c>boid up</c>: dispatcher and worker in one process, always on this deployment's ports and data.</summary>
    public BoidProcess StartUp(string name, string workerId, int slots, params string[] extra)
    {
        _workers.Add(workerId);
        return Track(BoidProcess.Start(name, LogDirectory,
        [
            "up", "--data", DataDirectory, "--api", ApiUrl, "--silo-port", P(SiloPort), "--gateway-port", P(GatewayPort),
            "--worker-id", workerId, "--slots", P(slots), .. extra,
        ]));
    }

    /// <summary><c>boid dispatcher</c> on this deployment's ports and data.</summary>
    public BoidProcess StartDispatcher(string name, params string[] extra) =>
        Track(BoidProcess.Start(name, LogDirectory,
        [
            "dispatcher", "--data", DataDirectory, "--api", ApiUrl, "--silo-port", P(SiloPort), "--gateway-port", P(GatewayPort), .. extra,
        ]));

    /// <summary><c>boid worker</c>: a worker silo that joins the dispatcher, on fresh ports, sharing the data directory (one machine).</summary>
    public BoidProcess StartWorker(string name, string workerId, int slots, params string[] extra)
    {
        _workers.Add(workerId);
        return Track(BoidProcess.Start(name, LogDirectory,
        [
            "worker", "--data", DataDirectory, "--dispatcher-silo", $"127.0.0.1:{P(SiloPort)}",
            "--silo-port", P(Machine.FreePort()), "--gateway-port", P(Machine.FreePort()),
            "--worker-id", workerId, "--slots", P(slots), .. extra,
        ]));
    }

    /// <summary>A researcher command against this deployment's API, as its own process, run to its end.</summary>
    public async Task<(int Code, string Output)> CliAsync(params string[] arguments)
    {
        using var process = BoidProcess.Start($"cli-{arguments[0]}-{Guid.NewGuid():N}"[..24], LogDirectory, [.. arguments, "--api", ApiUrl]);
        if (!await process.WaitForExitAsync(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"waited 60 s for `boid {string.Join(' ', arguments)}` to finish:\n{process.Tail()}");
        }

        await Task.Delay(50); // the last asynchronous output lines
        var lines = process.Output.Split('\n').Skip(1).Select(l => l.Length > 13 ? l[13..] : l); // drop the command line and timestamps
        return (process.ExitCode, string.Join('\n', lines));
    }

    public async Task<Job> WaitForJobAsync(string jobId, Func<Job, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(3);
        var clock = Stopwatch.StartNew();
        Job? job = null;
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                job = await Client.GetJobAsync(jobId);
                last = null;
                if (condition(job))
                {
                    return job;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or BoidApiException or TaskCanceledException)
            {
                last = exception; // the dispatcher may be restarting
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(
            $"waited {limit.TotalSeconds:0} s for job {jobId} to {what}; last: {job?.State} {job?.Progress} {last?.Message}\n{Diagnostics()}");
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the message says what was awaited.</summary>
    public async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}\n{Diagnostics()}");
    }

    /// <summary>The ends of every process's output, for failure messages.</summary>
    public string Diagnostics() => string.Join("\n", _processes.Select(p => p.Tail(25)));

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (var worker in _workers)
        {
            Machine.RemoveWorkerLeftovers(worker);
        }

        Client.Dispose();
        Machine.TryDelete(DataDirectory);
    }

    private BoidProcess Track(BoidProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static string P(int value) => value.ToString(CultureInfo.InvariantCulture);
}
