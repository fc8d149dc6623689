using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Boid.Eosio;

/// <summary>Produces the signatures a transaction needs; implement it for an external signer (wallet, HSM).</summary>
public interface ITransactionSigner
{
    /// <summary>The public keys this signer signs with.</summary>
    IReadOnlyList<PublicKey> PublicKeys { get; }

    /// <summary>Signs a transaction for a chain.</summary>
    /// <param name="transaction">The transaction.</param>
    /// <param name="chainId">The chain id (hex).</param>
    /// <param name="cancellationToken">Cancels signing.</param>
    /// <returns>One signature per key.</returns>
    Task<IReadOnlyList<Signature>> SignAsync(Transaction transaction, string chainId, CancellationToken cancellationToken = default);
}

/// <summary>Signs in process with private keys (e.g. loaded by <see cref="KeyLoader"/>).</summary>
public sealed class PrivateKeySigner : ITransactionSigner
{
    private readonly PrivateKey[] _keys;

    /// <summary>Creates the signer. The keys stay owned by the caller.</summary>
    /// <param name="keys">The keys.</param>
    public PrivateKeySigner(params IEnumerable<PrivateKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToArray();
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one key is needed.", nameof(keys));
        }

        PublicKeys = _keys.Select(k => k.PublicKey).ToArray();
    }

    /// <inheritdoc/>
    public IReadOnlyList<PublicKey> PublicKeys { get; }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Signature>> SignAsync(Transaction transaction, string chainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        byte[] digest = transaction.SigningDigest(chainId);
        return Task.FromResult<IReadOnlyList<Signature>>(_keys.Select(k => k.SignDigest(digest)).ToArray());
    }

    /// <summary>Describes the signer by its public keys.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"PrivateKeySigner({string.Join(", ", PublicKeys)})";
}

/// <summary>Options of <see cref="TransactionBuilder"/>.</summary>
public sealed class TransactionBuilderOptions
{
    /// <summary>How long after now a transaction expires (nodeos allows at most one hour).</summary>
    /// <value>Defaults to 2 minutes.</value>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether TAPoS refers to the last irreversible block (true) or the head block (false).</summary>
    /// <value>Defaults to true.</value>
    public bool UseLastIrreversibleBlock { get; set; } = true;

    /// <summary>The transaction's <c>max_net_usage_words</c>.</summary>
    /// <value>Defaults to 0 (no extra limit).</value>
    public uint MaxNetUsageWords { get; set; }

    /// <summary>The transaction's <c>max_cpu_usage_ms</c>.</summary>
    /// <value>Defaults to 0 (no extra limit).</value>
    public byte MaxCpuUsageMs { get; set; }
}

/// <summary>
/// Builds, signs and pushes transactions: encodes JSON action data with the contract's ABI (fetched once per
/// contract with <c>get_abi</c> and cached), takes TAPoS from <c>get_info</c>, sets the expiration from the
/// <see cref="TimeProvider"/>, signs with an <see cref="ITransactionSigner"/> and pushes with
/// <see cref="AntelopeChainClient"/>.
/// </summary>
public sealed class TransactionBuilder
{
    private readonly AntelopeChainClient _client;
    private readonly ITransactionSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly TransactionBuilderOptions _options;
    private readonly ConcurrentDictionary<Name, AbiSerializer> _abis = new();

    /// <summary>Creates the builder.</summary>
    /// <param name="client">The chain client.</param>
    /// <param name="signer">The signer.</param>
    /// <param name="timeProvider">Time for expirations.</param>
    /// <value>The time provider defaults to <see cref="TimeProvider.System"/>; options default to <see cref="TransactionBuilderOptions"/>' defaults.</value>
    /// <param name="options">Expiration and TAPoS settings.</param>
    public TransactionBuilder(AntelopeChainClient client, ITransactionSigner signer, TimeProvider? timeProvider = null, TransactionBuilderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(signer);
        _client = client;
        _signer = signer;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _options = options ?? new TransactionBuilderOptions();
    }

