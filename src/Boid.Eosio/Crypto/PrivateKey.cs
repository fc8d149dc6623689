using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace Boid.Eosio;

/// <summary>
/// A K1 (secp256k1) private key. Parsed from <c>PVT_K1_…</c> or legacy WIF (<c>5…</c>); usually loaded with
/// <see cref="KeyLoader"/>. <see cref="ToString"/> shows only the public key; the secret text is available
/// only through the explicitly named <see cref="ToSecretString"/> and <see cref="ToWif"/>.
/// </summary>
public sealed class PrivateKey : IDisposable
{
    private const string Prefix = "PVT_K1_";
    private readonly byte[] _secret;
    private readonly ECPrivKey _key;
    private bool _disposed;

    private PrivateKey(byte[] secret, ECPrivKey key)
    {
        _secret = secret;
        _key = key;
        PublicKey = PublicKey.FromPoint(key.CreatePubKey());
    }

    /// <summary>The matching public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>Parses <c>PVT_K1_…</c> or a legacy WIF key.</summary>
    /// <param name="text">The key text (surrounding whitespace is ignored).</param>
    /// <returns>The key.</returns>
    /// <exception cref="AntelopeKeyException">Not a valid K1 private key; the message never contains the text.</exception>
    public static PrivateKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> trimmed = text.AsSpan().Trim();
        byte[] secret;
        if (trimmed.StartsWith(Prefix, StringComparison.Ordinal))
        {
            secret = Crypto.KeyText.DecodeRipemd(trimmed[Prefix.Length..], "K1", 32, "private key");
        }
        else if (trimmed.StartsWith("PVT_", StringComparison.Ordinal))
        {
            throw new AntelopeKeyException("Unsupported private key type: only K1 keys are supported.");
        }
        else
        {
            secret = Crypto.KeyText.DecodeWif(trimmed);
        }

        try
        {
            return FromBytes(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Creates a key from its 32 secret bytes (copied).</summary>
    /// <param name="secret">The secret scalar, big-endian.</param>
    /// <returns>The key.</returns>
    /// <exception cref="AntelopeKeyException">Not a valid secp256k1 secret (zero or ≥ the curve order).</exception>
    public static PrivateKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != 32 || !ECPrivKey.TryCreate(secret, Context.Instance, out ECPrivKey? key) || key is null)
        {
            throw new AntelopeKeyException("Invalid private key: not a valid secp256k1 secret.");
        }

        return new PrivateKey(secret.ToArray(), key);
    }

    /// <summary>Generates a new random key.</summary>
    /// <returns>The key.</returns>
    public static PrivateKey Generate()
    {
        Span<byte> secret = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(secret);
            if (ECPrivKey.TryCreate(secret, Context.Instance, out ECPrivKey? key) && key is not null)
            {
                var result = new PrivateKey(secret.ToArray(), key);
                CryptographicOperations.ZeroMemory(secret);
                return result;
            }
        }
    }

    /// <summary>
    /// Signs a 32-byte digest with a canonical recoverable signature. Like Antelope's own signer, it retries
    /// with an attempt counter fed into the RFC 6979 nonce until the signature is canonical, so the result is
    /// deterministic for a key and digest.
    /// </summary>
    /// <param name="digest">The 32-byte digest (for a transaction: <see cref="Transaction.SigningDigest"/>).</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public Signature SignDigest(ReadOnlySpan<byte> digest)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (digest.Length != 32)
        {
            throw new ArgumentException("The digest must be 32 bytes.", nameof(digest));
        }

        Span<byte> rs = stackalloc byte[64];
        for (uint attempt = 1; attempt < 10_000; attempt++)
        {
            if (!_key.TrySignECDSA(digest, new CountedNonceFunction(attempt), out int recoveryId, out SecpECDSASignature? sig) || sig is null)
            {
                continue;
            }

            sig.WriteCompactToSpan(rs);
            if (Signature.IsCanonicalCompact(rs))
            {
                return Signature.FromCompact(rs, recoveryId);
            }
        }

        throw new AntelopeException("Could not produce a canonical signature.");
    }

    /// <summary>The secret in <c>PVT_K1_…</c> text form. Handle the result as a secret.</summary>
    /// <returns>The secret key text.</returns>
    public string ToSecretString()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Crypto.KeyText.EncodeRipemd(Prefix, _secret, "K1");
    }

    /// <summary>The secret in legacy WIF form. Handle the result as a secret.</summary>
    /// <returns>The WIF text.</returns>
    public string ToWif()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Crypto.KeyText.EncodeWif(_secret);
    }

    /// <summary>Describes the key by its public key only.</summary>
    /// <returns><c>PrivateKey(PUB_K1_…)</c>.</returns>
    public override string ToString() => $"PrivateKey({PublicKey})";

    /// <summary>Clears the secret bytes held by this object.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_secret);
            _key.Dispose();
        }
    }

    /// <summary>RFC 6979 with the attempt number added to libsecp256k1's counter, as Antelope's fc signer does.</summary>
    private sealed class CountedNonceFunction(uint attempt) : INonceFunction
    {
        public bool TryGetNonce(Span<byte> nonce32, ReadOnlySpan<byte> msg32, ReadOnlySpan<byte> key32, ReadOnlySpan<byte> algo16, uint counter) =>
            RFC6979NonceFunction.Instance.TryGetNonce(nonce32, msg32, key32, algo16, counter + attempt);
    }
}
