using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Boid.Eosio;

/// <summary>
/// A client of nodeos' chain API (<c>/v1/chain/…</c>) on <see cref="HttpClient"/>. Read calls are retried when
/// the endpoint is unavailable; a push is retried only with the same signed bytes, so a retry is idempotent, and
/// a <c>tx_duplicate</c> answer to a retry is reported as <see cref="PushTransactionResult.AlreadyApplied"/>.
/// Errors are decoded into <see cref="ChainException"/> subclasses that keep the chain's message.
/// </summary>
public sealed class AntelopeChainClient
{
    private readonly HttpClient _http;
    private readonly AntelopeChainClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the client.</summary>
    /// <param name="http">The HTTP client (its own timeout should be longer than <see cref="AntelopeChainClientOptions.RequestTimeout"/>).</param>
    /// <param name="options">The endpoint, timeout and retry settings.</param>
    /// <param name="timeProvider">Time for timeouts and retry delays.</param>
    /// <value>The time provider defaults to <see cref="TimeProvider.System"/>.</value>
    /// <param name="logger">Logger for retries.</param>
    public AntelopeChainClient(HttpClient http, AntelopeChainClientOptions options, TimeProvider? timeProvider = null, ILogger<AntelopeChainClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxReadAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPushAttempts, 1);
        _http = http;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Calls <c>get_info</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chain's id, head and last irreversible block.</returns>
    /// <exception cref="ChainException">The endpoint is unavailable or answered with an error.</exception>
    public async Task<ChainInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        JsonElement json = await ReadAsync("get_info", new JsonObject(), cancellationToken).ConfigureAwait(false);
        return json.Deserialize<ChainInfo>() ?? throw Malformed("get_info", "null body");
    }

    /// <summary>Calls <c>get_abi</c>.</summary>
    /// <param name="account">The contract account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account's ABI, or null when it has none.</returns>
    /// <exception cref="ChainException">The endpoint is unavailable or answered with an error (e.g. unknown account).</exception>
    /// <exception cref="AbiException">The published ABI is malformed.</exception>
    public async Task<AbiDefinition?> GetAbiAsync(Name account, CancellationToken cancellationToken = default)
    {
        JsonElement json = await ReadAsync("get_abi", new JsonObject { ["account_name"] = account.ToString() }, cancellationToken).ConfigureAwait(false);
        return json.TryGetProperty("abi", out JsonElement abi) && abi.ValueKind == JsonValueKind.Object
            ? AbiDefinition.FromJson(abi)
            : null;
    }

    /// <summary>Calls <c>get_table_rows</c> for one page.</summary>
    /// <param name="request">The query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page: rows, whether more follow, and the next page's lower bound.</returns>
    /// <exception cref="ChainException">The endpoint is unavailable or answered with an error.</exception>
    public async Task<TableRowsPage> GetTableRowsAsync(TableRowsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["json"] = true,
            ["code"] = request.Code.ToString(),
            ["scope"] = request.Scope,
            ["table"] = request.Table.ToString(),
            ["limit"] = request.Limit,
            ["reverse"] = request.Reverse,
        };
        if (request.LowerBound is not null)
        {
            body["lower_bound"] = request.LowerBound;
        }

        if (request.UpperBound is not null)
        {
            body["upper_bound"] = request.UpperBound;
        }

        if (request.IndexPosition is int index)
        {
            body["index_position"] = index;
        }

        if (request.KeyType is not null)
        {
            body["key_type"] = request.KeyType;
        }

        JsonElement json = await ReadAsync("get_table_rows", body, cancellationToken).ConfigureAwait(false);
        if (!json.TryGetProperty("rows", out JsonElement rows) || rows.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("get_table_rows", "no 'rows' array");
        }

        bool more = json.TryGetProperty("more", out JsonElement m) && m.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.String => m.GetString()!.Length > 0, // very old nodeos answered the next key here
            _ => false,
        };
        string? nextKey = json.TryGetProperty("next_key", out JsonElement nk) && nk.ValueKind == JsonValueKind.String && nk.GetString()!.Length > 0
            ? nk.GetString()
            : (m.ValueKind == JsonValueKind.String ? m.GetString() : null);
        return new TableRowsPage(rows.EnumerateArray().Select(r => r.Clone()).ToArray(), more, nextKey);
    }

    /// <summary>Reads all rows of a table query, page after page, following <c>next_key</c>.</summary>
    /// <param name="request">The query; <see cref="TableRowsRequest.Limit"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="ChainException">The endpoint is unavailable or answered with an error.</exception>
    public async IAsyncEnumerable<JsonElement> GetAllTableRowsAsync(TableRowsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TableRowsRequest current = request;
        while (true)
        {
            TableRowsPage page = await GetTableRowsAsync(current, cancellationToken).ConfigureAwait(false);
            foreach (JsonElement row in page.Rows)
            {
                yield return row;
            }

            if (!page.More || string.IsNullOrEmpty(page.NextKey) || page.NextKey == current.LowerBound)
            {
                yield break;
            }

            current = current with { LowerBound = page.NextKey };
        }
    }

    /// <summary>
    /// Calls <c>push_transaction</c>. When the endpoint is unavailable the same signed bytes are sent again (up to
    /// <see cref="AntelopeChainClientOptions.MaxPushAttempts"/>, never after the transaction's expiration);
    /// if a retry is answered with <c>tx_duplicate</c>, an earlier attempt landed and the result says so.
    /// </summary>
    /// <param name="transaction">The signed transaction.</param>
    /// <param name="cancellationToken">Cancels the call (the transaction may still land; check by its id).</param>
    /// <returns>The transaction id and nodeos' trace.</returns>
    /// <exception cref="ChainAssertException">A contract assertion failed; the message is the contract's.</exception>
    /// <exception cref="ChainAuthorizationException">Signatures or permissions are missing.</exception>
    /// <exception cref="DuplicateTransactionException">The first attempt found the transaction already on chain.</exception>
    /// <exception cref="TransactionExpiredException">The transaction expired or its reference block is unknown.</exception>
    /// <exception cref="ChainException">Any other chain error, or the endpoint stayed unavailable (<see cref="ChainException.TransactionId"/> is set).</exception>
    public async Task<PushTransactionResult> PushTransactionAsync(PackedTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        const string api = "push_transaction";
        JsonObject body = transaction.ToJson();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                JsonElement json = await SendAsync(api, body, cancellationToken).ConfigureAwait(false);
                string id = json.TryGetProperty("transaction_id", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : transaction.Id;
                Log.Pushed(_logger, id);
                return new PushTransactionResult(id, json.TryGetProperty("processed", out JsonElement p) ? p.Clone() : null, AlreadyApplied: false);
            }
            catch (DuplicateTransactionException) when (attempt > 1)
            {
                Log.PushAlreadyApplied(_logger, transaction.Id);
                return new PushTransactionResult(transaction.Id, null, AlreadyApplied: true);
            }
            catch (ChainException ex) when (ex is ChainUnavailableException && attempt < _options.MaxPushAttempts && !Expired(transaction))
            {
                await DelayBeforeRetryAsync(api, attempt, _options.MaxPushAttempts, ex, cancellationToken).ConfigureAwait(false);
            }
            catch (ChainException ex) when (ex.TransactionId is null)
            {
                throw ex switch
                {
                    ChainTimeoutException => new ChainTimeoutException(ex.Message, ex.Endpoint, ex) { TransactionId = transaction.Id },
                    ChainUnavailableException u => new ChainUnavailableException(ex.Message, ex.Endpoint, u.HttpStatus, ex) { TransactionId = transaction.Id },
                    ChainApiException a => Rethrow(a, transaction.Id),
                    _ => ex,
                };
            }
        }
    }

    private static ChainApiException Rethrow(ChainApiException ex, string transactionId)
    {
        ChainApiException copy = Classify(ex.Error, ex.Endpoint, transactionId);
        return copy;
    }

    private bool Expired(PackedTransaction transaction) => _timeProvider.GetUtcNow() >= transaction.Transaction.Expiration;

    private async Task<JsonElement> ReadAsync(string api, JsonObject body, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync(api, body, cancellationToken).ConfigureAwait(false);
            }
            catch (ChainException ex) when (ex.IsTransient && attempt < _options.MaxReadAttempts)
            {
                await DelayBeforeRetryAsync(api, attempt, _options.MaxReadAttempts, ex, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayBeforeRetryAsync(string api, int attempt, int maxAttempts, ChainException ex, CancellationToken cancellationToken)
    {
        TimeSpan delay = _options.RetryDelay * Math.Pow(2, attempt - 1);
        Log.RetryingRequest(_logger, Path(api), attempt, maxAttempts, delay.TotalMilliseconds, ex.Message);
        await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    private static string Path(string api) => "/v1/chain/" + api;

    private async Task<JsonElement> SendAsync(string api, JsonObject body, CancellationToken cancellationToken)
    {
        string path = Path(api);
        var uri = new Uri(_options.Endpoint, path);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await _http.PostAsync(uri, content, linked.Token).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    return doc.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new ChainUnavailableException($"{path} answered HTTP {(int)response.StatusCode} with a body that is not JSON.", path, (int)response.StatusCode, ex);
                }
            }

            throw DecodeError(path, (int)response.StatusCode, text);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChainTimeoutException($"{path} did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s.", path, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ChainUnavailableException($"{path} is unreachable at {_options.Endpoint}: {ex.Message}", path, null, ex);
        }
    }

    private static ChainException DecodeError(string path, int status, string text)
    {
        ChainError? error = TryParseError(status, text);
        if (error is null)
        {
            bool transient = status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500;
            string snippet = text.Length > 200 ? text[..200] + "…" : text;
            return transient
                ? new ChainUnavailableException($"{path} answered HTTP {status}: {snippet}", path, status)
                : new ChainApiException(new ChainError(status, 0, "http_error", $"HTTP {status}", snippet.Length > 0 ? [snippet] : []), path);
        }

        return Classify(error, path, null);
    }

    private static ChainApiException Classify(ChainError error, string path, string? transactionId) => error.Name switch
    {
        "eosio_assert_message_exception" or "eosio_assert_code_exception" => new ChainAssertException(error, path) { TransactionId = transactionId },
        "unsatisfied_authorization" or "missing_auth_exception" or "irrelevant_auth_exception" or "authorization_exception"
            or "unlinkable_min_permission_action" or "invalid_permission" => new ChainAuthorizationException(error, path) { TransactionId = transactionId },
        "tx_duplicate" => new DuplicateTransactionException(error, path) { TransactionId = transactionId },
        "expired_tx_exception" or "invalid_ref_block_exception" or "tx_exp_too_far_exception" => new TransactionExpiredException(error, path) { TransactionId = transactionId },
        "tx_cpu_usage_exceeded" or "tx_net_usage_exceeded" or "ram_usage_exceeded" or "deadline_exception" or "leeway_deadline_exception"
            or "resource_exhausted_exception" or "greylist_cpu_usage_exceeded" or "greylist_net_usage_exceeded"
            => new ChainResourceExceededException(error, path) { TransactionId = transactionId },
        _ => new ChainApiException(error, path) { TransactionId = transactionId },
    };

    private static ChainError? TryParseError(int status, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out JsonElement error) || error.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            long code = error.TryGetProperty("code", out JsonElement c) && c.TryGetInt64(out long cv) ? cv : 0;
            string name = error.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "exception";
            string what = error.TryGetProperty("what", out JsonElement w) && w.ValueKind == JsonValueKind.String
                ? w.GetString()!
                : root.TryGetProperty("message", out JsonElement msg) && msg.ValueKind == JsonValueKind.String ? msg.GetString()! : "unspecified";
            var details = new List<string>();
            if (error.TryGetProperty("details", out JsonElement d) && d.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement detail in d.EnumerateArray())
                {
                    if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("message", out JsonElement dm) && dm.ValueKind == JsonValueKind.String
                        && dm.GetString() is { Length: > 0 } message && !message.StartsWith("pending console output", StringComparison.Ordinal))
                    {
                        details.Add(message);
                    }
                }
            }

            return new ChainError(status, code, name, what, details);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ChainUnavailableException Malformed(string api, string problem) =>
        new($"{Path(api)} answered with an unexpected body: {problem}.", Path(api));
}
