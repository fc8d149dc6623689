using System.Diagnostics;
using Boid.Client;
using Boid.Testing;
using Boid.Testing.Processes;
using Boid.Testing.Specs;
using Xunit.Abstractions;

namespace Boid.Cluster.Tests;

/// <summary>
/// Issue 7's promises with real PostgreSQL and every silo its own OS process: dispatchers and workers run the
/// pi example; a dispatcher killed with -9 mid-job changes nothing in the result; a frozen worker's units run
/// elsewhere; no grain ever activates on a worker silo.
/// </summary>
public sealed class MultiProcessClusterTests(ITestOutputHelper output)
{
    /// <summary>Grain types of Boid itself and of the dashboard: none of them may live on a worker silo.</summary>
    private static readonly string[] DispatcherOnlyNamespaces = ["Boid.", "Orleans.Dashboard"];

    [Fact]
    public async Task TwoDispatchersTwoWorkers_KillDispatcherHostingJobMidJob_SameResultAsUndisturbedRun()
    {
        DockerHost.RequireImages(Spec.PiImage);
        await using var cluster = await TestCluster.CreateAsync(nameof(TwoDispatchersTwoWorkers_KillDispatcherHostingJobMidJob_SameResultAsUndisturbedRun));
        cluster.StartDispatcher("dispatcher-1", leaseTtlSeconds: 10);
        cluster.StartDispatcher("dispatcher-2", leaseTtlSeconds: 10);
        await cluster.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(90));
        cluster.StartWorker("worker-1", Accounts.New("mpwa"));
        cluster.StartWorker("worker-2", Accounts.New("mpwb"));
        await cluster.WaitForActiveSilosAsync(4, TimeSpan.FromSeconds(90));
        string[] dispatchers = ["dispatcher-1", "dispatcher-2"];

        using (var api = cluster.Api("dispatcher-1"))
        {
            await api.AddProtocolAsync(await File.ReadAllTextAsync(Repository.Example("montecarlo-pi", "protocol.yaml")));
        }

        // An undisturbed run: the reference result.
        const int Units = 24;
        var reference = await SubmitAsync(cluster, "dispatcher-2", PiSpec(Units, 200_000));
        var done = await WaitForJobAsync(cluster, dispatchers, reference, TimeSpan.FromMinutes(4));
        AssertDone(done, Units, cluster);
        var referenceJson = await ResultAsync(cluster, dispatchers, reference);
        Assert.Contains($"\"units\": {Units}", referenceJson, StringComparison.Ordinal);

        // No grain on a worker silo, after a whole job ran through the cluster.
        await AssertNoGrainOnWorkersAsync(cluster);

        // The same job again; kill -9 the dispatcher that hosts its job grain once a few units are in.
        var disturbed = await SubmitAsync(cluster, "dispatcher-1", PiSpec(Units, 200_000));
        var progressed = await WaitForAsync(cluster, dispatchers, disturbed, j => j.Progress.Accepted >= 4 || j.IsFinished, TimeSpan.FromMinutes(3));
        Assert.False(progressed.IsFinished, "the job finished before a dispatcher could be killed mid-job");
        var host = (await cluster.ActivationsAsync()).Single(a => a.Grain.ToString() == $"job/{disturbed}").SiloPort;
        var victim = dispatchers.Single(d => cluster.SiloPort(d) == host);
        var survivor = dispatchers.Single(d => d != victim);
        var killedAt = Stopwatch.StartNew();
        cluster.Processes.Single(p => p.Name == victim).Kill9();
        output.WriteLine($"killed {victim} (silo port {host}) hosting job/{disturbed} at {progressed.Progress.Accepted}/{Units} accepted");

        var recovered = await WaitForAsync(cluster, [survivor], disturbed, _ => true, TimeSpan.FromMinutes(2));
        output.WriteLine($"job grain answered again from {survivor} {killedAt.Elapsed.TotalSeconds:0.0} s after the kill ({recovered.Progress.Accepted} accepted)");
        var finished = await WaitForJobAsync(cluster, [survivor], disturbed, TimeSpan.FromMinutes(4));
        output.WriteLine($"job finished {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
        AssertDone(finished, Units, cluster);
        Assert.Equal(referenceJson, await ResultAsync(cluster, [survivor], disturbed));
        await AssertNoGrainOnWorkersAsync(cluster);
    }

    [Fact]
    public async Task WorkerFrozenWithUnitsOnLease_UnitsRunOnTheOtherWorker()
    {
        DockerHost.RequireImages(Spec.PiImage);
        await using var cluster = await TestCluster.CreateAsync(nameof(WorkerFrozenWithUnitsOnLease_UnitsRunOnTheOtherWorker));
        cluster.StartDispatcher("dispatcher", leaseTtlSeconds: 5);
        await cluster.WaitForActiveSilosAsync(1, TimeSpan.FromSeconds(90));
        var frozenId = Accounts.New("frza");
        var healthyId = Accounts.New("frzb");
        var frozen = cluster.StartWorker("worker-frozen", frozenId, slots: 1);
        cluster.StartWorker("worker-healthy", healthyId, slots: 1);
        await cluster.WaitForActiveSilosAsync(3, TimeSpan.FromSeconds(90));
        using var api = cluster.Api("dispatcher");
        await api.AddProtocolAsync(await File.ReadAllTextAsync(Repository.Example("montecarlo-pi", "protocol.yaml")));

        const int Units = 8;
        var jobId = await SubmitAsync(cluster, "dispatcher", PiSpec(Units, 1_500_000));
        // Freeze the worker as soon as it holds a lease.
        var deadline = Stopwatch.StartNew();
        string? held = null;
        while (held is null && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            foreach (var key in Enumerable.Range(0, Units).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var unit = await api.GetUnitAsync(jobId, key);
                if (unit.CurrentWorker == frozenId && unit.Status is UnitStatus.Leased or UnitStatus.Running)
                {
                    held = key;
                    break;
                }
            }

            await Task.Delay(100);
        }

        Assert.True(held is not null, $"the worker never held a lease:\n{cluster.Logs()}");
        frozen.Freeze();
        output.WriteLine($"froze {frozenId} holding unit {held}");

        var finished = await WaitForJobAsync(cluster, ["dispatcher"], jobId, TimeSpan.FromMinutes(4));
        AssertDone(finished, Units, cluster);
        var unitHeld = await api.GetUnitAsync(jobId, held);
        Assert.Contains(unitHeld.Attempts, a => a.Worker == frozenId && a.Outcome != "Succeeded");
        Assert.Contains(unitHeld.Attempts, a => a.Worker == healthyId && a.Outcome == "Succeeded");
        var json = await ResultAsync(cluster, ["dispatcher"], jobId);
        Assert.Contains($"\"units\": {Units}", json, StringComparison.Ordinal);
        await AssertNoGrainOnWorkersAsync(cluster, skip: cluster.SiloPort("worker-frozen")); // still frozen: it cannot answer
    }

