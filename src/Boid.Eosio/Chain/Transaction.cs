using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Boid.Eosio.Serialization;

namespace Boid.Eosio;

/// <summary>
/// An Antelope transaction: the header (expiration and TAPoS reference block, resource limits, delay), the
/// context-free actions (Boid uses none), the actions and extensions. Its id is sha256 of its encoding;
/// signatures are over <see cref="SigningDigest"/>.
/// </summary>
public sealed record Transaction
{
    /// <summary>When the transaction expires (whole seconds, UTC).</summary>
    public required DateTimeOffset Expiration { get; init; }

    /// <summary>The low 16 bits of the reference block's number (TAPoS).</summary>
    public required ushort RefBlockNum { get; init; }

    /// <summary>Bytes 8–11 of the reference block's id as a little-endian integer (TAPoS).</summary>
    public required uint RefBlockPrefix { get; init; }

    /// <summary>Upper limit of billed network use in 8-byte words; 0 means no limit beyond the account's.</summary>
    /// <value>Defaults to 0.</value>
    public uint MaxNetUsageWords { get; init; }

    /// <summary>Upper limit of billed CPU time in milliseconds; 0 means no limit beyond the account's.</summary>
    /// <value>Defaults to 0.</value>
    public byte MaxCpuUsageMs { get; init; }

    /// <summary>Seconds of delay before the transaction executes.</summary>
    /// <value>Defaults to 0.</value>
    public uint DelaySec { get; init; }

    /// <summary>Context-free actions.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<ChainAction> ContextFreeActions { get; init; } = [];

    /// <summary>The actions.</summary>
    public required IReadOnlyList<ChainAction> Actions { get; init; }

    /// <summary>Transaction extensions.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<TransactionExtension> Extensions { get; init; } = [];

    /// <summary>Computes the TAPoS fields from a block id (hex): the block number's low 16 bits and bytes 8–11.</summary>
    /// <param name="blockId">The 32-byte block id in hex (e.g. <c>last_irreversible_block_id</c>).</param>
    /// <returns>The reference block number and prefix.</returns>
    /// <exception cref="AntelopeFormatException">The id is not 64 hex digits.</exception>
    public static (ushort RefBlockNum, uint RefBlockPrefix) TaposFromBlockId(string blockId)
    {
        ArgumentNullException.ThrowIfNull(blockId);
        byte[] id;
        try
        {
            id = Convert.FromHexString(blockId);
        }
        catch (FormatException ex)
        {
            throw new AntelopeFormatException($"Block id '{blockId}' is not hex.", ex);
        }

        if (id.Length != 32)
        {
            throw new AntelopeFormatException($"Block id '{blockId}' must be 32 bytes.");
        }

        uint blockNum = BinaryPrimitives.ReadUInt32BigEndian(id);
        return ((ushort)(blockNum & 0xffff), BinaryPrimitives.ReadUInt32LittleEndian(id.AsSpan(8, 4)));
    }

    /// <summary>Encodes the transaction (the <c>packed_trx</c> bytes).</summary>
    /// <returns>The encoding.</returns>
    public byte[] Serialize()
    {
        var w = new AntelopeWriter();
        long seconds = Expiration.ToUnixTimeSeconds();
        if (seconds is < 0 or > uint.MaxValue)
        {
            throw new AntelopeFormatException("Transaction expiration is outside the range of time_point_sec.");
        }

        w.WriteUInt32((uint)seconds);
        w.WriteUInt16(RefBlockNum);
        w.WriteUInt32(RefBlockPrefix);
        w.WriteVarUInt32(MaxNetUsageWords);
        w.WriteByte(MaxCpuUsageMs);
        w.WriteVarUInt32(DelaySec);
        WriteActions(w, ContextFreeActions);
        WriteActions(w, Actions);
        w.WriteVarUInt32((uint)Extensions.Count);
        foreach (TransactionExtension e in Extensions)
        {
            w.WriteUInt16(e.Type);
            w.WriteSizedBytes(e.Data);
        }

        return w.ToArray();
    }

