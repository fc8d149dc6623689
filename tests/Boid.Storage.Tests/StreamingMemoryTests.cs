using System.Diagnostics;
using System.Globalization;
using Boid.Storage.WebHdfs;
using Boid.Testing.WebHdfs;
using Xunit.Abstractions;

namespace Boid.Storage.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamingMemoryCollection
{
    public const string Name = "streaming-memory";
}

/// <summary>
/// Streams a large file, generated on the fly and never held in memory, through PutAsync and OpenReadAsync on
/// the WebHDFS backend (the test server writes it to disk) and checks that the managed heap stays small.
/// Runs alone (no parallel tests) because it samples the whole process. Size: BOID_TEST_STREAM_MIB
/// (default 256; the 2 GiB figure in docs/storage.md was measured with BOID_TEST_STREAM_MIB=2048).
/// </summary>
[Collection(StreamingMemoryCollection.Name)]
public sealed class StreamingMemoryTests(ITestOutputHelper output)
{
    private const long ManagedHeapGrowthLimit = 32L * 1024 * 1024;

    private static long SizeBytes => (Environment.GetEnvironmentVariable("BOID_TEST_STREAM_MIB") is { Length: > 0 } v
        ? long.Parse(v, CultureInfo.InvariantCulture) : 256) * 1024 * 1024;

    [Fact]
    public async Task PutAndOpenRead_LargeFile_StreamWithBoundedManagedMemory()
    {
        await using var server = await WebHdfsTestServer.StartAsync();
        using var http = WebHdfsBlobStore.CreateHttpClient();
        var sut = new WebHdfsBlobStore(http, new WebHdfsOptions { NamenodeUri = server.NamenodeUri, RootPath = "/mem", User = "boid" });
        var size = SizeBytes;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baselineWorkingSet = process.WorkingSet64;
        long peakHeap = baselineHeap, peakWorkingSet = baselineWorkingSet;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                await Task.Delay(20, CancellationToken.None);
            }
        });

        var clock = Stopwatch.StartNew();
        var put = await sut.PutAsync("big.bin", new GeneratedStream(size, 42));
        var putTime = clock.Elapsed;
        string readHash;
        await using (var read = new HashingStream(await sut.OpenReadAsync("big.bin")))
        {
            await read.CopyToAsync(Stream.Null, 81920);
            readHash = read.Sha256;
        }

        var totalTime = clock.Elapsed;
        await stop.CancelAsync();
        await sampler;

        output.WriteLine($"size {size / (1024 * 1024)} MiB; put {putTime.TotalSeconds:F1} s, get {(totalTime - putTime).TotalSeconds:F1} s");
        output.WriteLine($"managed heap: baseline {baselineHeap / 1024} KiB, peak {peakHeap / 1024} KiB, growth {(peakHeap - baselineHeap) / 1024} KiB");
        output.WriteLine($"working set: baseline {baselineWorkingSet / (1024 * 1024)} MiB, peak {peakWorkingSet / (1024 * 1024)} MiB, growth {(peakWorkingSet - baselineWorkingSet) / (1024 * 1024)} MiB");
        output.WriteLine($"GC counts gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");

        Assert.Equal(size, put.Length);
        Assert.Equal(put.Sha256, readHash);
        Assert.Equal(size, new FileInfo(Path.Combine(server.DataDirectory, "fs", "mem", "big.bin")).Length);
        Assert.True(peakHeap - baselineHeap < ManagedHeapGrowthLimit,
            $"managed heap grew by {(peakHeap - baselineHeap) / 1024} KiB while streaming {size / (1024 * 1024)} MiB (limit {ManagedHeapGrowthLimit / 1024} KiB)");
        Assert.Equal(0, server.NamenodeBodyBytes);
    }
}
