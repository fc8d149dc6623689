using System.Diagnostics;
using System.Globalization;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Client;
using Boid.Silo.Hosting;
using Boid.Silo.Links;
using Boid.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Boid.Cli.Commands.Bench;

/// <summary>What one run of simulated workers achieved inside its measurement window.</summary>
internal sealed record DispatchRun(int Workers, double Seconds, long Leased, long Reported, long Accepted, long Errors, double LeaseP50, double LeaseP99, int LeaseCalls)
{
    public string FirstError { get; init; } = "";

    /// <summary>CPU time of the whole process (dispatcher and simulated workers) in the window.</summary>
    public double CpuMilliseconds { get; init; }

    /// <summary>Garbage collections (all generations count as gen 0 too) in the window.</summary>
    public int Collections { get; init; }

    /// <summary>Units accepted in the profiling window that follows the measured one.</summary>
    public long ProfiledAccepted { get; init; }

    public double CpuMillisecondsPerUnit => Accepted == 0 ? double.NaN : CpuMilliseconds / Accepted;

    public double LeasedPerSecond => Leased / Seconds;

    public double ReportedPerSecond => Reported / Seconds;

    public double AcceptedPerSecond => Accepted / Seconds;
}

/// <summary>
/// Sections 1 and 2: the real grains and the durable SQLite store of a dispatcher silo (built by
/// <see cref="BoidHost.Build"/>, worker role off), driven by simulated workers in this process that complete
/// every unit at once through the real lease/report path: IDispatchGrain.LeaseAsync, then
/// IWorkUnitGrain.StartedAsync and ReportAsync.
/// </summary>
internal sealed class DispatchBench(BenchOptions options, BenchReport report, Action<string> say)
{
    private const string Section1 = "1 dispatch";
    private const string Section2 = "2 backlog";
    private static readonly TimeSpan ProfileWindow = TimeSpan.FromSeconds(3);

    public async Task RunThroughputAsync(CancellationToken cancellationToken)
    {
        foreach (var workers in options.Workers)
        {
            var profiler = new DispatchProfiler();
            var data = options.ScratchDirectory("dispatch-" + workers.ToString(CultureInfo.InvariantCulture));
            await using var silo = await BenchSilo.StartAsync(SiloRoles.Dispatcher, data, null, profiler.Install, cancellationToken);
            profiler.Attach(silo.App.Services);
            await WarmUpAsync(silo, cancellationToken);

            var jobId = await silo.SubmitAsync(BenchSilo.TrivialSpec(10_000_000, "bench-dispatch", "true"), "dispatch");
            say($"dispatch: {workers:N0} simulated workers, {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s measured");
            var run = await DriveAsync(silo.App.Services, workers, options.Duration, long.MaxValue, profiler, cancellationToken);
            var job = await silo.Grains.GetGrain<IJobGrain>(jobId).GetAsync();
            await silo.Grains.GetGrain<IJobGrain>(jobId).CancelAsync();
            report.Profiles.Add(profiler.Result($"{workers} workers", run.ProfiledAccepted));

            var label = string.Create(CultureInfo.InvariantCulture, $"{workers:N0} workers");
            var met = workers == 1000 ? run.AcceptedPerSecond >= 10_000 : (bool?)null;
            report.Add(Section1, $"accepted/s, {label}", Math.Round(run.AcceptedPerSecond), "units/s", "≥ 10,000 (floor 5,000)", met,
                string.Create(CultureInfo.InvariantCulture, $"leased {run.LeasedPerSecond:0}/s, reported {run.ReportedPerSecond:0}/s, {run.Errors} errors{(run.FirstError.Length > 0 ? " (" + run.FirstError + ")" : "")}; job counted {job.Progress.Accepted:N0} in all"));
            report.Add(Section1, $"lease p50, {label}", Math.Round(run.LeaseP50, 2), "ms", "", null, $"{run.LeaseCalls:N0} lease calls");
            report.Add(Section1, $"lease p99, {label}", Math.Round(run.LeaseP99, 2), "ms", workers == 1000 ? "< 100 ms" : "", workers == 1000 ? run.LeaseP99 < 100 : null);
            report.Add(Section1, $"CPU per accepted unit, {label}", Math.Round(run.CpuMillisecondsPerUnit, 3), "ms", "", null,
                string.Create(CultureInfo.InvariantCulture, $"process CPU in the window (dispatcher and simulated workers), {Environment.ProcessorCount} cores: at most {Environment.ProcessorCount * 1000 / run.CpuMillisecondsPerUnit:N0} units/s if CPU-bound; {run.Collections} garbage collections"));
        }
    }

