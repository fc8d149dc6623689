using System.Diagnostics;
using System.Globalization;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Client;
using Boid.Grains.Specs;
using Boid.Silo.Hosting;

namespace Boid.Cli.Commands.Bench;

/// <summary>
/// Sections 4 and 5: a dispatcher silo in this process and a real <c>boid worker</c> process joined to it
/// (its RSS read from /proc), the bundled examples through it, trivial units per second through it, and the
/// same trivial command as a Slurm job array when a Slurm node answers on this machine.
/// </summary>
internal sealed class WorkerBench(BenchOptions options, BenchReport report, Action<string> say)
{
    private const string Footprint = "4 worker";
    private const string EndToEnd = "5 end to end";

    /// <summary>
    /// Unique per run: a worker removes its id's leftover containers and staging folders when it starts, so two benches on
    /// one machine (or a bench beside the smoke test) with one fixed id removed each other's running containers' mounts.
    /// It is an account name (12 characters of a–z, 1–5): "bench" and 7 random ones.
    /// </summary>
    private static readonly string WorkerId = "bench" + System.Security.Cryptography.RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz12345", 7);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await Run.SucceedsAsync("docker", "image", "inspect", BenchSilo.Image))
        {
            report.Skipped["4 worker, 5 end to end"] = $"Docker Engine or the image {BenchSilo.Image} is missing (scripts/setup.sh builds it)";
            return;
        }