    [Fact]
    public async Task DbInit_RunTwice_SecondRunChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        using (var first = BoidProcess.Start("db-init-1", ["db", "init", "--postgres", database.ConnectionString]))
        {
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(60), "create the schema") == 0, first.Output);
            Assert.Contains("version 0 → 4", OneLine(first.Output), StringComparison.Ordinal);
        }

        var queries = await database.ScalarAsync("SELECT count(*) FROM orleansquery");
        using (var second = BoidProcess.Start("db-init-2", ["db", "init", "--postgres", database.ConnectionString]))
        {
            Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(60), "find the schema current") == 0, second.Output);
            Assert.Contains("already at version 4; nothing to do", OneLine(second.Output), StringComparison.Ordinal);
            Assert.DoesNotContain("Password", second.Output, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(queries, await database.ScalarAsync("SELECT count(*) FROM orleansquery"));
        Assert.Equal(4, await database.ScalarAsync("SELECT count(*) FROM boid_schema_migrations"));
        Assert.Equal(21, queries); // 10 clustering + 4 grain storage + 7 reminder query keys
    }

    /// <summary>The console wraps long lines when output is redirected.</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    private static async Task AssertNoGrainOnWorkersAsync(TestCluster cluster, int? skip = null)
    {
        var workers = cluster.Processes.Where(p => p.Name.StartsWith("worker", StringComparison.Ordinal) && !p.HasExited)
            .Select(p => cluster.SiloPort(p.Name)).ToHashSet();
        var activations = await cluster.ActivationsAsync(skip is { } port ? new HashSet<int> { port } : null);
        Assert.Contains(activations, a => a.Type.StartsWith("Boid.", StringComparison.Ordinal)); // the question reaches Boid's grains
        var misplaced = activations.Where(a => workers.Contains(a.SiloPort) && DispatcherOnlyNamespaces.Any(n => a.Type.StartsWith(n, StringComparison.Ordinal))).ToList();
        Assert.True(misplaced.Count == 0, "grains on worker silos: " + string.Join(", ", misplaced.Select(m => $"{m.Grain} on :{m.SiloPort}")));
    }

    internal static void AssertDone(Job job, int units, TestCluster cluster)
    {
        Assert.True(job.State == JobState.Done, $"job {job.Id} is {job.State} ({job.Reason}):\n{cluster.Logs()}");
        Assert.Equal(units, job.Progress.Total);
        Assert.Equal(units, job.Progress.Accepted);
        Assert.Equal(0, job.Progress.Failed);
        Assert.Equal(0, job.Progress.Running);
        Assert.Equal(0, job.Progress.Pending);
    }

    private static async Task<string> SubmitAsync(TestCluster cluster, string dispatcher, string spec)
    {
        using var api = cluster.Api(dispatcher);
        return (await api.SubmitJobAsync(spec)).Id;
    }

    private static Task<Job> WaitForJobAsync(TestCluster cluster, string[] dispatchers, string jobId, TimeSpan timeout) =>
        WaitForAsync(cluster, dispatchers, jobId, j => j.IsFinished, timeout);

    /// <summary>Polls the job through any dispatcher that answers (one may be dead or failing over).</summary>
    private static async Task<Job> WaitForAsync(TestCluster cluster, string[] dispatchers, string jobId, Func<Job, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        Job? last = null;
        Exception? lastError = null;
        while (deadline.Elapsed < timeout)
        {
            foreach (var dispatcher in dispatchers)
            {
                try
                {
                    using var api = cluster.Api(dispatcher);
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    last = await api.GetJobAsync(jobId, cts.Token);
                    if (condition(last))
                    {
                        return last;
                    }
                }
                catch (Exception exception) when (exception is BoidApiException or HttpRequestException or OperationCanceledException)
                {
                    lastError = exception;
                }
            }

            await Task.Delay(250);
        }

        Assert.Fail($"waited {timeout.TotalSeconds:0} s for job {jobId}; last seen {last?.State} {last?.Progress}; last error {lastError?.Message}\n{cluster.Logs()}");
        return null!;
    }

    private static async Task<string> ResultAsync(TestCluster cluster, string[] dispatchers, string jobId)
    {
        using var api = cluster.Api(dispatchers[0]);
        await using var stream = await api.OpenResultFileAsync(jobId, "result.json");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The pi example's job at <paramref name="units"/> units of <paramref name="samples"/> samples (deterministic: equal runs, equal results).</summary>
    internal static string PiSpec(int units, int samples) => Spec.Pi("montecarlo", units, samples).MaxAttempts(3);
}