    public async Task RunBacklogAsync(CancellationToken cancellationToken)
    {
        var data = options.ScratchDirectory("backlog");
        var profiler = new DispatchProfiler();
        await using var silo = await BenchSilo.StartAsync(SiloRoles.Dispatcher, data, null, profiler.Install, cancellationToken);
        profiler.Attach(silo.App.Services);
        await WarmUpAsync(silo, cancellationToken);
        using var client = new BoidClient(silo.Api);

        await client.AddProtocolAsync($"name: {BenchSilo.Protocol}\nimages: [\"boid/*\"]\n", cancellationToken);
        var first = await client.SubmitJobAsync(BenchSilo.TrivialSpec(10, "bench-api-warmup", "true"), cancellationToken); // JIT of the API path
        await client.CancelJobAsync(first.Id, cancellationToken);
        Settle();
        var rssBefore = Rss.Self();
        var units = options.BacklogUnits;
        var start = Stopwatch.GetTimestamp();
        var big = await client.SubmitJobAsync(BenchSilo.TrivialSpec(units, "bench-backlog", "true"), cancellationToken);
        var acceptSeconds = Stats.Seconds(start);
        Settle();
        var rssPending = Rss.Self();
        say($"backlog: {units:N0} units accepted in {acceptSeconds * 1000:0.#} ms; RSS {Rss.MiB(rssBefore)} → {Rss.MiB(rssPending)} MiB");
        report.Add(Section2, $"accept a {units:N0}-unit job", Math.Round(units / acceptSeconds), "units/s", "≥ 50,000", units / acceptSeconds >= 50_000,
            string.Create(CultureInfo.InvariantCulture, $"POST /api/v1/jobs answered in {acceptSeconds * 1000:0.#} ms"));
        report.Add(Section2, "dispatcher RSS, job pending", Rss.MiB(rssPending), "MiB", "≤ 2,048 MiB", rssPending <= 2048L << 20,
            string.Create(CultureInfo.InvariantCulture, $"{Rss.MiB(rssBefore)} MiB before the submit (this process is the dispatcher)"));

        // Throughput with the big backlog pending and with a small one, in the order big, small, small, big (a fresh
        // job each window): successive windows after start-up keep getting faster (JIT tiers, first activations:
        // measured small 1,657/s, big 1,674/s, small 2,741/s in that order), so each backlog takes the mean of one
        // early and one late window. Each window ends after half the small job's units, so ~10,000 stay pending.
        var workers = options.BacklogWorkers;
        var cap = Math.Max(100, options.SmallBacklog / 2);
        var runs = new List<(bool Big, DispatchRun Run)>();
        foreach (var isBig in new[] { true, false, false, true })
        {
            var job = isBig ? big : await client.SubmitJobAsync(BenchSilo.TrivialSpec(options.SmallBacklog, "bench-backlog-small", "true"), cancellationToken);
            var measured = await DriveAsync(silo.App.Services, workers, options.Duration, cap, isBig && runs.Count == 0 ? profiler : null, cancellationToken, warmup: TimeSpan.Zero);
            if (isBig && runs.Count == 0)
            {
                report.Profiles.Add(profiler.Result($"{workers} workers, {units:N0} pending", measured.ProfiledAccepted));
            }

            runs.Add((isBig, measured));
            await client.CancelJobAsync(job.Id, cancellationToken);
            if (isBig && runs.Count == 1)
            {
                big = await client.SubmitJobAsync(BenchSilo.TrivialSpec(units, "bench-backlog", "true"), cancellationToken); // for the last window
            }
        }

        var withBig = Combine([.. runs.Where(r => r.Big).Select(r => r.Run)]);
        var withSmall = Combine([.. runs.Where(r => !r.Big).Select(r => r.Run)]);
        var ratio = withBig.AcceptedPerSecond / withSmall.AcceptedPerSecond;
        say($"backlog: {withBig.AcceptedPerSecond:0}/s with {units:N0} pending, {withSmall.AcceptedPerSecond:0}/s with {options.SmallBacklog:N0} pending");
        report.Add(Section2, $"accepted/s, {units:N0} pending", Math.Round(withBig.AcceptedPerSecond), "units/s", "", null,
            string.Create(CultureInfo.InvariantCulture, $"{workers:N0} workers, windows 1 and 4 of big, small, small, big: {withBig.Accepted:N0} units in {withBig.Seconds:0.0} s"));
        report.Add(Section2, $"accepted/s, {options.SmallBacklog:N0} pending", Math.Round(withSmall.AcceptedPerSecond), "units/s", "", null,
            string.Create(CultureInfo.InvariantCulture, $"{workers:N0} workers, windows 2 and 3: {withSmall.Accepted:N0} units in {withSmall.Seconds:0.0} s"));
        report.Add(Section2, $"ratio {units:N0} / {options.SmallBacklog:N0} pending", Math.Round(ratio, 2), "×", "≥ 0.9", ratio >= 0.9);
    }

