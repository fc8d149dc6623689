using System.Diagnostics.CodeAnalysis;
using NBitcoin.Secp256k1;

namespace Boid.Eosio;

/// <summary>
/// A K1 recoverable ECDSA signature: a header byte (27 + 4 + recovery id), r and s.
/// Text form <c>SIG_K1_…</c>; binary form (in ABI data) one type byte (0 = K1) and the 65 bytes.
/// </summary>
public sealed class Signature : IEquatable<Signature>
{
    private const string Prefix = "SIG_K1_";
    private readonly byte[] _data;

    private Signature(byte[] data)
    {
        _data = data;
    }

    /// <summary>The recovery id (0–3) carried in the header byte.</summary>
    public int RecoveryId => (_data[0] - 27) & 3;

    /// <summary>
    /// Whether r and s are "canonical" in Antelope's sense: each 32-byte half has its top bit clear and
    /// does not start with a zero byte unless the next byte has its top bit set. Nodeos rejects others.
    /// </summary>
    public bool IsCanonical => IsCanonicalCompact(_data.AsSpan(1, 64));

    /// <summary>Parses <c>SIG_K1_…</c>.</summary>
    /// <param name="text">The signature text.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="AntelopeKeyException">The text is not a valid K1 signature.</exception>
    public static Signature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new AntelopeKeyException("Invalid signature: expected SIG_K1_… (only K1 signatures are supported).");
        }

        return FromBytes(Crypto.KeyText.DecodeRipemd(text.AsSpan(Prefix.Length), "K1", 65, "signature"));
    }

    /// <summary>Creates a signature from its 65 bytes (header, r, s).</summary>
    /// <param name="data">The 65 bytes.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="AntelopeKeyException">Wrong length or header.</exception>
    public static Signature FromBytes(ReadOnlySpan<byte> data)
    {
        if (data.Length != 65 || data[0] < 27 || data[0] > 34)
        {
            throw new AntelopeKeyException("Invalid signature: expected 65 bytes starting with a header byte 27–34.");
        }

        return new Signature(data.ToArray());
    }

    internal static Signature FromCompact(ReadOnlySpan<byte> rs, int recoveryId)
    {
        var data = new byte[65];
        data[0] = (byte)(27 + 4 + recoveryId);
        rs.CopyTo(data.AsSpan(1));
        return new Signature(data);
    }

    internal static bool IsCanonicalCompact(ReadOnlySpan<byte> rs) =>
        (rs[0] & 0x80) == 0
        && !(rs[0] == 0 && (rs[1] & 0x80) == 0)
        && (rs[32] & 0x80) == 0
        && !(rs[32] == 0 && (rs[33] & 0x80) == 0);

    /// <summary>The 65 bytes (header, r, s).</summary>
    /// <returns>A fresh copy.</returns>
    public byte[] ToBytes() => (byte[])_data.Clone();

    /// <summary>Recovers the public key that made this signature over <paramref name="digest"/>.</summary>
    /// <param name="digest">The 32-byte digest that was signed.</param>
    /// <returns>The signer's public key.</returns>
    /// <exception cref="AntelopeFormatException">No key can be recovered (invalid signature for this digest).</exception>
    public PublicKey RecoverPublicKey(ReadOnlySpan<byte> digest) =>
        TryRecoverPublicKey(digest, out PublicKey? key) ? key : throw new AntelopeFormatException("No public key can be recovered from this signature and digest.");

    /// <summary>Tries to recover the signer's public key.</summary>
    /// <param name="digest">The 32-byte digest that was signed.</param>
    /// <param name="key">The recovered key.</param>
    /// <returns>Whether a key was recovered.</returns>
    public bool TryRecoverPublicKey(ReadOnlySpan<byte> digest, [NotNullWhen(true)] out PublicKey? key)
    {
        key = null;
        if (digest.Length != 32)
        {
            throw new ArgumentException("The digest must be 32 bytes.", nameof(digest));
        }

        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(_data.AsSpan(1, 64), RecoveryId, out SecpRecoverableECDSASignature? sig) || sig is null)
        {
            return false;
        }

        if (!ECPubKey.TryRecover(Context.Instance, sig, digest, out ECPubKey? point) || point is null)
        {
            return false;
        }

        key = PublicKey.FromPoint(point);
        return true;
    }

    /// <summary>The <c>SIG_K1_…</c> text form.</summary>
    /// <returns>The signature text.</returns>
    public override string ToString() => Crypto.KeyText.EncodeRipemd(Prefix, _data, "K1");

    /// <inheritdoc/>
    public bool Equals(Signature? other) => other is not null && _data.AsSpan().SequenceEqual(other._data);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_data, 1);
}
