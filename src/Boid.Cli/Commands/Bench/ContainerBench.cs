using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Boid.Abstractions.Model;
using Boid.Containers;
using Boid.Silo.Hosting;
using Boid.Worker;
using Boid.Worker.Inputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Boid.Cli.Commands.Bench;

/// <summary>
/// Section 3: per-unit cost of a trivial container through the real worker engine (an embedded silo, as
/// <c>boid up</c> runs it) against a plain <c>docker run --rm --network none</c> of the same image, in the
/// same run, one at a time and at the worker's full concurrency; fresh containers (the default) and warm ones
/// (<c>resources.container: warm</c>, one container of the job serving its units in turn).
/// </summary>
internal sealed class ContainerBench(BenchOptions options, BenchReport report, Action<string> say)
{
    private const string Section = "3 containers";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await Run.SucceedsAsync("docker", "image", "inspect", BenchSilo.Image))
        {
            report.Skipped["3 containers"] = $"Docker Engine or the image {BenchSilo.Image} is missing (scripts/setup.sh builds it)";
            say("containers: skipped, " + report.Skipped["3 containers"]);
            return;
        }

        var slots = options.Slots;
        foreach (var concurrency in new[] { 1, slots }.Distinct())
        {
            var mode = concurrency == 1 ? "sequential" : $"{concurrency} at a time";
            var units = concurrency == 1 ? options.ContainerUnits : options.ContainerUnits * concurrency;
            say($"containers: docker run --rm --network none, {units} runs {mode}");
            var (docker, dockerWall) = await DockerRunsAsync(units, concurrency, cancellationToken);
            report.Add(Section, $"docker run p50, {mode}", Math.Round(Stats.Percentile(docker, 50)), "ms", "", null,
                string.Create(CultureInfo.InvariantCulture, $"p99 {Stats.Percentile(docker, 99):0} ms; wall per run {dockerWall / units:0} ms"));
            foreach (var warm in new[] { false, true })
            {
                var kind = warm ? "warm" : "fresh";
                say($"containers: boid worker, {units} units {mode}, {kind} containers");
                var (boid, boidWall) = await BoidRunsAsync(units, concurrency, warm, cancellationToken);
                AddRows(boid, boidWall, docker, units, $"{kind}, {mode}");
            }
        }
    }

    /// <summary>The rows of one boid run against the docker runs of the same concurrency.</summary>
    private void AddRows(List<UnitTiming> boid, double boidWall, List<double> docker, int units, string label)
    {
        var perUnit = boid.Select(u => u.ToReport).ToList();
        var toRunning = boid.Select(u => u.ToRunning).ToList();
        var ratio50 = Stats.Percentile(perUnit, 50) / Stats.Percentile(docker, 50);
        var ratio99 = Stats.Percentile(perUnit, 99) / Stats.Percentile(docker, 99);
        report.Add(Section, $"lease→report p50, {label}", Math.Round(Stats.Percentile(perUnit, 50)), "ms", "", null,
            string.Create(CultureInfo.InvariantCulture, $"p99 {Stats.Percentile(perUnit, 99):0} ms; wall per unit {boidWall / units:0} ms"));
        report.Add(Section, $"ratio boid / docker run (p50), {label}", Math.Round(ratio50, 2), "×", "≤ 0.6", ratio50 <= 0.6);
        report.Add(Section, $"ratio boid / docker run (p99), {label}", Math.Round(ratio99, 2), "×", "≤ 0.6", ratio99 <= 0.6);
        report.Add(Section, $"lease→running p50, {label}", Math.Round(Stats.Percentile(toRunning, 50)), "ms", "≤ 250 ms", Stats.Percentile(toRunning, 50) <= 250,
            string.Create(CultureInfo.InvariantCulture, $"p99 {Stats.Percentile(toRunning, 99):0} ms"));
        var phases = string.Join(", ", new (string Name, Func<UnitTiming, double> Of)[]
        {
            ("lease", u => u.Lease), ("started call", u => u.StartedCall), ("prepare", u => u.Phases.Prepare.TotalMilliseconds),
            ("create", u => u.Phases.Create.TotalMilliseconds), ("start", u => u.Phases.Start.TotalMilliseconds), ("wait", u => u.Phases.Wait.TotalMilliseconds),
            ("logs", u => u.Phases.Logs.TotalMilliseconds), ("collect", u => u.Phases.Collect.TotalMilliseconds), ("remove", u => u.Phases.Remove.TotalMilliseconds),
            ("report", u => u.Report),
        }.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {Stats.Percentile(boid.Select(p.Of).ToList(), 50):0.#}")));
        report.Add(Section, $"phases p50 (ms), {label}", null, "", "", null,
            phases + (label.StartsWith("warm", StringComparison.Ordinal) ? "; warm: prepare = take or start the container, create/start = exec, remove = cleaning" : ""));
    }

    /// <summary>Plain <c>docker run --rm --network none IMAGE true</c>, <paramref name="concurrency"/> at a time. Returns each run's ms and the wall ms.</summary>
    private static async Task<(List<double> Runs, double WallMs)> DockerRunsAsync(int units, int concurrency, CancellationToken cancellationToken)
    {
        await Run.ProgramAsync("docker", ["run", "--rm", "--network", "none", BenchSilo.Image, "true"], TimeSpan.FromSeconds(60), cancellationToken); // warm-up
        var runs = new ConcurrentBag<double>();
        var next = -1;
        var wall = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < units)
            {
                var start = Stopwatch.GetTimestamp();
                var (exitCode, output) = await Run.ProgramAsync("docker", ["run", "--rm", "--network", "none", BenchSilo.Image, "true"], TimeSpan.FromSeconds(60), cancellationToken);
                if (exitCode != 0)
                {
                    throw new InvalidOperationException($"docker run exited {exitCode}: {output.Trim()}");
                }

                runs.Add(Stats.Ms(start, Stopwatch.GetTimestamp()));
            }
        }));
        return ([.. runs], Stats.Ms(wall, Stopwatch.GetTimestamp()));
    }

    /// <summary>A job of trivial units through an embedded silo whose worker has <paramref name="slots"/> slots; per-unit timings from decorators.</summary>
    private async Task<(List<UnitTiming> Units, double WallMs)> BoidRunsAsync(int units, int slots, bool warmContainers, CancellationToken cancellationToken)
    {
        var clock = new UnitClock();
        var settings = new Dictionary<string, string?>
        {
            ["Boid:Worker:Slots"] = slots.ToString(CultureInfo.InvariantCulture),
            ["Boid:Worker:Id"] = "benchcontain",
            ["Boid:Worker:MaxPollInterval"] = "00:00:00.050",
        };
        var data = options.ScratchDirectory("containers-" + slots.ToString(CultureInfo.InvariantCulture) + (warmContainers ? "-warm" : ""));
        Func<long, string, string[], string> spec = warmContainers ? BenchSilo.WarmSpec : BenchSilo.TrivialSpec;
        await using var silo = await BenchSilo.StartAsync(SiloRoles.Embedded, data, settings, builder => Decorate(builder, clock), cancellationToken);

        // Warms up the process (JIT, connections); its warm containers belong to another job, so the measured job starts cold.
        var warmup = await silo.SubmitAsync(spec(slots, "bench-container-warmup", ["true"]), "cwarm");
        await silo.WaitAsync(warmup, TimeSpan.FromMinutes(2), cancellationToken);
        clock.Clear();

        var start = Stopwatch.GetTimestamp();
        var id = await silo.SubmitAsync(spec(units, "bench-container", ["true"]), "cont");
        var job = await silo.WaitAsync(id, TimeSpan.FromMinutes(10), cancellationToken);
        var wall = Stats.Ms(start, Stopwatch.GetTimestamp());
        if (job.State != JobState.Done)
        {
            throw new InvalidOperationException($"container job {id} ended {job.State}: {job.Reason}");
        }

        return ([.. clock.Completed()], wall);
    }

    private static void Decorate(WebApplicationBuilder builder, UnitClock clock)
    {
        var services = builder.Services;
        Replace<IContainerRunner>(services, inner => new TimingRunner(inner, clock));
        Replace<IDispatcherLink>(services, inner => new TimingLink(inner, clock));
    }

    private static void Replace<T>(IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(descriptor);
        services.AddSingleton(provider =>
        {
            var inner = descriptor.ImplementationInstance as T
                ?? descriptor.ImplementationFactory?.Invoke(provider) as T
                ?? (T)ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);
            return wrap(inner);
        });
    }

    /// <summary>Per-unit times in ms from the moment the worker asked for the lease.</summary>
    internal sealed record UnitTiming(double Lease, double StartedCall, double ToRunning, double ToReport, double Report, ContainerPhaseTimings Phases);

    private sealed class UnitClock
    {
        private readonly ConcurrentDictionary<string, Marks> _units = new();

        public void Clear() => _units.Clear();

        public Marks For(string leaseId) => _units.GetOrAdd(leaseId, _ => new Marks());

        public IEnumerable<UnitTiming> Completed() => _units.Values
            .Where(m => m.Reported > 0 && m.RunStart > 0)
            .Select(m =>
            {
                var running = m.RunStart + (long)((m.Phases.Prepare + m.Phases.Create + m.Phases.Start).TotalSeconds * Stopwatch.Frequency);
                return new UnitTiming(
                    Stats.Ms(m.LeaseAsked, m.LeaseGot),
                    Stats.Ms(m.StartedAsked, m.StartedGot),
                    Stats.Ms(m.LeaseAsked, running),
                    Stats.Ms(m.LeaseAsked, m.Reported),
                    Stats.Ms(m.ReportAsked, m.Reported),
                    m.Phases);
            });

        internal sealed class Marks
        {
            public long LeaseAsked { get; set; }

            public long LeaseGot { get; set; }

            public long StartedAsked { get; set; }

            public long StartedGot { get; set; }

            public long RunStart { get; set; }

            public ContainerPhaseTimings Phases { get; set; } = new();

            public long ReportAsked { get; set; }

            public long Reported { get; set; }
        }
    }

    private sealed class TimingRunner(IContainerRunner inner, UnitClock clock) : IContainerRunner
    {
        public async Task<ContainerRunResult> RunAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await inner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
            if (spec.Labels.TryGetValue("boid.lease", out var leaseId))
            {
                var marks = clock.For(leaseId);
                marks.RunStart = start;
                marks.Phases = result.Timings;
            }

            return result;
        }

        public Task<int> RemoveLeftoversAsync(string workerId, CancellationToken cancellationToken = default) => inner.RemoveLeftoversAsync(workerId, cancellationToken);

        public Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default) => inner.ImageExistsAsync(image, cancellationToken);

        public Task RetireJobAsync(string jobId, CancellationToken cancellationToken = default) => inner.RetireJobAsync(jobId, cancellationToken);

        public Task DrainAsync(CancellationToken cancellationToken = default) => inner.DrainAsync(cancellationToken);
    }

    private sealed class TimingLink(IDispatcherLink inner, UnitClock clock) : IDispatcherLink
    {
        public Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellationToken) => inner.RegisterAsync(registration, cancellationToken);

        public async Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, CancellationToken cancellationToken)
        {
            var asked = Stopwatch.GetTimestamp();
            var leases = await inner.LeaseAsync(workerId, max, cancellationToken).ConfigureAwait(false);
            var got = Stopwatch.GetTimestamp();
            foreach (var lease in leases)
            {
                var marks = clock.For(lease.LeaseId);
                marks.LeaseAsked = asked;
                marks.LeaseGot = got;
            }

            return leases;
        }

        public async Task<bool> StartedAsync(UnitAssignment lease, CancellationToken cancellationToken)
        {
            var marks = clock.For(lease.LeaseId);
            marks.StartedAsked = Stopwatch.GetTimestamp();
            var started = await inner.StartedAsync(lease, cancellationToken).ConfigureAwait(false);
            marks.StartedGot = Stopwatch.GetTimestamp();
            return started;
        }

        public Task<bool> RenewAsync(UnitAssignment lease, CancellationToken cancellationToken) => inner.RenewAsync(lease, cancellationToken);

        public IInputSource Inputs => inner.Inputs;

        public Task UploadOutputsAsync(UnitAssignment lease, string outputDirectory, CancellationToken cancellationToken) =>
            inner.UploadOutputsAsync(lease, outputDirectory, cancellationToken);

        public async Task<ReportDisposition> ReportAsync(UnitReport report, CancellationToken cancellationToken)
        {
            var marks = clock.For(report.LeaseId);
            marks.ReportAsked = Stopwatch.GetTimestamp();
            var disposition = await inner.ReportAsync(report, cancellationToken).ConfigureAwait(false);
            marks.Reported = Stopwatch.GetTimestamp();
            return disposition;
        }

        public Task HeartbeatAsync(string workerId, int runningUnits, CancellationToken cancellationToken) => inner.HeartbeatAsync(workerId, runningUnits, cancellationToken);
    }
}
