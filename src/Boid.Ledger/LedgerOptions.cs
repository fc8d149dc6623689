using Boid.Abstractions.Ids;
using Microsoft.Extensions.Options;

namespace Boid.Ledger;

/// <summary>
/// Ledger settings, bound from <c>Boid:Ledger</c>. Without <see cref="Chain"/> records go to a local journal
/// (<see cref="JournalPath"/>) that <c>boid ledger replay --chain URL</c> pushes later.
/// </summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Boid:Ledger";

    /// <summary>Antelope chain API endpoint (e.g. <c>https://testnet.example/</c>). Empty: journal only.</summary>
    public string? Chain { get; set; }

    /// <summary>The dispatcher account that signs and is credited dispatcher time.</summary>
    public string Account { get; set; } = "";

    /// <summary>The permission of <see cref="Account"/> the ledger signs with.</summary>
    public string Permission { get; set; } = "active";

    /// <summary>File holding the signing key (first non-empty line, <c>PVT_K1_…</c> or WIF). Never logged.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Environment variable holding the signing key, used when <see cref="KeyFile"/> is not set.</summary>
    public string KeyEnvironmentVariable { get; set; } = "BOID_LEDGER_KEY";

    /// <summary>The clusterjobs contract account.</summary>
    public string Contract { get; set; } = "clusterjobs";

    /// <summary>Records per <c>recordbatch</c> (1–200, the contract's limit). A full batch is pushed at once.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>A batch that is not full is pushed once its oldest record is this old.</summary>
    public TimeSpan MaxBatchAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the ledger checks for due batches.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait after a failed push; doubles up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Confirmed record ids kept to drop re-sent records locally (older ones are caught by the contract's replay guard).</summary>
    public int ConfirmedIdsKept { get; set; } = 10_000;

    /// <summary>Journal file used when no chain is configured. Default: <c>{data}/ledger/journal.jsonl</c>.</summary>
    public string JournalPath { get; set; } = "";

    public bool HasChain => !string.IsNullOrWhiteSpace(Chain);
}

/// <summary>Checks <see cref="LedgerOptions"/> at start; each message names the option.</summary>
public sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.BatchSize is < 1 or > 200)
        {
            errors.Add($"Boid:Ledger:BatchSize must be 1..200 (the contract's limit), not {options.BatchSize}");
        }

        if (options.MaxBatchAge <= TimeSpan.Zero)
        {
            errors.Add("Boid:Ledger:MaxBatchAge must be positive");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add("Boid:Ledger:PollInterval must be positive");
        }

        if (options.RetryInterval <= TimeSpan.Zero || options.MaxRetryInterval < options.RetryInterval)
        {
            errors.Add("Boid:Ledger:RetryInterval must be positive and Boid:Ledger:MaxRetryInterval at least as long");
        }

        if (options.ConfirmedIdsKept < 0)
        {
            errors.Add("Boid:Ledger:ConfirmedIdsKept must not be negative");
        }

        if (options.Account.Length > 0 && !IsName(options.Account))
        {
            errors.Add($"Boid:Ledger:Account '{options.Account}' is not an Antelope account name");
        }

        if (!IsName(options.Contract))
        {
            errors.Add($"Boid:Ledger:Contract '{options.Contract}' is not an Antelope account name");
        }

        if (!IsName(options.Permission))
        {
            errors.Add($"Boid:Ledger:Permission '{options.Permission}' is not an Antelope name");
        }

        if (options.HasChain)
        {
            if (!Uri.TryCreate(options.Chain, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"Boid:Ledger:Chain '{options.Chain}' is not an http(s) URL");
            }

            if (options.Account.Length == 0)
            {
                errors.Add("Boid:Ledger:Account is required when Boid:Ledger:Chain is set");
            }

            if (options.KeyFile is { Length: > 0 } file)
            {
                if (!File.Exists(file))
                {
                    errors.Add($"Boid:Ledger:KeyFile: no file '{file}'");
                }
            }
            else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(options.KeyEnvironmentVariable)))
            {
                errors.Add($"Boid:Ledger:KeyFile is not set and the environment variable {options.KeyEnvironmentVariable} (Boid:Ledger:KeyEnvironmentVariable) is empty: the ledger needs the dispatcher's key to sign");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsName(string text) => AntelopeName.Problem(text) is null;
}