        var data = options.ScratchDirectory("worker-dispatcher");
        await using var silo = await BenchSilo.StartAsync(SiloRoles.Dispatcher, data, null, null, cancellationToken);
        var workerData = options.ScratchDirectory("worker-process");
        // The worker silo writes outputs straight into the result store it shares with the dispatcher (--results).
        using var worker = StartWorker(silo.SiloPort, workerData, Path.Combine(data, "results"));
        try
        {
            var registered = Stopwatch.GetTimestamp();
            var contributor = silo.Grains.GetGrain<IContributorGrain>(WorkerId);
            while ((await contributor.GetAsync()).Slots == 0)
            {
                if (worker.HasExited || Stats.Seconds(registered) > 60)
                {
                    throw new InvalidOperationException($"boid worker did not register within 60 s (exit: {(worker.HasExited ? worker.ExitCode : "running")}); see {workerData}/worker.log");
                }

                await Task.Delay(100, cancellationToken);
            }

            say($"worker: boid worker (pid {worker.Id}) registered after {Stats.Seconds(registered):0.0} s; idle {options.IdleSeconds} s");
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds), cancellationToken);
            var idle = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                idle.Add(Rss.Of(worker.Id) ?? double.NaN);
                await Task.Delay(200, cancellationToken);
            }

            var idleMiB = Stats.Percentile(idle, 50) / 1048576;
            report.Add(Footprint, "idle worker RSS", Math.Round(idleMiB, 1), "MiB", "≤ 150 MB (143 MiB)", idleMiB * 1048576 <= 150e6,
                string.Create(CultureInfo.InvariantCulture, $"`boid worker` process, {options.Slots} slots, median of 10 samples after {options.IdleSeconds} s idle"));

            // Every slot busy with a container that sleeps: RSS while running.
            var sleepers = await silo.SubmitAsync(BenchSilo.TrivialSpec(options.Slots, "bench-sleep", "sleep", "4"), "sleep");
            var busy = await SampleWhileAsync(silo, sleepers, worker.Id, TimeSpan.FromMinutes(2), cancellationToken);
            report.Add(Footprint, "worker RSS, all slots running", Math.Round(busy.MaxMiB, 1), "MiB", "", null,
                string.Create(CultureInfo.InvariantCulture, $"max over the job, {options.Slots} containers of `sleep 4`"));

            // Trivial units per second through the real worker.
            var units = options.EndToEndUnits;
            var trivial = await silo.SubmitAsync(BenchSilo.TrivialSpec(units, "bench-trivial", "true"), "trivial");
            var start = Stopwatch.GetTimestamp();
            var run = await SampleWhileAsync(silo, trivial, worker.Id, TimeSpan.FromSeconds(60 + (units * 5)), cancellationToken);
            var boidRate = units / Stats.Seconds(start);
            say($"end to end: {units} trivial units in {Stats.Seconds(start):0.0} s through boid worker");
            report.Add(Footprint, "worker RSS, trivial units", Math.Round(run.MaxMiB, 1), "MiB", "", null, "max while the trivial job ran");

            // The same in warm-container mode (one container of the job serves its units, a Docker exec each) and as a Slurm
            // job array, side by side: the machine is shared, so the two alternate, three rounds each when Slurm answers, and
            // each figure is the median of its rounds (every round in the note), with the load average around them.
            // The fresh job's containers are removed off the unit's path, after its report: let that finish first, or the
            // first warm round pays for it in Engine time.
            await NoContainersLeftAsync(cancellationToken);
            var loadBefore = LoadAverage();
            var rounds = options.Slurm && await Run.SucceedsAsync("sinfo", "-h") ? 3 : 1;
            var warmRates = new List<double>();
            var slurmRates = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var warmJob = await silo.SubmitAsync(BenchSilo.WarmSpec(units, "bench-trivial-warm", "true"), $"trivwarm{round}");
                var warmStart = Stopwatch.GetTimestamp();
                await SampleWhileAsync(silo, warmJob, worker.Id, TimeSpan.FromSeconds(60 + (units * 5)), cancellationToken);
                warmRates.Add(units / Stats.Seconds(warmStart));
                say($"end to end: {units} trivial units in {Stats.Seconds(warmStart):0.0} s through boid worker, warm containers (round {round} of {rounds})");
                if (options.Slurm && await SlurmAsync(units, cancellationToken) is { } slurm)
                {
                    slurmRates.Add(slurm);
                }
            }

            var load = $"load average {loadBefore} before, {LoadAverage()} after";
            var warmRate = Stats.Percentile(warmRates, 50);
            double? slurmRate = slurmRates.Count > 0 ? Stats.Percentile(slurmRates, 50) : null;

            report.Add(EndToEnd, "trivial units/s, boid worker", Math.Round(boidRate, 2), "units/s", "", null,
                string.Create(CultureInfo.InvariantCulture, $"{units} units of `true`, a fresh container each (the default), {options.Slots} slots; submit → done {units / boidRate:0.0} s"));
            report.Add(EndToEnd, "trivial units/s, boid worker, warm containers", Math.Round(warmRate, 2), "units/s", "≥ Slurm", slurmRate is { } s ? warmRate >= s : null,
                string.Create(CultureInfo.InvariantCulture, $"{units} units of `true`, resources.container: warm (one container per slot, an exec per unit), {options.Slots} slots; median of {Rounds(warmRates)}; {load}"));
            if (slurmRate is { } rate)
            {
                report.Add(EndToEnd, "trivial jobs/s, Slurm job array", Math.Round(rate, 2), "jobs/s", "", null,
                    string.Create(CultureInfo.InvariantCulture, $"sbatch --array=0-{units - 1} --wrap=true, one node, {Environment.ProcessorCount} CPUs; bench/slurm-setup.sh; median of {Rounds(slurmRates)}, alternating with the warm rounds"));
            }

            await ExamplesAsync(silo, cancellationToken);
        }
        finally
        {
            await StopAsync(worker);
        }
    }

    /// <summary>Waits (at most 60 s) until Docker lists no container of this worker.</summary>
    private static async Task NoContainersLeftAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stats.Seconds(start) < 60)
        {
            var (exitCode, listed) = await Run.ProgramAsync("docker", ["ps", "-aq", "--filter", $"label=boid.worker={WorkerId}"], TimeSpan.FromSeconds(30), cancellationToken);
            if (exitCode != 0 || listed.Trim().Length == 0)
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static string Rounds(List<double> rates) =>
        string.Join(", ", rates.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture))) + (rates.Count == 1 ? " (one round)" : "");

    /// <summary>The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them; "?" where there is none.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task<(double MaxMiB, JobView Job)> SampleWhileAsync(BenchSilo silo, string jobId, int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiting = silo.WaitAsync(jobId, timeout, cancellationToken);
        var max = 0L;
        while (!waiting.IsCompleted)
        {
            max = Math.Max(max, Rss.Of(pid) ?? 0);
            await Task.WhenAny(waiting, Task.Delay(100, cancellationToken));
        }

        var job = await waiting;
        if (job.State != Boid.Abstractions.Model.JobState.Done)
        {
            throw new InvalidOperationException($"job {jobId} ended {job.State}: {job.Reason}");
        }

        return (max / 1048576.0, job);
    }

    private async Task ExamplesAsync(BenchSilo silo, CancellationToken cancellationToken)
    {
        var root = options.Examples;
        if (root is null || !Directory.Exists(root))
        {
            report.Skipped["5 examples"] = "no examples folder (pass --examples DIR)";
            return;
        }

        using var client = new BoidClient(silo.Api);
        foreach (var spec in Directory.GetFiles(root, "job.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(spec)!);
            var protocol = Path.Combine(Path.GetDirectoryName(spec)!, "protocol.yaml");
            if (File.Exists(protocol))
            {
                await client.AddProtocolAsync(await File.ReadAllTextAsync(protocol, cancellationToken), cancellationToken);
            }

            var text = await File.ReadAllTextAsync(spec, cancellationToken);
            if (JobSpecParser.Parse(text).Replication is { Copies: > 1 } replication)
            {
                // Its copies must run on different workers, and the bench has one: it would wait for ever.
                report.Skipped[$"5 example {name}"] = $"replicated ({replication.Copies} copies on different workers); the bench runs one worker";
                continue;
            }

            say($"end to end: example {name}");
            var start = Stopwatch.GetTimestamp();
            Job job;
            try
            {
                job = await client.SubmitJobAsync(text, cancellationToken);
                job = await client.WaitForJobAsync(job.Id, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
            }
            catch (BoidApiException exception)
            {
                report.Add(EndToEnd, $"example {name}", null, "s", "", false, exception.Message);
                continue;
            }

            var seconds = Stats.Seconds(start);
            report.Add(EndToEnd, $"example {name}, wall time", Math.Round(seconds, 1), "s", "", job.State == Client.JobState.Done ? null : false,
                string.Create(CultureInfo.InvariantCulture, $"{job.State}: {job.Progress.Accepted}/{job.Progress.Total} units{(job.HasAmalgamation ? " + amalgamation" : "")}, {job.Progress.Accepted / seconds:0.0} units/s"));
        }
    }

    /// <summary>The same trivial command as a Slurm job array; jobs per second from submit until the queue holds none of them.</summary>
    private async Task<double?> SlurmAsync(int units, CancellationToken cancellationToken)
    {
        if (!await Run.SucceedsAsync("sinfo", "-h"))
        {
            report.Skipped["5 slurm"] = "no Slurm node answers (run bench/slurm-setup.sh first)";
            return null;
        }

        say($"end to end: Slurm job array of {units} × true");
        var start = Stopwatch.GetTimestamp();
        var (exitCode, output) = await Run.ProgramAsync("sbatch", ["--parsable", $"--array=0-{units - 1}", "--output=/dev/null", "--wrap=true"], TimeSpan.FromSeconds(60), cancellationToken);
        if (exitCode != 0)
        {
            report.Skipped["5 slurm"] = "sbatch failed: " + output.Trim();
            return null;
        }

        var jobId = output.Trim().Split(';')[0];
        while (true)
        {
            var (_, queued) = await Run.ProgramAsync("squeue", ["-h", "-r", "-j", jobId, "-o", "%i"], TimeSpan.FromSeconds(30), cancellationToken);
            if (queued.Trim().Length == 0 || queued.Contains("Invalid job id", StringComparison.Ordinal))
            {
                break;
            }

            if (Stats.Seconds(start) > 600)
            {
                throw new TimeoutException($"Slurm job array {jobId} did not finish within 600 s");
            }

            await Task.Delay(100, cancellationToken);
        }

        return units / Stats.Seconds(start);
    }

    private Process StartWorker(int dispatcherSiloPort, string data, string results)
    {
        var (file, prefix) = BoidProgram();
        var arguments = string.Join(' ', prefix.Concat(
        [
            "worker", "--dispatcher-silo", $"127.0.0.1:{dispatcherSiloPort}",
            "--silo-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
            "--data", data, "--results", results, "--worker-id", WorkerId, "--slots", options.Slots.ToString(CultureInfo.InvariantCulture),
        ]).Select(Quote));
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec {Quote(file)} {arguments} >{Quote(Path.Combine(data, "worker.log"))} 2>&1");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start boid worker");
    }

    /// <summary>How to run this same <c>boid</c>: its apphost, or <c>dotnet boid.dll</c>.</summary>
    private static (string File, string[] Prefix) BoidProgram()
    {
        var dll = typeof(BoidApp).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(host) == "boid" ? (host, []) : ("dotnet", [dll]);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task StopAsync(Process worker)
    {
        if (worker.HasExited)
        {
            return;
        }

        await Run.ProgramAsync("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5), CancellationToken.None);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await worker.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            worker.Kill(entireProcessTree: true);
        }
    }
}
