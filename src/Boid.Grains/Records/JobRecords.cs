using System.Text.Json;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;
using Boid.Storage;

namespace Boid.Grains.Records;

/// <summary>
/// The job records kept content-addressed in the result store (<c>cas/sha256/…</c>, pointed to by
/// <c>{datadir}/{job}/records/{name}.sha256</c>): the full job spec at submit, its unit summary at the end.
/// The spec record's bytes are exactly the canonical JSON <see cref="JobRecordHash.Sha256"/> hashes, so the
/// stored record's hash and the hash anchored on chain (<c>newjob</c>) are the same value by construction.
/// </summary>
public static class JobRecords
{
    public const string SpecRecord = "spec";
    public const string SummaryRecord = "summary";

    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    /// <summary>Sets the job's data directory in the store and stores its spec record; returns the record's hash.</summary>
    /// <exception cref="BoidException">Unavailable: the store could not take the record (the submit fails, nothing is half made).</exception>
    public static async Task<string> StoreSpecAsync(IResultStore store, string jobId, string dataDirectory, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            await store.SetJobLocationAsync(jobId, dataDirectory);
            var hash = await store.PutJobRecordAsync(jobId, SpecRecord, JobRecordHash.CanonicalJson(spec));
            var expected = JobRecordHash.Sha256(spec);
            return hash == expected
                ? hash
                : throw new InvalidOperationException($"job {jobId}: stored record hash {hash} differs from the canonical hash {expected}");
        }
        catch (StorageException exception)
        {
            throw new BoidException(BoidErrorKind.Unavailable, $"storage: could not store the job record: {exception.Message}");
        }
    }

    /// <summary>The unit summary of a finished job, as stored: the spec's hash, the final state and the counters.</summary>
    public static byte[] Summary(string jobId, string specHash, JobView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            job = jobId,
            spec = specHash,
            protocol = view.Protocol,
            state = view.State.ToString(),
            reason = view.Reason,
            units = new { total = view.Progress.Total, accepted = view.Progress.Accepted, failed = view.Progress.Failed, failedAttempts = view.Progress.FailedAttempts },
            containerMicroseconds = view.ContainerMicroseconds,
            submittedAt = view.SubmittedAt,
            finishedAt = view.FinishedAt,
        }, SummaryJson);
    }
}
