using NBitcoin.Secp256k1;

namespace Boid.Eosio;

/// <summary>
/// A K1 (secp256k1) public key. Text forms: <c>PUB_K1_…</c> (current) and legacy <c>EOS…</c>;
/// binary form (in ABI data): one type byte (0 = K1) and the 33-byte compressed point.
/// </summary>
public sealed class PublicKey : IEquatable<PublicKey>
{
    private const string NewPrefix = "PUB_K1_";
    private readonly byte[] _compressed;

    private PublicKey(byte[] compressed, ECPubKey point)
    {
        _compressed = compressed;
        Point = point;
    }

    internal ECPubKey Point { get; }

    /// <summary>Parses <c>PUB_K1_…</c> or a legacy key (<c>EOS…</c>, or another 3-letter legacy prefix).</summary>
    /// <param name="text">The key text.</param>
    /// <returns>The key.</returns>
    /// <exception cref="AntelopeKeyException">The text is not a valid K1 public key.</exception>
    public static PublicKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes;
        if (text.StartsWith(NewPrefix, StringComparison.Ordinal))
        {
            bytes = Crypto.KeyText.DecodeRipemd(text.AsSpan(NewPrefix.Length), "K1", 33, "public key");
        }
        else if (text.StartsWith("PUB_", StringComparison.Ordinal))
        {
            throw new AntelopeKeyException("Unsupported public key type: only K1 keys are supported.");
        }
        else if (text.Length > 3 && char.IsAsciiLetterUpper(text[0]))
        {
            int prefixLength = 0;
            while (prefixLength < text.Length && char.IsAsciiLetterUpper(text[prefixLength]) && prefixLength < 3)
            {
                prefixLength++;
            }

            bytes = Crypto.KeyText.DecodeRipemd(text.AsSpan(prefixLength), string.Empty, 33, "legacy public key");
        }
        else
        {
            throw new AntelopeKeyException("Invalid public key: expected PUB_K1_… or a legacy EOS… key.");
        }

        return FromBytes(bytes);
    }

    /// <summary>Tries to parse a public key.</summary>
    /// <param name="text">The key text.</param>
    /// <param name="key">The key, when the text was valid.</param>
    /// <returns>Whether the text was a valid K1 public key.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PublicKey? key)
    {
        key = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            key = Parse(text);
            return true;
        }
        catch (AntelopeKeyException)
        {
            return false;
        }
    }

    /// <summary>Creates a key from its 33-byte compressed point.</summary>
    /// <param name="compressed">0x02 or 0x03 followed by the x coordinate.</param>
    /// <returns>The key.</returns>
    /// <exception cref="AntelopeKeyException">The bytes are not a point on secp256k1.</exception>
    public static PublicKey FromBytes(ReadOnlySpan<byte> compressed)
    {
        if (compressed.Length != 33 || !ECPubKey.TryCreate(compressed, Context.Instance, out bool isCompressed, out ECPubKey? point) || !isCompressed || point is null)
        {
            throw new AntelopeKeyException("Invalid public key: not a compressed secp256k1 point.");
        }

        return new PublicKey(compressed.ToArray(), point);
    }

    internal static PublicKey FromPoint(ECPubKey point) => new(point.ToBytes(compressed: true), point);

    /// <summary>The 33-byte compressed point.</summary>
    /// <returns>A fresh copy.</returns>
    public byte[] ToBytes() => (byte[])_compressed.Clone();

    /// <summary>The legacy text form.</summary>
    /// <param name="prefix">The chain's legacy prefix.</param>
    /// <value>Defaults to <c>EOS</c>.</value>
    /// <returns>For example <c>EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV</c>.</returns>
    public string ToLegacyString(string prefix = "EOS") => Crypto.KeyText.EncodeRipemd(prefix, _compressed, string.Empty);

    /// <summary>Checks that <paramref name="signature"/> over <paramref name="digest"/> was made by this key.</summary>
    /// <param name="digest">The 32-byte digest that was signed.</param>
    /// <param name="signature">The signature.</param>
    /// <returns>Whether the public key recovered from the signature is this key.</returns>
    public bool Verify(ReadOnlySpan<byte> digest, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.TryRecoverPublicKey(digest, out PublicKey? recovered) && recovered.Equals(this);
    }

    /// <summary>The <c>PUB_K1_…</c> text form.</summary>
    /// <returns>The key text.</returns>
    public override string ToString() => Crypto.KeyText.EncodeRipemd(NewPrefix, _compressed, "K1");

    /// <inheritdoc/>
    public bool Equals(PublicKey? other) => other is not null && _compressed.AsSpan().SequenceEqual(other._compressed);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_compressed, 1);
}
