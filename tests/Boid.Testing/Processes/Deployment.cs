using System.Globalization;
using Boid.Client;

namespace Boid.Testing.Processes;

/// <summary>
/// One test's Boid deployment on this machine: a data directory, free ports, the <c>boid</c> processes it started
/// (embedded, dispatchers, worker silos, remote workers, CLI commands) and an API client. Every process gets
/// <see cref="Environment"/> and logs to <see cref="LogDirectory"/> (kept under <c>$TMPDIR/boid-test-logs/</c>).
/// Disposing it kills every process it started, removes the containers and staging areas of every worker id it
/// used, and deletes the data.
/// </summary>
public sealed class Deployment : IDisposable
{
    /// <summary>Where every deployment's logs go, one folder per deployment.</summary>
    public static readonly string LogRoot = Path.Combine(Path.GetTempPath(), "boid-test-logs");

    private readonly List<BoidProcess> _processes = [];
    private readonly HashSet<string> _workers = [];

    /// <param name="testName">Names the log folder.</param>
    /// <param name="environment">Configuration every process gets (e.g. <c>Boid__Postgres__ConnectionString</c>).</param>
    /// <param name="apiHost">The address the dispatcher's API listens on (loopback unless a test needs another).</param>
    /// <param name="apiToken">The API's bearer token: given to the dispatcher (<c>Boid__Api__Token</c>) and to <see cref="Client"/>.</param>
    public Deployment(string testName, IReadOnlyDictionary<string, string>? environment = null, string apiHost = "127.0.0.1", string? apiToken = null)
    {
        DataDirectory = Repository.NewTempDirectory("boid-deployment");
        LogDirectory = Path.Combine(LogRoot, $"{DateTime.UtcNow:yyMMdd-HHmmss}-{testName}");
        Environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (apiToken is not null)
        {
            Environment["Boid__Api__Token"] = apiToken;
        }

        SiloPort = Ports.Free();
        GatewayPort = Ports.Free();
        ApiUrl = $"http://{apiHost}:{Ports.Free().ToString(CultureInfo.InvariantCulture)}";
        Client = new BoidClient(new Uri(ApiUrl + "/"), apiToken);
    }

    public string DataDirectory { get; }

    public string LogDirectory { get; }

    /// <summary>Configuration every process this deployment starts gets, as environment variables.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>The silo and gateway ports of <see cref="StartUp"/> and <see cref="StartDispatcher"/>.</summary>
    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>The API of <see cref="StartUp"/> and <see cref="StartDispatcher"/>.</summary>
    public string ApiUrl { get; }

    public BoidClient Client { get; }

    public IReadOnlyList<BoidProcess> Processes => _processes;

    /// <summary>
    /// Starts <c>boid <paramref name="arguments"/></c> with this deployment's environment and <paramref name="environment"/>,
    /// inside network namespace <paramref name="netns"/> when given; it is killed when the deployment is disposed.
    /// </summary>
    public BoidProcess Start(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? netns = null)
    {
        var variables = new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        var process = BoidProcess.Start(name, arguments, variables, LogDirectory, netns);
        _processes.Add(process);
        return process;
    }

    /// <summary>Removes this worker's containers and staging areas when the deployment is disposed (it may be killed meanwhile).</summary>
    public void TrackWorker(string workerId) => _workers.Add(workerId);

    /// <summary><c>boid up</c>: dispatcher and worker in one process, always on this deployment's ports and data.</summary>
    public BoidProcess StartUp(string name, string workerId, int slots, params string[] extra)
    {
        TrackWorker(workerId);
        return Start(name,
        [
            "up", "--data", DataDirectory, "--api", ApiUrl, "--silo-port", Text(SiloPort), "--gateway-port", Text(GatewayPort),
            "--worker-id", workerId, "--slots", Text(slots), .. extra,
        ]);
    }

    /// <summary><c>boid dispatcher</c> on this deployment's ports and data.</summary>
    public BoidProcess StartDispatcher(string name, params string[] extra) =>
        Start(name, ["dispatcher", "--data", DataDirectory, "--api", ApiUrl, "--silo-port", Text(SiloPort), "--gateway-port", Text(GatewayPort), .. extra]);

    /// <summary><c>boid worker</c>: a worker silo that joins the dispatcher, on fresh ports, sharing the data directory (one machine).</summary>
    public BoidProcess StartWorker(string name, string workerId, int slots, params string[] extra)
    {
        TrackWorker(workerId);
        return Start(name,
        [
            "worker", "--data", DataDirectory, "--dispatcher-silo", $"127.0.0.1:{Text(SiloPort)}",
            "--silo-port", Text(Ports.Free()), "--gateway-port", Text(Ports.Free()),
            "--worker-id", workerId, "--slots", Text(slots), .. extra,
        ]);
    }

    /// <summary>
    /// <c>boid worker --join</c>: a remote (volunteer) worker that reaches the dispatcher's gateway over HTTP only, with its
    /// own data directory, inside network namespace <paramref name="netns"/> when given.
    /// </summary>
    public BoidProcess StartRemoteWorker(string name, string account, string keyFile, int slots, string? netns = null, params string[] extra)
    {
        TrackWorker(account);
        return Start(name,
        [
            "worker", "--join", ApiUrl, "--account", account, "--key", keyFile, "--slots", Text(slots),
            "--data", Repository.NewTempDirectory("boid-remote-worker"), .. extra,
        ], netns: netns);
    }

    /// <summary>A researcher command against this deployment's API, as its own process, run to its end; returns its exit code and output.</summary>
    public async Task<(int Code, string Output)> CliAsync(params string[] arguments)
    {
        using var process = BoidProcess.Start($"cli-{arguments[0]}-{Guid.NewGuid():N}"[..24], [.. arguments, "--api", ApiUrl], Environment, LogDirectory);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60), $"finish `boid {string.Join(' ', arguments)}`");
        await Task.Delay(50); // the last asynchronous output lines
        return (code, process.Output);
    }

    /// <summary>Polls the job through <see cref="Client"/> until <paramref name="condition"/> holds (the dispatcher may be restarting meanwhile).</summary>
    public Task<Job> WaitForJobAsync(string jobId, Func<Job, bool> condition, string what, TimeSpan? timeout = null) =>
        Client.WaitUntilAsync(jobId, condition, what, timeout, Diagnostics);

    /// <summary>Polls until <paramref name="condition"/> holds; the timeout says what was awaited and shows every process's output.</summary>
    public Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => Wait.UntilAsync(condition, timeout, what, Diagnostics);

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
            DockerHost.RemoveWorkerLeftovers(worker);
        }

        Client.Dispose();
        Repository.TryDelete(DataDirectory);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