    /// <summary>Decodes a transaction.</summary>
    /// <param name="data">The <c>packed_trx</c> bytes.</param>
    /// <returns>The transaction.</returns>
    /// <exception cref="AntelopeFormatException">The bytes are not a transaction.</exception>
    public static Transaction Deserialize(ReadOnlySpan<byte> data)
    {
        var r = new AntelopeReader(data);
        var trx = new Transaction
        {
            Expiration = DateTimeOffset.FromUnixTimeSeconds(r.ReadUInt32()),
            RefBlockNum = r.ReadUInt16(),
            RefBlockPrefix = r.ReadUInt32(),
            MaxNetUsageWords = r.ReadVarUInt32(),
            MaxCpuUsageMs = r.ReadByte(),
            DelaySec = r.ReadVarUInt32(),
            ContextFreeActions = ReadActions(ref r),
            Actions = ReadActions(ref r),
            Extensions = ReadExtensions(ref r),
        };
        if (r.Remaining != 0)
        {
            throw new AntelopeFormatException($"{r.Remaining} bytes left over after the transaction.");
        }

        return trx;
    }

    /// <summary>The transaction id: sha256 of <see cref="Serialize"/>, in hex.</summary>
    /// <returns>64 lower-case hex digits.</returns>
    public string GetId() => Convert.ToHexStringLower(SHA256.HashData(Serialize()));

    /// <summary>
    /// The digest that signers sign: sha256(chain id ‖ serialized transaction ‖ sha256(context-free data),
    /// or 32 zero bytes when there is none).
    /// </summary>
    /// <param name="chainId">The chain id in hex (from <c>get_info</c>).</param>
    /// <param name="contextFreeData">The packed context-free data; empty for none.</param>
    /// <returns>The 32-byte digest.</returns>
    /// <exception cref="AntelopeFormatException">The chain id is not 32 bytes of hex.</exception>
    public byte[] SigningDigest(string chainId, ReadOnlySpan<byte> contextFreeData = default)
    {
        byte[] chain = ParseChainId(chainId);
        byte[] trx = Serialize();
        var buffer = new byte[32 + trx.Length + 32];
        chain.CopyTo(buffer, 0);
        trx.CopyTo(buffer, 32);
        if (!contextFreeData.IsEmpty)
        {
            SHA256.HashData(contextFreeData).CopyTo(buffer, 32 + trx.Length);
        }

        return SHA256.HashData(buffer);
    }

    /// <summary>Signs with each key and packs the result for <c>push_transaction</c>.</summary>
    /// <param name="chainId">The chain id in hex.</param>
    /// <param name="keys">The keys whose signatures the authorizations need.</param>
    /// <returns>The packed, signed transaction.</returns>
    public PackedTransaction Sign(string chainId, params IEnumerable<PrivateKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        byte[] digest = SigningDigest(chainId);
        return new PackedTransaction(this, keys.Select(k => k.SignDigest(digest)));
    }

    /// <summary>The nodeos JSON form (for logs and debugging; action data as hex).</summary>
    /// <returns>A JSON object.</returns>
    public JsonObject ToJson() => new()
    {
        ["expiration"] = AntelopeTime.FormatSeconds(Expiration),
        ["ref_block_num"] = RefBlockNum,
        ["ref_block_prefix"] = RefBlockPrefix,
        ["max_net_usage_words"] = MaxNetUsageWords,
        ["max_cpu_usage_ms"] = MaxCpuUsageMs,
        ["delay_sec"] = DelaySec,
        ["context_free_actions"] = ActionsJson(ContextFreeActions),
        ["actions"] = ActionsJson(Actions),
        ["transaction_extensions"] = new JsonArray(Extensions.Select(e => (JsonNode)new JsonArray(e.Type, Convert.ToHexStringLower(e.Data))).ToArray()),
    };

