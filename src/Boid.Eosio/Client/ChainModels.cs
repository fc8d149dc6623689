using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boid.Eosio;

/// <summary>Options of <see cref="AntelopeChainClient"/>.</summary>
public sealed class AntelopeChainClientOptions
{
    /// <summary>The nodeos HTTP endpoint, e.g. <c>http://127.0.0.1:8888</c>.</summary>
    public required Uri Endpoint { get; set; }

    /// <summary>How long one HTTP request may take.</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts for read calls (<c>get_*</c>) when the endpoint is unavailable.</summary>
    /// <value>Defaults to 3.</value>
    public int MaxReadAttempts { get; set; } = 3;

    /// <summary>
    /// Attempts for a push when the endpoint is unavailable. Each attempt sends the same signed bytes (same
    /// transaction id), so a retry cannot apply the transaction twice; a <c>tx_duplicate</c> answer to a retry
    /// means an earlier attempt landed.
    /// </summary>
    /// <value>Defaults to 3.</value>
    public int MaxPushAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    /// <value>Defaults to 250 ms.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>The answer of <c>get_info</c> (the fields Boid uses).</summary>
public sealed record ChainInfo
{
    /// <summary>The chain id (hex), part of every signing digest.</summary>
    [JsonPropertyName("chain_id")]
    public required string ChainId { get; init; }

    /// <summary>The head block number.</summary>
    [JsonPropertyName("head_block_num")]
    public uint HeadBlockNum { get; init; }

    /// <summary>The head block id (hex).</summary>
    [JsonPropertyName("head_block_id")]
    public required string HeadBlockId { get; init; }

    /// <summary>The head block time (UTC, nodeos text).</summary>
    [JsonPropertyName("head_block_time")]
    public string HeadBlockTime { get; init; } = string.Empty;

    /// <summary>The last irreversible block number.</summary>
    [JsonPropertyName("last_irreversible_block_num")]
    public uint LastIrreversibleBlockNum { get; init; }

    /// <summary>The last irreversible block id (hex), the usual TAPoS reference.</summary>
    [JsonPropertyName("last_irreversible_block_id")]
    public string LastIrreversibleBlockId { get; init; } = string.Empty;

    /// <summary>The server's version string.</summary>
    [JsonPropertyName("server_version_string")]
    public string? ServerVersionString { get; init; }
}

/// <summary>A <c>get_table_rows</c> query; rows come back decoded as JSON (<c>json: true</c>).</summary>
public sealed record TableRowsRequest
{
    /// <summary>The contract account.</summary>
    public required Name Code { get; init; }

    /// <summary>The scope (a name, or a number as text).</summary>
    public required string Scope { get; init; }

    /// <summary>The table.</summary>
    public required Name Table { get; init; }

    /// <summary>The lower bound of the key, inclusive.</summary>
    /// <value>Defaults to none.</value>
    public string? LowerBound { get; init; }

    /// <summary>The upper bound of the key, inclusive.</summary>
    /// <value>Defaults to none.</value>
    public string? UpperBound { get; init; }

    /// <summary>Rows per page.</summary>
    /// <value>Defaults to 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>The index: 1 is the primary key, 2 the first secondary index, …</summary>
    /// <value>Defaults to none (primary).</value>
    public int? IndexPosition { get; init; }

    /// <summary>The key type for secondary indexes, e.g. <c>i64</c>, <c>name</c>, <c>sha256</c>.</summary>
    /// <value>Defaults to none.</value>
    public string? KeyType { get; init; }

    /// <summary>Whether to read in descending key order.</summary>
    /// <value>Defaults to false.</value>
    public bool Reverse { get; init; }
}

/// <summary>One page of <c>get_table_rows</c>.</summary>
/// <param name="Rows">The rows as JSON.</param>
/// <param name="More">Whether more rows follow.</param>
/// <param name="NextKey">The lower bound of the next page, when <paramref name="More"/>.</param>
public sealed record TableRowsPage(IReadOnlyList<JsonElement> Rows, bool More, string? NextKey);

/// <summary>The outcome of a push.</summary>
/// <param name="TransactionId">The transaction id (hex).</param>
/// <param name="Processed">nodeos' <c>processed</c> trace; null when <paramref name="AlreadyApplied"/>.</param>
/// <param name="AlreadyApplied">True when a retry found the transaction already on chain (<c>tx_duplicate</c>).</param>
public sealed record PushTransactionResult(string TransactionId, JsonElement? Processed, bool AlreadyApplied)
{
    /// <summary>The block number nodeos put the transaction in, when it said so.</summary>
    public uint? BlockNum =>
        Processed is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("block_num", out JsonElement b) && b.TryGetUInt32(out uint n) ? n : null;
}
