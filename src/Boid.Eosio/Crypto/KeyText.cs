using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using SimpleBase;

namespace Boid.Eosio.Crypto;

/// <summary>
/// Base58 text forms of keys and signatures with their checksums: base58 (Bitcoin alphabet) from SimpleBase, RIPEMD-160
/// from BouncyCastle (.NET on Linux has none).
/// </summary>
internal static class KeyText
{
    public static string EncodeRipemd(string prefix, ReadOnlySpan<byte> data, string suffix)
    {
        byte[] checksum = RipemdChecksum(data, suffix);
        var buffer = new byte[data.Length + 4];
        data.CopyTo(buffer);
        checksum.AsSpan(0, 4).CopyTo(buffer.AsSpan(data.Length));
        return prefix + Base58.Bitcoin.Encode(buffer);
    }

    /// <summary>Decodes base58 text with a ripemd160(data ‖ suffix) checksum; the error names only <paramref name="what"/>.</summary>
    public static byte[] DecodeRipemd(ReadOnlySpan<char> text, string suffix, int length, string what)
    {
        byte[] raw = TryDecode(text) ?? throw new AntelopeKeyException($"Invalid {what}: not base58 text.");
        if (raw.Length != length + 4)
        {
            throw new AntelopeKeyException($"Invalid {what}: expected {length} bytes and a 4-byte checksum, got {raw.Length} bytes.");
        }

        byte[] checksum = RipemdChecksum(raw.AsSpan(0, length), suffix);
        if (!checksum.AsSpan(0, 4).SequenceEqual(raw.AsSpan(length, 4)))
        {
            throw new AntelopeKeyException($"Invalid {what}: checksum mismatch.");
        }

        return raw[..length];
    }

    public static string EncodeWif(ReadOnlySpan<byte> secret)
    {
        var buffer = new byte[37];
        buffer[0] = 0x80;
        secret.CopyTo(buffer.AsSpan(1));
        byte[] check = SHA256.HashData(SHA256.HashData(buffer.AsSpan(0, 33)));
        check.AsSpan(0, 4).CopyTo(buffer.AsSpan(33));
        string text = Base58.Bitcoin.Encode(buffer);
        CryptographicOperations.ZeroMemory(buffer);
        return text;
    }

    public static byte[] DecodeWif(ReadOnlySpan<char> text)
    {
        byte[] raw = TryDecode(text) ?? throw new AntelopeKeyException("Invalid legacy (WIF) private key: not base58 text.");
        try
        {
            if (raw.Length != 37 || raw[0] != 0x80)
            {
                throw new AntelopeKeyException("Invalid legacy (WIF) private key: expected version byte 0x80, 32 bytes and a 4-byte checksum.");
            }

            byte[] check = SHA256.HashData(SHA256.HashData(raw.AsSpan(0, 33)));
            if (!check.AsSpan(0, 4).SequenceEqual(raw.AsSpan(33, 4)))
            {
                throw new AntelopeKeyException("Invalid legacy (WIF) private key: checksum mismatch.");
            }

            return raw[1..33];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static byte[] RipemdChecksum(ReadOnlySpan<byte> data, string suffix)
    {
        var buffer = new byte[data.Length + suffix.Length];
        data.CopyTo(buffer);
        Encoding.ASCII.GetBytes(suffix, buffer.AsSpan(data.Length));
        byte[] hash = Ripemd160(buffer);
        CryptographicOperations.ZeroMemory(buffer);
        return hash;
    }

    internal static byte[] Ripemd160(ReadOnlySpan<byte> data)
    {
        var digest = new RipeMD160Digest();
        digest.BlockUpdate(data);
        var hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash);
        return hash;
    }

    /// <summary>Decodes base58; null on a character outside the alphabet (the caller words the error without echoing the text).</summary>
    private static byte[]? TryDecode(ReadOnlySpan<char> text)
    {
        // SimpleBase 5.6 looks characters up in a 128-entry table and throws IndexOutOfRangeException past ASCII.
        if (!Ascii.IsValid(text))
        {
            return null;
        }

        var buffer = new byte[Base58.Bitcoin.GetSafeByteCountForDecoding(text)];
        return Base58.Bitcoin.TryDecode(text, buffer, out int written) ? buffer[..written] : null;
    }
}