    /// <summary>Field-by-field equality.</summary>
    /// <param name="other">The other transaction.</param>
    /// <returns>Whether they encode to the same bytes.</returns>
    public bool Equals(Transaction? other) => other is not null && Serialize().AsSpan().SequenceEqual(other.Serialize());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Expiration, RefBlockNum, RefBlockPrefix, Actions.Count);

    internal static byte[] ParseChainId(string chainId)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        try
        {
            byte[] bytes = Convert.FromHexString(chainId);
            if (bytes.Length == 32)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }

        throw new AntelopeFormatException($"Chain id '{chainId}' must be 64 hex digits.");
    }

    private static JsonArray ActionsJson(IReadOnlyList<ChainAction> actions) =>
        new(actions.Select(a => (JsonNode)new JsonObject
        {
            ["account"] = a.Account.ToString(),
            ["name"] = a.Name.ToString(),
            ["authorization"] = new JsonArray(a.Authorization.Select(p => (JsonNode)new JsonObject
            {
                ["actor"] = p.Actor.ToString(),
                ["permission"] = p.Permission.ToString(),
            }).ToArray()),
            ["data"] = Convert.ToHexStringLower(a.Data.ToArray()),
        }).ToArray());

    private static void WriteActions(AntelopeWriter w, IReadOnlyList<ChainAction> actions)
    {
        w.WriteVarUInt32((uint)actions.Count);
        foreach (ChainAction a in actions)
        {
            WriteAction(w, a);
        }
    }

    internal static void WriteAction(AntelopeWriter w, ChainAction a)
    {
        w.WriteName(a.Account);
        w.WriteName(a.Name);
        w.WriteVarUInt32((uint)a.Authorization.Count);
        foreach (PermissionLevel p in a.Authorization)
        {
            w.WriteName(p.Actor);
            w.WriteName(p.Permission);
        }

        w.WriteSizedBytes(a.Data is byte[] bytes ? bytes : a.Data.ToArray());
    }

    private static ChainAction[] ReadActions(ref AntelopeReader r)
    {
        uint count = r.ReadVarUInt32();
        if (count > r.Remaining)
        {
            throw new AntelopeFormatException($"Action count {count} is larger than the data.");
        }

        var actions = new ChainAction[count];
        for (int i = 0; i < count; i++)
        {
            Name account = r.ReadName();
            Name name = r.ReadName();
            uint authCount = r.ReadVarUInt32();
            if (authCount > r.Remaining)
            {
                throw new AntelopeFormatException($"Authorization count {authCount} is larger than the data.");
            }

            var auth = new PermissionLevel[authCount];
            for (int j = 0; j < authCount; j++)
            {
                Name actor = r.ReadName();
                auth[j] = new PermissionLevel(actor, r.ReadName());
            }

            actions[i] = new ChainAction(account, name, auth, r.ReadSizedBytes());
        }

        return actions;
    }

    private static TransactionExtension[] ReadExtensions(ref AntelopeReader r)
    {
        uint count = r.ReadVarUInt32();
        if (count > r.Remaining)
        {
            throw new AntelopeFormatException($"Extension count {count} is larger than the data.");
        }

        var extensions = new TransactionExtension[count];
        for (int i = 0; i < count; i++)
        {
            ushort type = r.ReadUInt16();
            extensions[i] = new TransactionExtension(type, r.ReadSizedBytes().ToArray());
        }

        return extensions;
    }
}

/// <summary>
/// A signed transaction in the form <c>push_transaction</c> takes: signatures, compression (always none here),
/// packed context-free data (empty) and the packed transaction.
/// </summary>
public sealed class PackedTransaction
{
    private readonly byte[] _packedTrx;

    /// <summary>Packs a transaction with its signatures.</summary>
    /// <param name="transaction">The transaction.</param>
    /// <param name="signatures">Its signatures.</param>
    public PackedTransaction(Transaction transaction, IEnumerable<Signature> signatures)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(signatures);
        Transaction = transaction;
        Signatures = signatures.ToArray();
        _packedTrx = transaction.Serialize();
        Id = Convert.ToHexStringLower(SHA256.HashData(_packedTrx));
    }

    /// <summary>The transaction.</summary>
    public Transaction Transaction { get; }

    /// <summary>The signatures.</summary>
    public IReadOnlyList<Signature> Signatures { get; }

    /// <summary>The transaction id (hex); the same on every retry of this packed transaction.</summary>
    public string Id { get; }

    /// <summary>The packed transaction bytes.</summary>
    /// <returns>A copy of the bytes.</returns>
    public byte[] GetPackedTrx() => (byte[])_packedTrx.Clone();

    /// <summary>The JSON body of a <c>push_transaction</c> request.</summary>
    /// <returns>A JSON object.</returns>
    public JsonObject ToJson() => new()
    {
        ["signatures"] = new JsonArray(Signatures.Select(s => (JsonNode)JsonValue.Create(s.ToString())).ToArray()),
        ["compression"] = 0,
        ["packed_context_free_data"] = string.Empty,
        ["packed_trx"] = Convert.ToHexStringLower(_packedTrx),
    };
}
