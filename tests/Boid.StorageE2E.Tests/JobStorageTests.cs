using System.Text;
using Boid.Abstractions.Grains;
using Boid.Cli;
using Boid.Client;
using Boid.Grains.Specs;
using Boid.Storage;
using Boid.Storage.Local;
using Boid.Storage.WebHdfs;
using Boid.Testing;
using Boid.Testing.Specs;
using Boid.Testing.WebHdfs;
using Boid.Worker.Inputs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Testing;

namespace Boid.StorageE2E.Tests;

/// <summary>
/// Storage end to end on an embedded cluster with real containers: job inputs staged through the worker's cache and
/// mounted read-only at /in (one shared input, one shard per unit through {{unit}}), results in the protocol's data
/// directory, job records content-addressed — on the local store and on WebHDFS (the test server fixture).
/// </summary>
public sealed class JobStorageTests
{
    private const string Image = Spec.Busybox;
    private static readonly string Protocol = Spec.Protocol("stor", null, "data_dir: /protocols/stor", "rates: {worker: 1, dispatcher: 1, storage: 1}");
    private const string Shared = "shared bootstrap data\n";

    private static string Job(string sharedUri, string sharedHash, string shardUri, int units = 3) => $$$"""
        protocol: stor
        image: {{{Image}}}
        command: ["sh", "-c", "if echo x >> /in/shared.txt 2>/dev/null; then exit 9; fi; cat /in/shared.txt /in/shards/mine.txt > /out/r.txt"]
        units: {{{units}}}
        inputs:
          - {uri: "{{{sharedUri}}}", path: shared.txt, sha256: {{{sharedHash}}}}
          - {uri: "{{{shardUri}}}", path: shards/mine.txt}
        outputs: {required: [r.txt]}
        max_attempts: 2
        amalgamate:
          command: ["sh", "-c", "cat /in/0/r.txt /in/1/r.txt /in/2/r.txt > /out/all.txt"]
        """;

    private static string Expected(int units) => string.Concat(Enumerable.Range(0, units).Select(i => $"{Shared}shard {i}\n"));

    [Fact]
    public async Task LocalStore_UnitsReadSharedAndShardedInputs_ResultsAndRecordsLandInDataDirectory()
    {
        DockerHost.RequireImages(Image);
        await using var cluster = new EmbeddedCluster(Accounts.New("stloc"), slots: 3);
        var store = new LocalBlobStore(cluster.StoreDirectory);
        var sharedHash = (await PutAsync(store, "inputs/shared.txt", Shared)).Sha256;
        for (var i = 0; i < 3; i++)
        {
            await PutAsync(store, $"inputs/shard-{i}.txt", $"shard {i}\n");
        }

        await cluster.StartAsync();
        await cluster.Client.AddProtocolAsync(Protocol);
        var spec = Job("store:inputs/shared.txt", sharedHash, "store:inputs/shard-{{unit}}.txt");
        var job = await cluster.Client.SubmitJobAsync(spec);
        var done = await cluster.Client.WaitUntilFinishedAsync(job.Id);

        Assert.True(done.State == JobState.Done, $"job {done.State}: {done.Reason}");
        Assert.Equal(Expected(3), await ReadResultAsync(cluster.Client, job.Id, "all.txt"));

        // Results in the protocol's data directory layout.
        var jobRoot = $"protocols/stor/{job.Id}";
        Assert.Equal($"{Shared}shard 1\n", await ReadAsync(store, $"{jobRoot}/units/1/r.txt"));
        Assert.Equal(Expected(3), await ReadAsync(store, $"{jobRoot}/result/all.txt"));

        // The shared input was fetched once (three units, three slots, at the same time); each shard once; and the
        // amalgamation's input — every accepted unit's r.txt — came through the same cache, one file each.
        var cache = cluster.Services.GetRequiredService<InputCache>();
        Assert.Equal(4 + 3, cache.Counters.Downloads);
        Assert.Equal(Shared.Length + (3 * "shard 0\n".Length) + Expected(3).Length, cache.Counters.BytesDownloaded);

        // The job record is content-addressed; its hash is the one anchored on chain.
        var recordHash = await ReadAsync(store, $"{jobRoot}/records/spec.sha256");
        Assert.Equal(Boid.Abstractions.Model.JobRecordHash.Sha256(JobSpecParser.Parse(spec)), recordHash);
        var cas = new ContentAddressedStore(store);
        Assert.True(await cas.ExistsAsync(recordHash));
        Assert.True(await cas.ExistsAsync(await ReadAsync(store, $"{jobRoot}/records/summary.sha256")));
    }

