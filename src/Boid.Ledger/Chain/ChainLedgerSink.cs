using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Boid.Abstractions.Ledger;
using Boid.Eosio;
using Microsoft.Extensions.Logging;

namespace Boid.Ledger.Chain;

/// <summary>
/// Delivers to <c>clusterjobs</c> on an Antelope chain through Boid.Eosio: builds the action from the contract's ABI,
/// signs with the dispatcher's key, pushes. A batch the chain already holds (<c>batch already recorded</c>), a job
/// already anchored, or a state already reached count as delivered: retries are safe because ids are stable.
/// </summary>
public sealed partial class ChainLedgerSink : ILedgerSink, IDisposable
{
    private readonly AntelopeChainClient _client;
    private readonly TransactionBuilder _builder;
    private readonly HttpClient? _ownedHttp;
    private readonly PrivateKey? _ownedKey;
    private readonly PermissionLevel _authority;
    private readonly string _account;
    private readonly Name _contract;

    /// <param name="endpoint">The chain API.</param>
    /// <param name="account">The dispatcher account (signer and, for dispatcher records without one, contributor).</param>
    /// <param name="permission">The account's permission to sign with.</param>
    /// <param name="contract">The clusterjobs account.</param>
    /// <param name="key">The signing key; disposed with the sink when <paramref name="ownsKey"/>.</param>
    /// <param name="timeProvider">Clock for expirations and retry delays.</param>
    /// <param name="loggerFactory">Logs of the chain client (transaction ids, never keys).</param>
    /// <param name="http">HTTP client to use; one is created and owned when null.</param>
    /// <param name="ownsKey">Whether <see cref="Dispose"/> disposes <paramref name="key"/>.</param>
    public ChainLedgerSink(Uri endpoint, string account, string permission, string contract, PrivateKey key,
        TimeProvider timeProvider, ILoggerFactory loggerFactory, HttpClient? http = null, bool ownsKey = false)
    {
        _ownedKey = ownsKey ? key : null;
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _ownedHttp = http is null ? new HttpClient() : null;
        _client = new AntelopeChainClient(http ?? _ownedHttp!, new AntelopeChainClientOptions { Endpoint = endpoint }, timeProvider,
            loggerFactory.CreateLogger<AntelopeChainClient>());
        _builder = new TransactionBuilder(_client, new PrivateKeySigner(key), timeProvider);
        _account = account;
        _authority = new PermissionLevel(Name.Parse(account), Name.Parse(permission));
        _contract = Name.Parse(contract);
        Target = endpoint.ToString();
    }

    public string Mode => "chain";

    public string Target { get; }

    /// <summary>The chain client, for reading tables.</summary>
    public AntelopeChainClient Client => _client;

    public async Task<LedgerDelivery> DeliverAsync(string protocol, IReadOnlyList<ContributionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var data = new JsonObject
        {
            ["dispatcher"] = _account,
            ["protocol"] = protocol,
            ["records"] = new JsonArray([.. records.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = LedgerIds.Format(r.Id),
                ["contributor"] = r.Contributor.Length > 0 ? r.Contributor : _account,
                ["role"] = (int)r.Role,
                ["amount"] = r.Amount.ToString(CultureInfo.InvariantCulture),
                ["job_id"] = LedgerIds.Format(r.JobId),
            })]),
        };
        return await PushAsync("recordbatch", data, message => message == "batch already recorded", cancellationToken).ConfigureAwait(false);
    }

    public async Task<LedgerDelivery> DeliverAsync(LedgerOperation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.Kind == LedgerOperationKind.NewJob)
        {
            var data = new JsonObject
            {
                ["protocol"] = operation.Protocol,
                ["job_id"] = LedgerIds.Format(operation.JobId),
                ["researcher"] = operation.Researcher.Length > 0 ? operation.Researcher : _account,
                ["dispatcher"] = _account,
                ["content_hash"] = operation.ContentHash,
                ["units"] = operation.Units,
            };
            return await PushAsync("newjob", data, message => message == $"job {LedgerIds.Format(operation.JobId)} already exists", cancellationToken).ConfigureAwait(false);
        }

        var update = new JsonObject
        {
            ["protocol"] = operation.Protocol,
            ["job_id"] = LedgerIds.Format(operation.JobId),
            ["state"] = operation.State,
            ["units_done"] = operation.UnitsDone,
            ["content_hash"] = operation.ContentHash,
        };
        return await PushAsync("setjobstate", update,
            message => message is "job is finished" or "job state cannot go back" or "units_done cannot decrease", cancellationToken).ConfigureAwait(false);
    }

    private async Task<LedgerDelivery> PushAsync(string action, JsonObject data, Func<string, bool> alreadyThere, CancellationToken cancellationToken)
    {
        try
        {
            var chainAction = await _builder.CreateActionAsync(_contract, Name.Parse(action), [_authority], data, cancellationToken).ConfigureAwait(false);
            var result = await _builder.PushAsync([chainAction], cancellationToken).ConfigureAwait(false);
            return new LedgerDelivery(result.TransactionId, result.AlreadyApplied);
        }
        catch (DuplicateTransactionException exception)
        {
            // The same action rebuilt within one second against the same reference block is the same transaction,
            // byte for byte: the chain holds it already.
            return new LedgerDelivery(exception.TransactionId, AlreadyRecorded: true);
        }
        catch (ChainAssertException exception) when (alreadyThere(exception.AssertMessage))
        {
            return new LedgerDelivery(exception.TransactionId, AlreadyRecorded: true);
        }
        catch (ChainAssertException exception)
        {
            var match = RecordIdPattern().Match(exception.AssertMessage);
            ulong? recordId = match.Success && ulong.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
            throw new LedgerDeliveryException($"{_contract}::{action} refused: {exception.AssertMessage}", transient: false, recordId, exception);
        }
        catch (TransactionExpiredException exception)
        {
            throw new LedgerDeliveryException($"{_contract}::{action}: {exception.Message}", transient: true, innerException: exception);
        }
        catch (ChainException exception)
        {
            throw new LedgerDeliveryException($"{_contract}::{action}: {exception.Message}", exception.IsTransient, innerException: exception);
        }
        catch (AntelopeException exception)
        {
            throw new LedgerDeliveryException($"{_contract}::{action}: {exception.Message}", transient: false, innerException: exception);
        }
    }

    public void Dispose()
    {
        _ownedHttp?.Dispose();
        _ownedKey?.Dispose();
    }

    [GeneratedRegex(@"^record (\d+)")]
    private static partial Regex RecordIdPattern();
}
