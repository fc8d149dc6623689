using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Boid.Volunteer.Tests;

/// <summary>A <c>boid</c> process (dispatcher, worker silo or remote worker), optionally inside a network namespace.</summary>
public sealed class BoidProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BoidProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string BoidDll => Path.Combine(AppContext.BaseDirectory, "boid.dll");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet boid.dll ARGS</c>; inside network namespace <paramref name="netns"/> when given.</summary>
    public static BoidProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? netns = null)
    {
        // nsenter --net: only the network namespace changes. (`ip netns exec` also unshares the mount namespace, so the
        // worker's output tmpfs mounts would be invisible to the Docker daemon.)
        var info = new ProcessStartInfo(netns is null ? "dotnet" : "nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            foreach (var a in new[] { $"--net=/var/run/netns/{netns}", "dotnet" })
            {
                info.ArgumentList.Add(a);
            }
        }

        info.ArgumentList.Add(BoidDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new BoidProcess(Process.Start(info)!);
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Ctrl+C: SIGINT, then waits for the process to end.</summary>
    public async Task InterruptAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>A dispatcher process with its API on <see cref="Url"/> and a researcher client for it.</summary>
public sealed class Dispatcher : IAsyncDisposable
{
    public const string Token = "volunteer-tests-token";
    private readonly Dictionary<string, string> _environment;
    private readonly int _siloPort = FreePort();
    private readonly int _gatewayPort = FreePort();
    private BoidProcess? _process;

    public Dispatcher(string host, IDictionary<string, string>? environment = null)
    {
        Url = $"http://{host}:{FreePort()}";
        DataDirectory = Directory.CreateTempSubdirectory("boid-vol-dispatcher-").FullName;
        _environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["Boid__Api__Token"] = Token };
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public string Url { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public string Output => _process?.Output ?? "";

    public async Task StartAsync()
    {
        _process = BoidProcess.Start(
            ["dispatcher", "--data", DataDirectory, "--api", Url, "--silo-port", $"{_siloPort}", "--gateway-port", $"{_gatewayPort}", "--lease-ttl", "10"],
            _environment);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"the dispatcher exited:\n{_process.Output}");
            try
            {
                using var response = await Http.GetAsync(new Uri("/gateway/v1/info", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"waited 90 s for the dispatcher's API at {Url}:\n{_process.Output}");
    }

    /// <summary>kill -9: no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A worker silo (a trusted cluster member) joined to this dispatcher.</summary>
    public BoidProcess StartWorkerSilo(string account) => BoidProcess.Start(
        ["worker", "--results", Path.Combine(DataDirectory, "results"), "--data", Directory.CreateTempSubdirectory("boid-vol-silo-").FullName, "--dispatcher-silo", $"127.0.0.1:{_siloPort}", "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}", "--worker-id", account, "--slots", "2"]);

    public async Task AddProtocolAsync(string yaml)
    {
        using var response = await Http.PostAsync(new Uri("/api/v1/protocols", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<string> SubmitAsync(string yaml)
    {
        using var response = await Http.PostAsync(new Uri("/api/v1/jobs", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> JobAsync(string id) =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri($"/api/v1/jobs/{id}", UriKind.Relative))).RootElement;

    public async Task<JsonElement> WaitDoneAsync(string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                job = await JobAsync(id);
                var state = job.GetProperty("state").GetString();
                if (state is "Done" or "Failed" or "Cancelled")
                {
                    Assert.True(state == "Done", $"job {id} ended {state}: {job}");
                    return job;
                }
            }
            catch (HttpRequestException)
            {
                // the dispatcher may be restarting
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"waited {timeout} for job {id} to finish; last seen {job}\n--- dispatcher ---\n{Output[^Math.Min(Output.Length, 4000)..]}");
    }

    public Task<string> ResultAsync(string id) => Http.GetStringAsync(new Uri($"/api/v1/jobs/{id}/result/result.json", UriKind.Relative));

    public async Task<JsonElement> WorkerAsync(string account)
    {
        var workers = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/v1/workers", UriKind.Relative))).RootElement;
        return workers.EnumerateArray().First(w => w.GetProperty("account").GetString() == account);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Http.Dispose();
    }
}
