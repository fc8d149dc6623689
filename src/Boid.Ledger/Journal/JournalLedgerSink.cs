using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;

namespace Boid.Ledger.Journal;

/// <summary>
/// Without a chain: each batch and each job operation becomes one JSON line appended to a journal file and flushed
/// to disk before it counts as delivered. <c>boid ledger replay --chain URL</c> pushes the journal later (see
/// <see cref="LedgerJournal"/>). The grain keeps a record pending until its line is on disk, so nothing is lost.
/// </summary>
public sealed class JournalLedgerSink(string path, string dispatcher, TimeProvider time) : ILedgerSink
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Mode => "journal";

    public string Target => path;

    public async Task<LedgerDelivery> DeliverAsync(string protocol, IReadOnlyList<ContributionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await AppendAsync(new JournalEntry
        {
            Kind = JournalEntry.RecordBatch,
            At = time.GetUtcNow(),
            Dispatcher = dispatcher,
            Protocol = protocol,
            Records = [.. records.Select(JournalRecord.From)],
        }, cancellationToken).ConfigureAwait(false);
        return new LedgerDelivery(null, AlreadyRecorded: false);
    }

    public async Task<LedgerDelivery> DeliverAsync(LedgerOperation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        await AppendAsync(new JournalEntry
        {
            Kind = operation.Kind == LedgerOperationKind.NewJob ? JournalEntry.NewJob : JournalEntry.SetJobState,
            At = time.GetUtcNow(),
            Dispatcher = dispatcher,
            Protocol = operation.Protocol,
            JobId = LedgerIds.Format(operation.JobId),
            JobKey = operation.JobKey,
            Researcher = operation.Researcher,
            ContentHash = operation.ContentHash,
            Units = operation.Units,
            State = operation.State,
            UnitsDone = operation.UnitsDone,
        }, cancellationToken).ConfigureAwait(false);
        return new LedgerDelivery(null, AlreadyRecorded: false);
    }

    private async Task AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, LedgerJournal.JsonOptions) + "\n");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
            await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException exception)
        {
            throw new LedgerDeliveryException($"journal {path}: {exception.Message}", transient: true, innerException: exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new LedgerDeliveryException($"journal {path}: {exception.Message}", transient: true, innerException: exception);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>One line of the journal: a record batch, a job anchor or a job state update (clusterjobs' action names).</summary>
public sealed record JournalEntry
{
    public const string RecordBatch = "recordbatch";
    public const string NewJob = "newjob";
    public const string SetJobState = "setjobstate";

    public required string Kind { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>The account configured when the line was written (may be empty; replay's <c>--account</c> is used then).</summary>
    public string Dispatcher { get; init; } = "";
    public required string Protocol { get; init; }
    public IReadOnlyList<JournalRecord>? Records { get; init; }
    public string? JobId { get; init; }
    public string? JobKey { get; init; }
    public string? Researcher { get; init; }
    public string? ContentHash { get; init; }
    public uint? Units { get; init; }
    public byte? State { get; init; }
    public uint? UnitsDone { get; init; }
}

/// <summary>A contribution record in the journal; u64 values as decimal strings, as nodeos writes them.</summary>
public sealed record JournalRecord
{
    public required string Id { get; init; }
    public required string Contributor { get; init; }
    public int Role { get; init; }
    public required string Amount { get; init; }
    public required string JobId { get; init; }
    public string JobKey { get; init; } = "";

    public static JournalRecord From(ContributionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new JournalRecord
        {
            Id = LedgerIds.Format(record.Id),
            Contributor = record.Contributor,
            Role = (int)record.Role,
            Amount = record.Amount.ToString(CultureInfo.InvariantCulture),
            JobId = LedgerIds.Format(record.JobId),
            JobKey = record.JobKey,
        };
    }

    public ContributionRecord ToRecord(string protocol) => new()
    {
        Id = ulong.Parse(Id, NumberStyles.None, CultureInfo.InvariantCulture),
        Protocol = protocol,
        Contributor = Contributor,
        Role = (ContributorRole)Role,
        Amount = ulong.Parse(Amount, NumberStyles.None, CultureInfo.InvariantCulture),
        JobId = ulong.Parse(JobId, NumberStyles.None, CultureInfo.InvariantCulture),
        JobKey = JobKey,
    };
}

/// <summary>Reads a journal and pushes it to a sink (<c>boid ledger replay</c>). Safe to run again: delivery is idempotent.</summary>
public static class LedgerJournal
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static IEnumerable<JournalEntry> Read(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            JournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<JournalEntry>(line, JsonOptions);
            }
            catch (JsonException exception)
            {
                // A torn last line (crash while appending) was never acknowledged: its records are still pending in the grain.
                throw new InvalidDataException($"{path}:{number}: not a journal entry ({exception.Message})", exception);
            }

            yield return entry ?? throw new InvalidDataException($"{path}:{number}: empty entry");
        }
    }

    /// <summary>Replays one entry to the sink. Records of a batch keep their ids, so a replayed batch never credits twice.</summary>
    public static Task<LedgerDelivery> ReplayAsync(JournalEntry entry, ILedgerSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(sink);
        return entry.Kind switch
        {
            JournalEntry.RecordBatch => sink.DeliverAsync(entry.Protocol, [.. (entry.Records ?? []).Select(r => r.ToRecord(entry.Protocol))], cancellationToken),
            JournalEntry.NewJob or JournalEntry.SetJobState => sink.DeliverAsync(new LedgerOperation
            {
                Kind = entry.Kind == JournalEntry.NewJob ? LedgerOperationKind.NewJob : LedgerOperationKind.JobState,
                Protocol = entry.Protocol,
                JobId = ulong.Parse(entry.JobId ?? "0", NumberStyles.None, CultureInfo.InvariantCulture),
                JobKey = entry.JobKey ?? "",
                Researcher = entry.Researcher ?? "",
                ContentHash = entry.ContentHash ?? new string('0', 64),
                Units = entry.Units ?? 1,
                State = entry.State ?? 0,
                UnitsDone = entry.UnitsDone ?? 0,
            }, cancellationToken),
            _ => throw new InvalidDataException($"unknown journal entry kind '{entry.Kind}'"),
        };
    }
}