    /// <summary>Uses a known ABI for a contract instead of fetching it.</summary>
    /// <param name="account">The contract account.</param>
    /// <param name="abi">Its ABI.</param>
    public void SetAbi(Name account, AbiSerializer abi)
    {
        ArgumentNullException.ThrowIfNull(abi);
        _abis[account] = abi;
    }

    /// <summary>The ABI of a contract, fetched with <c>get_abi</c> on first use and cached.</summary>
    /// <param name="account">The contract account.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The ABI serializer.</returns>
    /// <exception cref="AbiException">The account has no ABI, or it is inconsistent.</exception>
    /// <exception cref="ChainException">The chain could not be asked.</exception>
    public async Task<AbiSerializer> GetAbiAsync(Name account, CancellationToken cancellationToken = default)
    {
        if (_abis.TryGetValue(account, out AbiSerializer? cached))
        {
            return cached;
        }

        AbiDefinition abi = await _client.GetAbiAsync(account, cancellationToken).ConfigureAwait(false)
            ?? throw new AbiException($"Account '{account}' has no ABI (no contract deployed).", null, null);
        return _abis.GetOrAdd(account, new AbiSerializer(abi));
    }

    /// <summary>Creates an action, encoding JSON data with the contract's ABI.</summary>
    /// <param name="account">The contract account.</param>
    /// <param name="name">The action.</param>
    /// <param name="authorization">Its authorizations.</param>
    /// <param name="data">The action data as JSON.</param>
    /// <param name="cancellationToken">Cancels a needed ABI fetch.</param>
    /// <returns>The action.</returns>
    /// <exception cref="AbiException">Unknown action, or the data does not fit (the message names the field).</exception>
    public async Task<ChainAction> CreateActionAsync(Name account, Name name, IEnumerable<PermissionLevel> authorization, JsonNode? data, CancellationToken cancellationToken = default)
    {
        AbiSerializer abi = await GetAbiAsync(account, cancellationToken).ConfigureAwait(false);
        return ChainAction.Create(abi, account, name, authorization, data);
    }

    /// <summary>Builds and signs a transaction: TAPoS from <c>get_info</c>, expiration now + <see cref="TransactionBuilderOptions.ExpireAfter"/>.</summary>
    /// <param name="actions">The actions.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signed, packed transaction; keep it to retry the push with the same id.</returns>
    /// <exception cref="ChainException">get_info failed.</exception>
    public async Task<PackedTransaction> BuildAsync(IEnumerable<ChainAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ChainAction[] list = actions.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A transaction needs at least one action.", nameof(actions));
        }

        ChainInfo info = await _client.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        string refBlockId = _options.UseLastIrreversibleBlock && !string.IsNullOrEmpty(info.LastIrreversibleBlockId)
            ? info.LastIrreversibleBlockId
            : info.HeadBlockId;
        (ushort refBlockNum, uint refBlockPrefix) = Transaction.TaposFromBlockId(refBlockId);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        var transaction = new Transaction
        {
            Expiration = DateTimeOffset.FromUnixTimeSeconds((now + _options.ExpireAfter).ToUnixTimeSeconds()),
            RefBlockNum = refBlockNum,
            RefBlockPrefix = refBlockPrefix,
            MaxNetUsageWords = _options.MaxNetUsageWords,
            MaxCpuUsageMs = _options.MaxCpuUsageMs,
            Actions = list,
        };
        IReadOnlyList<Signature> signatures = await _signer.SignAsync(transaction, info.ChainId, cancellationToken).ConfigureAwait(false);
        return new PackedTransaction(transaction, signatures);
    }

    /// <summary>Builds, signs and pushes a transaction.</summary>
    /// <param name="actions">The actions.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The push result with the transaction id.</returns>
    /// <exception cref="ChainException">Building or pushing failed; see <see cref="AntelopeChainClient.PushTransactionAsync"/>.</exception>
    public async Task<PushTransactionResult> PushAsync(IEnumerable<ChainAction> actions, CancellationToken cancellationToken = default)
    {
        PackedTransaction packed = await BuildAsync(actions, cancellationToken).ConfigureAwait(false);
        return await _client.PushTransactionAsync(packed, cancellationToken).ConfigureAwait(false);
    }
}
