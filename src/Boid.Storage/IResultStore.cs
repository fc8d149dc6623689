using Boid.Abstractions.Ids;

namespace Boid.Storage;

/// <summary>
/// Keeps the outputs of work-unit attempts, the accepted unit outputs and the amalgamated result of
/// each job. Layout: <c>{datadir}/{job}/attempts/{unit}-{lease}/…</c> while an attempt waits for
/// acceptance, <c>{datadir}/{job}/units/{unit}/…</c> once accepted, <c>{datadir}/{job}/result/…</c>
/// (<see cref="BlobResultStore"/>, on any <see cref="IBlobStore"/>). Accepting is a rename, so a job's <c>units</c> folder holds
/// exactly its accepted units.
/// </summary>
public interface IResultStore
{
    /// <summary>Copies the files of <paramref name="sourceDirectory"/> into the attempt's folder.</summary>
    Task<IReadOnlyList<StoredFile>> PutAttemptAsync(AttemptKey attempt, string sourceDirectory, CancellationToken cancellationToken = default);

    /// <summary>Makes an attempt's outputs the accepted outputs of its unit, or the job's result (<paramref name="target"/>). Idempotent.</summary>
    Task PromoteAttemptAsync(AttemptKey attempt, ResultArea target, CancellationToken cancellationToken = default);

    /// <summary>Removes an attempt that was not accepted. Idempotent.</summary>
    Task DiscardAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default);

    /// <summary>Opens one file of a staged attempt (to compare replicated results).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    Stream OpenAttemptRead(AttemptKey attempt, string relativePath);

    /// <summary>Lists the files of a unit attempt that is staged but not yet accepted.</summary>
    Task<IReadOnlyList<StoredFile>> ListAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default);

    /// <summary>Every accepted unit's outputs, as <c>{unit}/{path}</c> with sizes and hashes (from the units' manifests).</summary>
    Task<IReadOnlyList<StoredFile>> ListAcceptedUnitsAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists the files of a job's amalgamated result (empty when there is none).</summary>
    Task<IReadOnlyList<StoredFile>> ListResultAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists the accepted outputs of one unit (empty when it has none).</summary>
    Task<IReadOnlyList<StoredFile>> ListUnitAsync(string jobId, string unitKey, CancellationToken cancellationToken = default);

    /// <summary>Opens one file of a job's result or of an accepted unit for reading.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    Stream OpenRead(string jobId, ResultArea area, string relativePath);

    /// <summary>Removes everything stored for a job.</summary>
    Task DeleteJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records where a job's files go: its protocol's data directory (<c>{datadir}/{job}/…</c>). Called once, at submit,
    /// before any attempt is stored. A store with a fixed layout ignores it.
    /// </summary>
    Task SetJobLocationAsync(string jobId, string dataDirectory, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Stores a job record (the canonical job spec, its unit summary) content-addressed and returns its SHA-256 (lower-case
    /// hex), the hash that goes on chain. A store that keeps no records only hashes it.
    /// </summary>
    Task<string> PutJobRecordAsync(string jobId, string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        Task.FromResult(ContentHash.ComputeSha256(content.Span));
}

/// <summary>Which part of a job a file belongs to: an accepted unit (by key) or the result.</summary>
public readonly record struct ResultArea(string? UnitKey)
{
    public static ResultArea Result { get; } = new(null);

    public static ResultArea Unit(string unitKey) => new(unitKey);
}

/// <summary>A stored file: path relative to its area, size and SHA-256 (lower-case hex).</summary>
public sealed record StoredFile(string RelativePath, long Length, string Sha256);
