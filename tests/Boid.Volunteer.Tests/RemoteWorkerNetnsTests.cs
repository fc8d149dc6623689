using System.Text.Json;
using Boid.Testing;
using Boid.Testing.Processes;

namespace Boid.Volunteer.Tests;

/// <summary>
/// Remote workers as separate processes, each in its own network namespace with only an outbound path to the
/// dispatcher (no default route; inbound TCP dropped). The dispatcher listens on the first veth pair's root end.
/// </summary>
[Collection("volunteer")]
public sealed class RemoteWorkerNetnsTests : IAsyncLifetime
{
    private readonly List<NetworkNamespace> _namespaces = [];
    private Dispatcher _dispatcher = null!;

    public async Task InitializeAsync()
    {
        _namespaces.Add(NetworkNamespace.Create(0, "10.213.0.1"));
        _namespaces.Add(NetworkNamespace.Create(1, "10.213.0.1"));
        _dispatcher = new Dispatcher(nameof(RemoteWorkerNetnsTests), "10.213.0.1");
        await _dispatcher.StartAsync();
        await _dispatcher.Client.AddProtocolAsync(Specs.Protocol("volpi"));
    }

    public Task DisposeAsync()
    {
        _dispatcher.Dispose(); // its remote workers and worker silos too
        foreach (var ns in _namespaces)
        {
            ns.Dispose();
        }

        return Task.CompletedTask;
    }

    private BoidProcess StartRemoteWorker(NetworkNamespace ns, string account, string keyFile) =>
        _dispatcher.Deployment.StartRemoteWorker("remote-" + account, account, keyFile, slots: 2, ns.Name, "--allow-http");

    [Fact]
    public async Task RemoteWorkersInNetworkNamespaces_PiJob_SameResultAsWorkerSilo()
    {
        // Worker silo (a trusted cluster member) first: the reference result.
        var silo = _dispatcher.StartWorkerSilo("volsilo");
        var reference = await _dispatcher.SubmitAsync(Specs.Pi("volpi", units: 6, samples: 20000));
        await _dispatcher.WaitDoneAsync(reference, TimeSpan.FromMinutes(3));
        await silo.InterruptAsync(TimeSpan.FromSeconds(60)); // Ctrl+C: the silo leaves the cluster cleanly

        var (a, b) = (Accounts.New("vola"), Accounts.New("volb"));
        StartRemoteWorker(_namespaces[0], a, Specs.NewKeyFile());
        StartRemoteWorker(_namespaces[1], b, Specs.NewKeyFile());
        var remote = await _dispatcher.SubmitAsync(Specs.Pi("volpi", units: 6, samples: 20000));
        var job = await _dispatcher.WaitDoneAsync(remote, TimeSpan.FromMinutes(3));

        Assert.Equal(6, job.GetProperty("progress").GetProperty("accepted").GetInt64());
        Assert.Equal(await _dispatcher.ResultAsync(reference), await _dispatcher.ResultAsync(remote));
        var credited = (await _dispatcher.WorkerAsync(a)).GetProperty("unitsAccepted").GetInt64() + (await _dispatcher.WorkerAsync(b)).GetProperty("unitsAccepted").GetInt64();
        Assert.True(credited >= 6, $"the remote workers were credited {credited} units");

        // Outbound only: nothing in the root namespace (where the dispatcher runs) can open a connection to them.
        foreach (var ns in _namespaces)
        {
            Assert.False(await ns.AcceptsConnectionsAsync(22), $"{ns.Address} accepted a connection");
        }
    }

    [Fact]
    public async Task RemoteWorkersInNetworkNamespaces_DispatcherKilledAndRestarted_ResumeWithNothingLostOrDoubleCounted()
    {
        var (a, b) = (Accounts.New("volc"), Accounts.New("vold"));
        var workerA = StartRemoteWorker(_namespaces[0], a, Specs.NewKeyFile());
        var workerB = StartRemoteWorker(_namespaces[1], b, Specs.NewKeyFile());
        const int Units = 12;
        var id = await _dispatcher.SubmitAsync(Specs.Pi("volpi", units: Units, samples: 400000));

        // Kill -9 the dispatcher once some units are accepted and others are running on the remote workers.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((await _dispatcher.JobAsync(id)).GetProperty("progress").GetProperty("accepted").GetInt64() < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "waited 2 min for 3 units to be accepted before the kill");
            await Task.Delay(200);
        }

        _dispatcher.Kill();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await _dispatcher.StartAsync();
        var job = await _dispatcher.WaitDoneAsync(id, TimeSpan.FromMinutes(4));
        Assert.False(workerA.HasExited || workerB.HasExited, "a remote worker gave up while the dispatcher was down");

        var progress = job.GetProperty("progress");
        Assert.Equal(Units, progress.GetProperty("accepted").GetInt64());
        Assert.Equal(0, progress.GetProperty("failed").GetInt64());
        var result = JsonDocument.Parse(await _dispatcher.ResultAsync(id)).RootElement;
        Assert.Equal(Units, result.GetProperty("units").GetInt32());
        Assert.Equal(Units * 400000L, result.GetProperty("samples").GetInt64());

        // The same job undisturbed gives the same amalgamated result (each unit counted exactly once).
        var again = await _dispatcher.SubmitAsync(Specs.Pi("volpi", units: Units, samples: 400000));
        await _dispatcher.WaitDoneAsync(again, TimeSpan.FromMinutes(4));
        Assert.Equal(await _dispatcher.ResultAsync(again), await _dispatcher.ResultAsync(id));
    }
}

[CollectionDefinition("volunteer", DisableParallelization = true)]
public sealed class VolunteerCollection;
