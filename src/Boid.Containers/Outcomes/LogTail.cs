using System.Text;

namespace Boid.Containers.Outcomes;

/// <summary>Keeps the last N bytes written to it: a ring buffer.</summary>
internal sealed class LogTail(int capacity)
{
    private readonly byte[] _buffer = new byte[Math.Max(capacity, 0)];
    private long _written;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        if (data.Length >= _buffer.Length)
        {
            // Only the end survives; the ring then starts at index 0 and is full.
            data[^_buffer.Length..].CopyTo(_buffer);
            _written = 2L * _buffer.Length;
            return;
        }

        var position = (int)(_written % _buffer.Length);
        var first = Math.Min(data.Length, _buffer.Length - position);
        data[..first].CopyTo(_buffer.AsSpan(position));
        data[first..].CopyTo(_buffer);
        _written += data.Length;
    }

    public override string ToString()
    {
        if (_written <= _buffer.Length)
        {
            return Encoding.UTF8.GetString(_buffer, 0, (int)_written);
        }

        var start = (int)(_written % _buffer.Length);
        var ordered = new byte[_buffer.Length];
        _buffer.AsSpan(start).CopyTo(ordered);
        _buffer.AsSpan(0, start).CopyTo(ordered.AsSpan(_buffer.Length - start));
        return Encoding.UTF8.GetString(ordered);
    }
}
