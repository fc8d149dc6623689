using System.Text.Json.Nodes;

namespace Boid.Eosio;

/// <summary>An authorization of an action: an account and one of its permissions, text form <c>actor@permission</c>.</summary>
/// <param name="Actor">The account.</param>
/// <param name="Permission">The permission, usually <c>active</c>.</param>
public sealed record PermissionLevel(Name Actor, Name Permission)
{
    /// <summary>Parses <c>actor@permission</c>.</summary>
    /// <param name="text">The text, e.g. <c>boiddispatch@active</c>.</param>
    /// <returns>The permission level.</returns>
    /// <exception cref="AntelopeFormatException">Not <c>actor@permission</c> with two valid names.</exception>
    public static PermissionLevel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1)
        {
            throw new AntelopeFormatException($"Permission level '{text}' must be 'actor@permission'.");
        }

        return new PermissionLevel(Name.Parse(text[..at]), Name.Parse(text[(at + 1)..]));
    }

    /// <summary>The text form.</summary>
    /// <returns><c>actor@permission</c>.</returns>
    public override string ToString() => $"{Actor}@{Permission}";
}

/// <summary>
/// An action: a contract account, an action name, the authorizations it carries and its ABI-encoded data.
/// (Named <c>ChainAction</c> so that it does not clash with <see cref="System.Action"/>.)
/// </summary>
public sealed record ChainAction
{
    /// <summary>Creates an action with already encoded data.</summary>
    /// <param name="account">The contract account.</param>
    /// <param name="name">The action name.</param>
    /// <param name="authorization">The authorizations.</param>
    /// <param name="data">The encoded data (copied).</param>
    public ChainAction(Name account, Name name, IEnumerable<PermissionLevel> authorization, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        Account = account;
        Name = name;
        Authorization = authorization.ToArray();
        Data = data.ToArray();
    }

    /// <summary>The contract account that runs the action.</summary>
    public Name Account { get; }

    /// <summary>The action name.</summary>
    public Name Name { get; }

    /// <summary>The authorizations.</summary>
    public IReadOnlyList<PermissionLevel> Authorization { get; }

    /// <summary>The ABI-encoded data. Do not modify.</summary>
    public IReadOnlyList<byte> Data { get; }

    /// <summary>Creates an action, encoding JSON data with the contract's ABI.</summary>
    /// <param name="abi">The contract's ABI serializer.</param>
    /// <param name="account">The contract account.</param>
    /// <param name="name">The action name.</param>
    /// <param name="authorization">The authorizations.</param>
    /// <param name="data">The data as JSON, e.g. a <see cref="JsonObject"/> with the action struct's fields.</param>
    /// <returns>The action.</returns>
    /// <exception cref="AbiException">The ABI has no such action, or the data does not fit (the message names the field).</exception>
    public static ChainAction Create(AbiSerializer abi, Name account, Name name, IEnumerable<PermissionLevel> authorization, JsonNode? data)
    {
        ArgumentNullException.ThrowIfNull(abi);
        return new ChainAction(account, name, authorization, abi.SerializeActionData(name, data));
    }

    /// <summary>Encodes the action (account, name, authorizations, sized data) as it appears in a transaction.</summary>
    /// <returns>The encoding.</returns>
    public byte[] Serialize()
    {
        var w = new Serialization.AntelopeWriter();
        Transaction.WriteAction(w, this);
        return w.ToArray();
    }

    /// <summary>Whether two actions are equal field by field (data by content).</summary>
    /// <param name="other">The other action.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(ChainAction? other) =>
        other is not null && Account == other.Account && Name == other.Name
        && Authorization.SequenceEqual(other.Authorization) && Data.SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Account, Name, Data.Count);

    /// <summary>A short description.</summary>
    /// <returns><c>account::name [auth] (n bytes)</c>.</returns>
    public override string ToString() => $"{Account}::{Name} [{string.Join(", ", Authorization)}] ({Data.Count} bytes)";
}

/// <summary>A transaction extension: a type and opaque data.</summary>
/// <param name="Type">The extension type.</param>
/// <param name="Data">The data.</param>
public sealed record TransactionExtension(ushort Type, byte[] Data);
