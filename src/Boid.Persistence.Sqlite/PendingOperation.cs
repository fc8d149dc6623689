namespace Boid.Persistence.Sqlite;

internal enum OperationKind
{
    Write,
    Clear,
}

/// <summary>
/// One queued write or clear. Its task completes once the transaction that applied it has committed,
/// or fails with that caller's own error.
/// </summary>
internal abstract class PendingOperation(OperationKind kind, string stateName, string grainId, long? expectedVersion, byte[]? payload)
    : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public OperationKind Kind { get; } = kind;

    public string StateName { get; } = stateName;

    public string GrainId { get; } = grainId;

    /// <summary>Version the caller's ETag names; <see langword="null"/> when the caller has no ETag (new state).</summary>
    public long? ExpectedVersion { get; } = expectedVersion;

    /// <summary>Serialized state for a write; <see langword="null"/> for a clear.</summary>
    public byte[]? Payload { get; } = payload;

    /// <summary>Outcome decided inside the open transaction, published only after commit.</summary>
    public long? NewVersion { get; set; }

    /// <summary>The caller's own failure (an ETag conflict) decided inside the open transaction.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Publishes the outcome to the caller's <see cref="IGrainState{T}"/> and completes the task.</summary>
    public void Publish()
    {
        if (Failure is { } failure)
        {
            TrySetException(failure);
            return;
        }

        Apply(NewVersion);
        TrySetResult();
    }

    protected abstract void Apply(long? newVersion);
}

/// <summary>Operation that writes its outcome back to a typed grain state.</summary>
internal sealed class PendingOperation<T>(OperationKind kind, string stateName, string grainId, long? expectedVersion, byte[]? payload, IGrainState<T> grainState)
    : PendingOperation(kind, stateName, grainId, expectedVersion, payload)
{
    protected override void Apply(long? newVersion)
    {
        // The caller is suspended awaiting this operation's task, so nothing else touches its state object now.
        grainState.ETag = SqliteETag.Format(newVersion);
        grainState.RecordExists = Kind == OperationKind.Write;
    }
}

internal static class SqliteETag
{
    public static string? Format(long? version) =>
        version?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string? eTag, out long? version)
    {
        if (eTag is null)
        {
            version = null;
            return true;
        }

        if (long.TryParse(eTag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
        {
            version = parsed;
            return true;
        }

        version = null;
        return false;
    }
}
