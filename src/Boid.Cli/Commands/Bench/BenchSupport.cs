using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boid.Cli.Commands.Bench;

/// <summary>A silo of this process built exactly as <c>boid up</c>/<c>boid dispatcher</c> build theirs (<see cref="BoidHost.Build"/>).</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    public const string Protocol = "benchproto";
    public const string Image = "boid/busybox:1";

    private BenchSilo(WebApplication app, int siloPort, Uri api)
    {
        App = app;
        SiloPort = siloPort;
        Api = api;
        Grains = app.Services.GetRequiredService<IGrainFactory>();
    }

    public WebApplication App { get; }

    public IGrainFactory Grains { get; }

    public int SiloPort { get; }

    public Uri Api { get; }

    public static async Task<BenchSilo> StartAsync(
        SiloRoles roles,
        string dataDirectory,
        IDictionary<string, string?>? extra,
        Action<WebApplicationBuilder>? customize,
        CancellationToken cancellationToken)
    {
        var siloPort = Ports.Free();
        var apiPort = Ports.Free();
        var settings = new Dictionary<string, string?>
        {
            ["Boid:DataDirectory"] = dataDirectory,
            ["Boid:Silo:Port"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Boid:Silo:GatewayPort"] = Ports.Free().ToString(CultureInfo.InvariantCulture),
            ["Boid:Api:Url"] = $"http://127.0.0.1:{apiPort}",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = BoidHost.Build(roles, settings, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Error);
            customize?.Invoke(builder);
        });
        await app.StartAsync(cancellationToken);
        var silo = new BenchSilo(app, siloPort, new Uri($"http://127.0.0.1:{apiPort}/"));
        await silo.Grains.GetGrain<IProtocolGrain>(Protocol).SetAsync(new ProtocolSpec { Name = Protocol, Title = "boid bench", Images = ["boid/*"] });
        return silo;
    }

    /// <summary>A job of <paramref name="units"/> trivial units: no inputs, no required outputs, no amalgamation.</summary>
    public static string TrivialSpec(long units, string name, params string[] command) => string.Create(CultureInfo.InvariantCulture,
        $"protocol: {Protocol}\nname: {name}\nimage: {Image}\ncommand: [{string.Join(", ", command.Select(c => "\"" + c + "\""))}]\nunits: {units}\nmax_attempts: 1\n");

    /// <summary><see cref="TrivialSpec"/> in warm-container mode: one container of the job serves its units in turn.</summary>
    public static string WarmSpec(long units, string name, params string[] command) => TrivialSpec(units, name, command) + "resources: {container: warm}\n";

    public async Task<string> SubmitAsync(string specYaml, string prefix)
    {
        var id = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Grains.GetGrain<IJobGrain>(id).SubmitAsync(JobSpecParser.Parse(specYaml));
        return id;
    }

    public async Task<JobView> WaitAsync(string jobId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var job = Grains.GetGrain<IJobGrain>(jobId);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var view = await job.GetAsync();
            if (view.State is JobState.Done or JobState.Failed or JobState.Cancelled)
            {
                return view;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"job {jobId} did not finish within {timeout.TotalSeconds:0} s ({view.Progress.Accepted}/{view.Progress.Total} accepted)");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await App.StopAsync(stop.Token);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}

internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Rss
{
    /// <summary>Resident set size of a process in bytes (VmRSS of /proc/PID/status), or null when it cannot be read.</summary>
    public static long? Of(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static long? Self() => Of(Environment.ProcessId);

    public static double? MiB(long? bytes) => bytes is { } b ? Math.Round(b / 1048576.0, 1) : null;
}

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Ms(long startTimestamp, long endTimestamp) => (endTimestamp - startTimestamp) * 1000.0 / Stopwatch.Frequency;

    public static double Seconds(long startTimestamp) => (Stopwatch.GetTimestamp() - startTimestamp) / (double)Stopwatch.Frequency;
}

/// <summary>Runs a program and returns its exit code and output (both streams), with a timeout.</summary>
internal static class Run
{
    public static async Task<(int ExitCode, string Output)> ProgramAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timer.Token);
        var stderr = process.StandardError.ReadToEndAsync(timer.Token);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    public static async Task<bool> SucceedsAsync(string file, params string[] arguments)
    {
        try
        {
            return (await ProgramAsync(file, arguments, TimeSpan.FromSeconds(20), CancellationToken.None)).ExitCode == 0;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            return false;
        }
    }
}
