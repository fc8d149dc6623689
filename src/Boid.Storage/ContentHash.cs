using System.Security.Cryptography;

namespace Boid.Storage;

/// <summary>SHA-256 content hashes as lower-case hex: the identity of content across every backend.</summary>
public static class ContentHash
{
    public const string Algorithm = "SHA-256";

    /// <summary>Hashes a stream from its current position to its end.</summary>
    public static async Task<string> ComputeSha256Async(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Hashes bytes in memory (small content such as job records).</summary>
    public static string ComputeSha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>True for 64 lower-case hex characters.</summary>
    public static bool IsSha256(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>Checks that <paramref name="value"/> is a SHA-256 hex string and returns it lower-cased.</summary>
    /// <exception cref="StorageInvalidArgumentException">It is not.</exception>
    public static string CheckSha256(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lower = value.ToLowerInvariant();
        return IsSha256(lower) ? lower : throw new StorageInvalidArgumentException($"'{value}' is not a SHA-256 hash (64 hex characters)");
    }
}

/// <summary>
/// A read-only, forward-only wrapper that hashes (SHA-256) and counts the bytes read through it. With an
/// expected hash it verifies at end of stream and throws a <see cref="StorageException"/> of kind
/// <see cref="StorageErrorKind.Integrity"/> on a mismatch, so a reader never silently accepts bad content.
/// </summary>
public sealed class HashingStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly string? _expectedSha256;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _sha256;

    public HashingStream(Stream inner, string? expectedSha256 = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _leaveOpen = leaveOpen;
        _expectedSha256 = expectedSha256 is null ? null : ContentHash.CheckSha256(expectedSha256);
    }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The SHA-256 of everything read; available once the end was reached.</summary>
    public string Sha256 => _sha256 ?? throw new InvalidOperationException("the stream has not been read to its end");

    public bool Completed => _sha256 is not null;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        return Account(buffer[..read], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read], buffer.Length);
    }

    private int Account(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            _hash.AppendData(data);
            BytesRead += data.Length;
        }
        else if (requested > 0 && _sha256 is null)
        {
            _sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (_expectedSha256 is not null && _sha256 != _expectedSha256)
            {
                throw new StorageException(StorageErrorKind.Integrity,
                    $"content hash mismatch: expected sha256 {_expectedSha256}, read {_sha256} ({BytesRead} bytes)");
            }
        }

        return data.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
