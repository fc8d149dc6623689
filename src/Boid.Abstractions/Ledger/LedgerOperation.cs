
namespace Boid.Abstractions.Ledger;

/// <summary>A job anchor or a job state update, pushed in the order they were made.</summary>
[GenerateSerializer, Immutable, Alias("boid.LedgerOperation")]
public sealed record LedgerOperation
{
    [Id(0)] public LedgerOperationKind Kind { get; init; }
    [Id(1)] public required string Protocol { get; init; }
    [Id(2)] public required ulong JobId { get; init; }
    [Id(3)] public string JobKey { get; init; } = "";
    /// <summary>newjob: the researcher's account.</summary>
    [Id(4)] public string Researcher { get; init; } = "";
    /// <summary>sha256 of the canonical job record, lowercase hex (<see cref="Model.JobRecordHash.Sha256"/>).</summary>
    [Id(5)] public required string ContentHash { get; init; }
    [Id(6)] public uint Units { get; init; }
    /// <summary>setjobstate: 0 submitted, 1 running, 2 completed, 3 failed, 4 cancelled.</summary>
    [Id(7)] public byte State { get; init; }
    [Id(8)] public uint UnitsDone { get; init; }

    /// <summary>Identity for de-duplication: one anchor per job, one update per job and state.</summary>
    public string Key => Kind == LedgerOperationKind.NewJob ? $"newjob/{Protocol}/{JobId}" : $"state/{Protocol}/{JobId}/{State}";
}