    [Fact]
    public async Task HashMismatch_FailsTheUnitAtOnceWithAClearReason()
    {
        DockerHost.RequireImages(Image);
        await using var cluster = new EmbeddedCluster(Accounts.New("sthash"), slots: 1);
        var store = new LocalBlobStore(cluster.StoreDirectory);
        await PutAsync(store, "inputs/shared.txt", Shared);
        await PutAsync(store, "inputs/shard-0.txt", "shard 0\n");
        await cluster.StartAsync();
        await cluster.Client.AddProtocolAsync(Protocol);

        var wrong = new string('0', 64);
        var job = await cluster.Client.SubmitJobAsync(Job("store:inputs/shared.txt", wrong, "store:inputs/shard-{{unit}}.txt", units: 1));
        var done = await cluster.Client.WaitUntilFinishedAsync(job.Id);

        Assert.Equal(JobState.Failed, done.State);
        var unit = await cluster.Client.GetUnitAsync(job.Id, "0");
        var attempt = Assert.Single(unit.Attempts); // not retried: the content will not change its hash
        Assert.Equal("InputFailed", attempt.Outcome);
        Assert.Contains("hash mismatch", attempt.Reason, StringComparison.Ordinal);
        Assert.Contains(wrong, attempt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebHdfsStore_InputsResultsAndStorageRole_GoThroughWebHdfs()
    {
        DockerHost.RequireImages(Image);
        await using var server = await WebHdfsTestServer.StartAsync();
        using var http = WebHdfsBlobStore.CreateHttpClient();
        var hdfs = new WebHdfsBlobStore(http, new WebHdfsOptions { NamenodeUri = server.NamenodeUri, RootPath = "/boid", User = "boid" });
        var data = new WebHdfsBlobStore(http, new WebHdfsOptions { NamenodeUri = server.NamenodeUri, RootPath = "/", User = "boid" });
        var sharedHash = (await PutAsync(data, "datasets/shared.txt", Shared)).Sha256;
        for (var i = 0; i < 3; i++)
        {
            await PutAsync(hdfs, $"inputs/shard-{i}.txt", $"shard {i}\n");
        }

        await using var cluster = new EmbeddedCluster(Accounts.New("sthdfs"), slots: 2, new Dictionary<string, string?>
        {
            ["Boid:Storage:WebHdfs:NamenodeUri"] = server.NamenodeUri.ToString(),
            ["Boid:Storage:WebHdfs:RootPath"] = "/boid",
            ["Boid:Storage:WebHdfs:User"] = "boid",
        });
        await cluster.StartAsync();
        await cluster.Client.AddProtocolAsync(Protocol);
        var shared = $"webhdfs://{server.NamenodeUri.Authority}/datasets/shared.txt";
        var job = await cluster.Client.SubmitJobAsync(Job(shared, sharedHash, "store:inputs/shard-{{unit}}.txt"));
        var done = await cluster.Client.WaitUntilFinishedAsync(job.Id);

        Assert.True(done.State == JobState.Done, $"job {done.State}: {done.Reason}");
        Assert.Equal(Expected(3), await ReadResultAsync(cluster.Client, job.Id, "all.txt"));
        Assert.Equal(Expected(3), await ReadAsync(hdfs, $"protocols/stor/{job.Id}/result/all.txt"));
        Assert.Equal($"{Shared}shard 2\n", await ReadAsync(hdfs, $"protocols/stor/{job.Id}/units/2/r.txt"));
        Assert.Single(server.RequestsFor("OPEN"), r => r.Path.EndsWith("/datasets/shared.txt", StringComparison.Ordinal) && r.Endpoint == "namenode");
        Assert.Equal(0, server.NamenodeBodyBytes);

        // The storage role measures the HDFS, registers, reports once and is credited byte-seconds.
        var console = new TestConsole();
        var exit = await BoidApp.Create(console).RunAsync(
            ["storage", "--api", cluster.ApiUrl, "--endpoint", server.NamenodeUri.ToString(), "--capacity", "1Gi",
             "--account", "storage1", "--protocol", "stor", "--root", "/boid", "--interval", "1s", "--once"]);
        Assert.True(exit == 0, console.Output);
        var contributor = (await cluster.Client.ListWorkersAsync()).Single(w => w.Account == "storage1");
        Assert.Equal("Storage", contributor.Role);
        Assert.Contains("credited", console.Output, StringComparison.Ordinal);
        var view = await cluster.Grains.GetGrain<IContributorGrain>("storage1").GetAsync();
        Assert.True(view.StoredByteSeconds > 0, $"credited {view.StoredByteSeconds} byte-seconds for {view.StorageUsedBytes} bytes");
        Assert.True(view.StorageUsedBytes > 0);
    }

    private static async Task<PutResult> PutAsync(IBlobStore store, string path, string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await store.PutAsync(path, content);
    }

    private static async Task<string> ReadAsync(IBlobStore store, string path)
    {
        await using var stream = await store.OpenReadAsync(path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task<string> ReadResultAsync(BoidClient client, string jobId, string path)
    {
        await using var stream = await client.OpenResultFileAsync(jobId, path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