    /// <summary>Several windows as one: units and seconds summed (so the rate is the overall rate).</summary>
    private static DispatchRun Combine(DispatchRun[] runs) =>
        new(runs[0].Workers, runs.Sum(r => r.Seconds), runs.Sum(r => r.Leased), runs.Sum(r => r.Reported), runs.Sum(r => r.Accepted), runs.Sum(r => r.Errors),
            runs.Average(r => r.LeaseP50), runs.Max(r => r.LeaseP99), runs.Sum(r => r.LeaseCalls));

    /// <summary>A small job through the whole path first, so that JIT and first activations are not measured.</summary>
    private async Task WarmUpAsync(BenchSilo silo, CancellationToken cancellationToken)
    {
        var id = await silo.SubmitAsync(BenchSilo.TrivialSpec(options.Smoke ? 200 : 500, "bench-warmup", "true"), "warmup");
        await DriveAsync(silo.App.Services, 50, TimeSpan.FromSeconds(30), long.MaxValue, null, cancellationToken, untilIdle: true);
        await silo.WaitAsync(id, TimeSpan.FromSeconds(60), cancellationToken);
    }

    private static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>
    /// Runs <paramref name="workers"/> simulated workers: each leases one unit at a time (one slot), marks it
    /// started and reports it succeeded at once. Measures after a warm-up, for <paramref name="duration"/> or
    /// until <paramref name="maxUnits"/> units were accepted in the window; then lets every worker finish its unit.
    /// </summary>
    private async Task<DispatchRun> DriveAsync(IServiceProvider services, int workers, TimeSpan duration, long maxUnits, DispatchProfiler? profiler,
        CancellationToken cancellationToken, bool untilIdle = false, TimeSpan? warmup = null)
    {
        // The worker silo's own link (grain calls, outputs into the shared result store), as WorkerEngine uses it.
        var link = new OrleansDispatcherLink(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<IResultStore>(), services.GetRequiredService<StorageUriResolver>());
        var emptyOutputs = options.ScratchDirectory("empty-out");
        string? firstError = null;
        var counters = new long[5]; // leased, reported, accepted, errors, empty leases
        var latencies = new List<double>[workers];
        var measuring = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var capReached = new SemaphoreSlim(0);
        long acceptedAtStart = 0;

        async Task WorkerAsync(int index)
        {
            await Task.Yield();
            var id = "sim" + index.ToString("x", CultureInfo.InvariantCulture);
            var mine = latencies[index] = [];
            var backoff = TimeSpan.FromMilliseconds(10);
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                IReadOnlyList<UnitAssignment> leases;
                try
                {
                    leases = await link.LeaseAsync(id, 1, CancellationToken.None);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Interlocked.CompareExchange(ref firstError, exception.GetType().Name + ": " + exception.Message, null);
                    Interlocked.Increment(ref counters[3]);
                    await Pause(TimeSpan.FromMilliseconds(100));
                    continue;
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    mine.Add(Stats.Ms(start, Stopwatch.GetTimestamp()));
                }

                if (leases.Count == 0)
                {
                    Interlocked.Increment(ref counters[4]);
                    await Pause(backoff);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
                    continue;
                }

                backoff = TimeSpan.FromMilliseconds(10);
                Interlocked.Add(ref counters[0], leases.Count);
                foreach (var lease in leases)
                {
                    try
                    {
                        if (!await link.StartedAsync(lease, CancellationToken.None))
                        {
                            Interlocked.CompareExchange(ref firstError, "lease lost before start", null);
                            Interlocked.Increment(ref counters[3]);
                            continue;
                        }

                        await link.UploadOutputsAsync(lease, emptyOutputs, CancellationToken.None);
                        var disposition = await link.ReportAsync(new UnitReport
                        {
                            JobId = lease.JobId,
                            UnitKey = lease.UnitKey,
                            LeaseId = lease.LeaseId,
                            Outcome = AttemptOutcome.Succeeded,
                            ExitCode = 0,
                            RunTimeMicroseconds = 1_000,
                        }, CancellationToken.None);
                        Interlocked.Increment(ref counters[1]);
                        if (disposition == ReportDisposition.Recorded
                            && Interlocked.Increment(ref counters[2]) - Volatile.Read(ref acceptedAtStart) == maxUnits && Volatile.Read(ref measuring) == 1)
                        {
                            capReached.Release();
                        }
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Interlocked.CompareExchange(ref firstError, exception.GetType().Name + ": " + exception.Message, null);
                        Interlocked.Increment(ref counters[3]);
                    }
                }
            }
        }

