using Boid.Client;
using Boid.Testing;
using Boid.Testing.Specs;

namespace Boid.Integration.Tests;

/// <summary>The embedded cluster with real containers: restart on the same data, hostile units, leftovers.</summary>
public sealed class ClusterBehaviourTests
{
    /// <summary>An embedded cluster with a 2-slot worker, its protocol <c>behaviour</c> accepting the example images.</summary>
    private static async Task<EmbeddedCluster> StartAsync(string workerPrefix)
    {
        DockerHost.RequireImages(Spec.Busybox);
        var cluster = new EmbeddedCluster(Accounts.New(workerPrefix), slots: 2);
        await cluster.StartAsync();
        await cluster.Client.AddProtocolAsync(Spec.Protocol("behaviour"));
        return cluster;
    }

    [Fact]
    public async Task Restart_OnSameData_ResumesUnfinishedJobAndCountsEachUnitOnce()
    {
        await using var cluster = await StartAsync("restart");
        var job = await cluster.Client.SubmitJobAsync(Spec.Job("behaviour").Shell("sleep 1; echo {{unit}} > /out/n.txt").Units(8).Outputs("required: [n.txt]"));
        await cluster.WaitForJobAsync(job.Id, j => j.Progress.Accepted >= 2, "accept its first units");

        await cluster.StopAsync(); // graceful: the worker stops its containers and releases their units
        var stopped = DockerHost.WorkerContainers(cluster.WorkerId).Count;
        await cluster.StartAsync();
        var done = await cluster.WaitForJobAsync(job.Id, j => j.IsFinished, "finish after the restart");

        Assert.Equal(0, stopped);
        Assert.Equal(JobState.Done, done.State);
        Assert.Equal(8, done.Progress.Accepted);
        for (var unit = 0; unit < 8; unit++)
        {
            var view = await cluster.Client.GetUnitAsync(job.Id, unit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(UnitStatus.Accepted, view.Status);
            Assert.Single(view.Attempts, a => a.Outcome == "Succeeded");
            Assert.All(view.Attempts.Where(a => a.Outcome != "Succeeded"), a => Assert.Equal("Cancelled", a.Outcome));
        }
    }

    [Fact]
    public async Task Metrics_DuringAndAfterAJob_PrometheusShowsBoidInstruments()
    {
        await using var cluster = await StartAsync("metrics");
        using var http = new HttpClient { BaseAddress = new Uri(cluster.ApiUrl) };
        var job = await cluster.Client.SubmitJobAsync(Spec.Job("behaviour").Shell("sleep 1").Units(10));

        // While it runs: units are waiting, as of the job's last checkpoint.
        await cluster.WaitForJobAsync(job.Id, j => j.Progress.Accepted >= 1, "accept a first unit");
        var during = await http.GetStringAsync("/metrics");
        Assert.True(Sample(during, "boid_dispatch_queue_depth", job.Id) > 0, "queue depth of the running job:\n" + during);

        await cluster.WaitForJobAsync(job.Id, j => j.IsFinished, "finish");
        var after = await http.GetStringAsync("/metrics");
        Assert.True(Sample(after, "boid_units_leased_total") >= 10, after);
        Assert.True(Sample(after, "boid_units_completed_total") >= 10, after);
        Assert.True(Sample(after, "boid_lease_latency_seconds_count") >= 10, after);
        Assert.True(Sample(after, "boid_container_run_time_seconds_count") >= 10, after);
        Assert.True(Sample(after, "boid_container_run_time_seconds_sum") >= 10 * 0.9, after); // each unit slept 1 s
        Assert.Null(Sample(after, "boid_dispatch_queue_depth", job.Id)); // a finished job is no longer reported
    }

    /// <summary>The value of a Prometheus sample (summed over its series), or null when absent; <paramref name="label"/> filters series.</summary>
    private static double? Sample(string scrape, string name, string? label = null)
    {
        var values = scrape.Split('\n')
            .Where(line => line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            .Where(line => label is null || line.Contains('"' + label + '"', StringComparison.Ordinal))
            .Select(line => line[(line.Contains('}', StringComparison.Ordinal) ? line.LastIndexOf('}') + 1 : name.Length)..].Trim().Split(' ')[0]) // value, then an optional timestamp
            .Select(value => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return values.Count == 0 ? null : values.Sum();
    }

    [Fact]
    public async Task HostileUnits_FailWithReasonsAndTheWorkerKeepsServing()
    {
        await using var cluster = await StartAsync("hostile");

        // Unit 0 writes the root filesystem, unit 1 reaches for the network, unit 2 sleeps past its
        // timeout, unit 3 exceeds its memory. None may succeed; each says why.
        var hostile = await cluster.Client.SubmitJobAsync(Spec.Job("behaviour").Shell("{{attack}}")
            .Sweep("attack", "echo x > /bin/pwned", "nc -w 2 192.0.2.1 80 </dev/null && echo reached", "sleep 600", "head -c 200m /dev/zero | tail")
            .Resources("memory: 32Mi, timeout: 3s")
            .EveryFailureCounts());
        var healthy = await cluster.Client.SubmitJobAsync(Spec.Job("behaviour").Shell("echo ok > /out/ok.txt").Units(4));

        var hostileDone = await cluster.WaitForJobAsync(hostile.Id, j => j.IsFinished, "finish its hostile units");
        var healthyDone = await cluster.WaitForJobAsync(healthy.Id, j => j.IsFinished, "finish beside the hostile one");

        Assert.Equal(4, hostileDone.Progress.Failed);
        Assert.Equal(0, hostileDone.Progress.Accepted);
        var outcomes = new List<string?>();
        for (var unit = 0; unit < 4; unit++)
        {
            var attempt = Assert.Single((await cluster.Client.GetUnitAsync(hostile.Id, unit.ToString(System.Globalization.CultureInfo.InvariantCulture))).Attempts);
            Assert.NotEmpty(attempt.Reason);
            outcomes.Add(attempt.Outcome);
        }

        Assert.Equal(["NonZeroExit", "NonZeroExit", "TimedOut", "OutOfMemory"], outcomes);
        Assert.Equal(JobState.Done, healthyDone.State);
        Assert.Equal(4, healthyDone.Progress.Accepted);
        Assert.Equal(0, await DockerHost.WorkerContainersAfterRemovalAsync(cluster.WorkerId));
    }

    [Fact]
    public async Task WarmJob_UnitsShareTheSlotsContainersEachCleanAndReportedAlone()
    {
        await using var cluster = await StartAsync("warm");

        // Every unit checks it starts clean, leaves litter, prints its container's host name; unit 3 fails.
        var job = await cluster.Client.SubmitJobAsync(Spec.Job("behaviour")
            .Shell("[ -z \"$(ls -A /out)$(ls -A /tmp)\" ] || exit 9; touch /tmp/litter; echo {{unit}} > /out/n.txt; hostname; [ {{unit}} != 3 ] || exit 7")
            .Units(12)
            .Resources("container: warm")
            .EveryFailureCounts()
            .Outputs("required: [n.txt]"));
        var done = await cluster.WaitForJobAsync(job.Id, j => j.IsFinished, "finish its warm units");

        var hosts = new HashSet<string>();
        for (var unit = 0; unit < 12; unit++)
        {
            var view = await cluster.Client.GetUnitAsync(job.Id, unit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var attempt = Assert.Single(view.Attempts);
            Assert.Equal(unit == 3 ? ("NonZeroExit", 7) : ("Succeeded", 0), (attempt.Outcome, attempt.ExitCode ?? -1));
            hosts.Add(view.StdoutTail.Trim());
        }

        Assert.Equal((11, 1), (done.Progress.Accepted, done.Progress.Failed));
        Assert.InRange(hosts.Count, 1, 2); // one container per slot at most, instead of one per unit
        await cluster.StopAsync(); // the worker removes its warm containers when it stops
        Assert.Empty(DockerHost.WorkerContainers(cluster.WorkerId));
    }

    [Fact]
    public async Task WorkerStart_ContainersLeftByEarlierRun_AreRemoved()
    {
        DockerHost.RequireImages(Spec.Busybox);
        const string WorkerId = "leftovers";
        Shell.Check("docker", "create", "--label", $"boid.worker={WorkerId}", "--label", "boid.job=old", Spec.Busybox, "sleep", "1000");
        Assert.Single(DockerHost.WorkerContainers(WorkerId));

        await using var cluster = new EmbeddedCluster(WorkerId);
        await cluster.StartAsync();

        Assert.Equal(0, await DockerHost.WorkerContainersAfterRemovalAsync(WorkerId));
    }
}
