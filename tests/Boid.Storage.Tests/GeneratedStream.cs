using System.Buffers.Binary;

namespace Boid.Storage.Tests;

/// <summary>
/// A forward-only, non-seekable source: wraps another stream, or generates <c>length</c> pseudo-random bytes
/// on the fly (never held in memory) so multi-GiB transfers can be tested.
/// </summary>
internal sealed class GeneratedStream : Stream
{
    private readonly Stream? _inner;
    private readonly long _length;
    private long _position;
    private ulong _state;

    public GeneratedStream(Stream inner) => _inner = inner;

    public GeneratedStream(long length, ulong seed)
    {
        _length = length;
        _state = seed | 1;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_inner is not null)
        {
            return _inner.Read(buffer);
        }

        var count = (int)Math.Min(buffer.Length, _length - _position);
        var i = 0;
        while (i < count)
        {
            if (_position % 8 == 0 && count - i >= 8)
            {
                Next();
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], _state);
                i += 8;
                _position += 8;
                continue;
            }

            if (_position % 8 == 0)
            {
                Next();
            }

            buffer[i++] = (byte)(_state >> (int)(_position % 8 * 8));
            _position++;
        }

        return count;
    }

    private void Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
    }
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
