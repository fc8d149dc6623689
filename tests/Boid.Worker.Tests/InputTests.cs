using Boid.Abstractions.Model;
using Boid.Storage;
using Boid.Storage.Local;
using Boid.Worker.Inputs;

namespace Boid.Worker.Tests;

/// <summary>An input that cannot be staged ends the attempt as InputFailed, telling the dispatcher whether to retry.</summary>
public sealed class InputTests
{
    [Fact]
    public async Task StageInputs_SourceUnreachable_InputFailedRetryableAndNoContainer()
    {
        await using var engine = new EngineHarness(slots: 1);
        engine.Link.Inputs = new UnreachableInputs();
        var lease = engine.NewLease("0", [new JobInput { Uri = "store:inputs/a.txt", Path = "a.txt" }]);
        engine.Link.Offer(lease);
        await engine.StartAsync();

        var report = await EngineHarness.Within(engine.Link.ReportedAsync(lease.LeaseId), "the unit's report");

        Assert.Equal(AttemptOutcome.InputFailed, report.Outcome);
        Assert.True(report.Retryable); // another attempt, later or elsewhere, may reach it
        Assert.Contains("unreachable", report.Reason, StringComparison.Ordinal);
        Assert.Empty(engine.Runner.Started);
    }

    [Fact]
    public async Task StageInputs_MissingInput_InputFailedNotRetryableNamingIt()
    {
        var store = Directory.CreateTempSubdirectory("boid-worker-tests-store-").FullName;
        try
        {
            await using var engine = new EngineHarness(slots: 1);
            // What a worker silo reads its inputs through: the stores themselves.
            engine.Link.Inputs = new StoreInputSource(new StorageUriResolver(new LocalBlobStore(store), new StorageUriOptions()), new BlobResultStore(new LocalBlobStore(store)));
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

    /// <summary>A source whose store does not answer (a transient failure).</summary>
    private sealed class UnreachableInputs : IInputSource
    {
        public Task<IReadOnlyList<InputFile>> ResolveAsync(UnitAssignment lease, CancellationToken cancellationToken) =>
            throw new InputStagingException($"input {lease.Inputs[0].Uri}: unreachable (connection refused)", retryable: true);

        public Task<(string Sha256, long Length)> DownloadAsync(UnitAssignment lease, InputFile file, string localPath, CancellationToken cancellationToken) =>
            throw new InputStagingException($"input {file.Uri}: unreachable (connection refused)", retryable: true);
    }
}
