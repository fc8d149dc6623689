using System.ComponentModel;
using System.Globalization;
using Boid.Client;
using Boid.Eosio;
using Boid.Ledger;
using Boid.Ledger.Chain;
using Boid.Ledger.Journal;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary><c>boid ledger status</c>: where contribution records go, what waits, the last transaction and error.</summary>
[Description("Show the ledger: chain or journal, pending records, last transaction id, last error")]
public sealed class LedgerStatusCommand(IAnsiConsole console) : ApiCommand<ApiSettings>(console)
{
    protected override async Task<int> RunAsync(BoidClient client, ApiSettings settings, CancellationToken cancellationToken)
    {
        var status = await client.GetLedgerAsync(cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(Console, status);
            return ExitCodes.Ok;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("mode", status.Mode);
        grid.AddRow(status.Mode == "chain" ? "chain" : "journal", Markup.Escape(status.Target));
        grid.AddRow("account", status.Account.Length > 0 ? $"{status.Account} → {status.Contract}" : "(none configured)");
        grid.AddRow("pending", string.Create(CultureInfo.InvariantCulture,
            $"{status.PendingRecords:N0} records, {status.PendingOperations:N0} job operations{(status.OldestPendingAt is { } oldest ? $" (oldest {oldest:u})" : "")}"));
        grid.AddRow("delivered", string.Create(CultureInfo.InvariantCulture, $"{status.ConfirmedRecords:N0} records in {status.Batches:N0} batches"));
        grid.AddRow("last transaction", status.LastTransactionId is { } tx ? $"{tx} ({status.LastPushAt:u})" : "none");
        grid.AddRow("last error", status.LastError is { } error
            ? Markup.Escape($"{error} ({status.LastErrorAt:u}; next attempt {status.NextAttemptAt:u})")
            : "none");
        grid.AddRow("rejected", status.Rejected.Count.ToString(CultureInfo.InvariantCulture));
        Console.Write(grid);
        foreach (var rejection in status.Rejected)
        {
            Console.MarkupLineInterpolated($"[red]rejected[/] {rejection.What}: {rejection.Reason}");
        }

        return ExitCodes.Ok;
    }
}

/// <summary>
/// <c>boid ledger replay --chain URL</c>: pushes a dispatcher's journal (records kept while no chain was configured)
/// to clusterjobs, signed with the dispatcher's key. Progress is kept in <c>{journal}.replayed</c>; running it again is
/// harmless, because every record keeps its id and the contract skips ids it has.
/// </summary>
[Description("Push a ledger journal (kept while no chain was configured) to a chain")]
public sealed class LedgerReplayCommand(IAnsiConsole console) : AsyncCommand<LedgerReplayCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--chain <URL>")]
        [Description("Antelope chain API endpoint, e.g. https://testnet.example")]
        public string Chain { get; init; } = "";

        [CommandOption("--data <DIR>")]
        [Description("The dispatcher's data directory; the journal is {data}/ledger/journal.jsonl (default .boid)")]
        public string Data { get; init; } = ".boid";

        [CommandOption("--journal <FILE>")]
        [Description("The journal file (overrides --data)")]
        public string? Journal { get; init; }

        [CommandOption("--account <NAME>")]
        [Description("The dispatcher account that signs (registered for the protocol)")]
        public string Account { get; init; } = "";

        [CommandOption("--permission <NAME>")]
        [Description("The account's permission (default active)")]
        public string Permission { get; init; } = "active";

        [CommandOption("--contract <NAME>")]
        [Description("The clusterjobs account (default clusterjobs)")]
        public string Contract { get; init; } = "clusterjobs";

        [CommandOption("--key-file <FILE>")]
        [Description("File holding the signing key (default: the variable --key-env names)")]
        public string? KeyFile { get; init; }

        [CommandOption("--key-env <VAR>")]
        [Description("Environment variable holding the signing key (default BOID_LEDGER_KEY)")]
        public string KeyEnv { get; init; } = "BOID_LEDGER_KEY";

        public string JournalPath => Journal ?? Path.Combine(Data, "ledger", "journal.jsonl");

        public override ValidationResult Validate()
        {
            if (!Uri.TryCreate(Chain, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return ValidationResult.Error("--chain: an http(s) URL of the chain API is required");
            }

            if (Boid.Abstractions.Ids.AntelopeName.Problem(Account) is { } problem)
            {
                return ValidationResult.Error($"--account: {problem}");
            }

            if (!File.Exists(JournalPath))
            {
                return ValidationResult.Error($"--journal: no journal at '{JournalPath}'");
            }

            if (KeyFile is not null && !File.Exists(KeyFile))
            {
                return ValidationResult.Error($"--key-file: no file '{KeyFile}'");
            }

            return KeyFile is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(KeyEnv))
                ? ValidationResult.Error($"--key-file is not set and ${KeyEnv} is empty: the dispatcher's key is needed to sign")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        PrivateKey key;
        try
        {
            key = settings.KeyFile is not null ? KeyLoader.FromFile(settings.KeyFile) : KeyLoader.FromEnvironment(settings.KeyEnv);
        }
        catch (AntelopeKeyException exception)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return 2;
        }

        using var sink = new ChainLedgerSink(new Uri(settings.Chain), settings.Account, settings.Permission, settings.Contract, key,
            TimeProvider.System, NullLoggerFactory.Instance, ownsKey: true);
        var cursorPath = settings.JournalPath + ".replayed";
        var done = File.Exists(cursorPath) && int.TryParse(File.ReadAllText(cursorPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
        int index = 0, pushed = 0, already = 0, records = 0;
        try
        {
            foreach (var entry in LedgerJournal.Read(settings.JournalPath))
            {
                if (index++ < done)
                {
                    continue;
                }

                var delivery = await LedgerJournal.ReplayAsync(entry, sink, cancellationToken);
                if (delivery.AlreadyRecorded)
                {
                    already++;
                }
                else
                {
                    pushed++;
                }

                records += entry.Records?.Count ?? 0;
                await File.WriteAllTextAsync(cursorPath, index.ToString(CultureInfo.InvariantCulture), cancellationToken);
                console.MarkupLineInterpolated($"{entry.Kind} {entry.Protocol} {(entry.Records is { } rs ? $"{rs.Count} records" : entry.JobKey)}: {(delivery.AlreadyRecorded ? "already on chain" : delivery.TransactionId)}");
            }
        }
        catch (LedgerDeliveryException exception)
        {
            console.MarkupLineInterpolated($"[red]error:[/] entry {index} of {settings.JournalPath}: {exception.Message}");
            console.MarkupLineInterpolated($"{pushed} entries pushed, {already} already on chain before the error; run the command again to continue.");
            return exception.Transient ? 5 : ExitCodes.Failed;
        }
        catch (InvalidDataException exception)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        console.MarkupLineInterpolated($"replayed {pushed + already} journal entries ({records} records): {pushed} pushed, {already} already on chain");
        return ExitCodes.Ok;
    }
}