        async Task Pause(TimeSpan delay)
        {
            try
            {
                await Task.Delay(delay, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        var tasks = Enumerable.Range(0, workers).Select(WorkerAsync).ToArray();
        if (untilIdle)
        {
            // Warm-up: until the job has nothing left to hand out.
            var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Read(ref counters[4]) < workers)
            {
                await Task.Delay(50, cancellationToken);
            }

            await stop.CancelAsync();
            await Task.WhenAll(tasks);
            return new DispatchRun(workers, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        // Steady state first: the warm-up, then until every worker has had a unit accepted (at most 60 s more), so
        // that the first wave of simultaneous lease calls (queued on the job grain ahead of every report) is not measured.
        await Task.Delay(warmup ?? options.Warmup, cancellationToken);
        var steady = Stopwatch.GetTimestamp();
        while (Interlocked.Read(ref counters[2]) < workers && Stats.Seconds(steady) < 60)
        {
            await Task.Delay(50, cancellationToken);
        }

        var snapshot = counters.Select((_, i) => Interlocked.Read(ref counters[i])).ToArray();
        Volatile.Write(ref acceptedAtStart, snapshot[2]);
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var gcStart = GC.CollectionCount(0);
        var windowStart = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, 1);
        await Task.WhenAny(Task.Delay(duration, cancellationToken), capReached.WaitAsync(cancellationToken));
        Volatile.Write(ref measuring, 0);
        var seconds = Stats.Seconds(windowStart);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
        var collections = GC.CollectionCount(0) - gcStart;
        var end = counters.Select((_, i) => Interlocked.Read(ref counters[i])).ToArray();

        // The profile (every grain call timed, every write counted) costs CPU and locks of its own, so it is taken
        // in a window after the measured one, with the workers still running, and per unit accepted in that window.
        long profiled = 0;
        if (profiler is not null && !cancellationToken.IsCancellationRequested)
        {
            var before = Interlocked.Read(ref counters[2]);
            profiler.Start();
            await Task.Delay(ProfileWindow, cancellationToken);
            profiler.Stop();
            profiled = Interlocked.Read(ref counters[2]) - before;
        }

        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        var all = new List<double>();
        foreach (var list in latencies)
        {
            if (list is not null)
            {
                all.AddRange(list);
            }
        }

        return new DispatchRun(workers, seconds, end[0] - snapshot[0], end[1] - snapshot[1], end[2] - snapshot[2], end[3] - snapshot[3],
            Stats.Percentile(all, 50), Stats.Percentile(all, 99), all.Count) { FirstError = firstError ?? "", CpuMilliseconds = cpu.TotalMilliseconds, ProfiledAccepted = profiled, Collections = collections };
    }
}
