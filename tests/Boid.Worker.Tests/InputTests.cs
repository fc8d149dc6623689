using Boid.Abstractions.Model;
using Boid.Storage;
using Boid.Storage.Local;
using Boid.Worker.Inputs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Boid.Worker.Tests;

/// <summary>An input that cannot be staged ends the attempt as InputFailed, telling the dispatcher whether to retry.</summary>
public sealed class InputTests
{
    [Fact]
    public async Task StageInputs_NoInputCache_InputFailedRetryableAndNoContainer()
    {
        await using var engine = new EngineHarness(slots: 1);
        var lease = engine.NewLease("0", [new JobInput { Uri = "store:inputs/a.txt", Path = "a.txt" }]);
        engine.Link.Offer(lease);
        await engine.StartAsync();

        var report = await EngineHarness.Within(engine.Link.ReportedAsync(lease.LeaseId), "the unit's report");

        Assert.Equal(AttemptOutcome.InputFailed, report.Outcome);
        Assert.True(report.Retryable); // another worker, with a cache, can stage it
        Assert.Contains("cannot stage job inputs", report.Reason, StringComparison.Ordinal);
        Assert.Empty(engine.Runner.Started);
    }

    [Fact]
    public async Task StageInputs_MissingInput_InputFailedNotRetryableNamingIt()
    {
        var store = Directory.CreateTempSubdirectory("boid-worker-tests-store-").FullName;
        try
        {
            await using var engine = new EngineHarness(slots: 1, Stager(store));
            var lease = engine.NewLease("0", [new JobInput { Uri = "store:inputs/missing.txt", Path = "data.txt" }]);
            engine.Link.Offer(lease);
            await engine.StartAsync();

            var report = await EngineHarness.Within(engine.Link.ReportedAsync(lease.LeaseId), "the unit's report");

            Assert.Equal(AttemptOutcome.InputFailed, report.Outcome);
            Assert.False(report.Retryable); // missing here is missing everywhere
            Assert.Contains("store:inputs/missing.txt", report.Reason, StringComparison.Ordinal);
            Assert.Empty(engine.Runner.Started);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    /// <summary>The real stager and cache over a local store (what the silo wires up).</summary>
    private static InputStager Stager(string storeDirectory)
    {
        var options = Options.Create(new WorkerOptions { CacheDirectory = Path.Combine(storeDirectory, "cache") });
        var resolver = new StorageUriResolver(new LocalBlobStore(Path.Combine(storeDirectory, "store")), new StorageUriOptions());
        return new InputStager(new InputCache(options, resolver, TimeProvider.System, NullLogger<InputCache>.Instance));
    }
}
