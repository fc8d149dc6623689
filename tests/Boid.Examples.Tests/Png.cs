using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Boid.Examples.Tests;

/// <summary>
/// A decoded 8-bit PNG (grey, grey + alpha, RGB or RGBA; not interlaced), the kinds matplotlib writes.
/// Reading it checks what makes it a valid PNG: the signature, every chunk's CRC, the zlib stream and
/// the row filters.
/// </summary>
public sealed class Png
{
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    }).ToArray();

    private readonly byte[] _rgba;

    private Png(int width, int height, byte[] rgba)
    {
        Width = width;
        Height = height;
        _rgba = rgba;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The colour at (x, y), x to the right and y down from the top left corner.</summary>
    public (int R, int G, int B) this[int x, int y]
    {
        get
        {
            var o = 4 * ((y * Width) + x);
            return (_rgba[o], _rgba[o + 1], _rgba[o + 2]);
        }
    }

    public int Alpha(int x, int y) => _rgba[(4 * ((y * Width) + x)) + 3];

    public static Png Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(bytes.Length > 8 && bytes.AsSpan(0, 8).SequenceEqual(signature), $"{path} is not a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var ended = false;
        for (var at = 8; at < bytes.Length && !ended;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var kind = Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + length));
            Assert.True(crc == Crc(bytes.AsSpan(at + 4, 4 + length)), $"{path}: chunk {kind} at {at} fails its CRC");
            switch (kind)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    channels = data[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
                    Assert.True(data[8] == 8 && channels > 0 && data[12] == 0, $"{path}: expected 8 bits per sample, grey or RGB with or without alpha, not interlaced");
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }

            at += 12 + length;
        }

        Assert.True(ended && width > 0 && height > 0, $"{path}: no IHDR or no IEND");
        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        var stride = (channels * width) + 1;
        Assert.Equal(stride * height, rows.Length);
        var samples = Unfilter(rows, width, height, channels, path);
        var rgba = new byte[4 * width * height];
        for (var p = 0; p < width * height; p++)
        {
            var s = p * channels;
            (byte r, byte g, byte b, byte a) = channels switch
            {
                1 => (samples[s], samples[s], samples[s], (byte)255),
                2 => (samples[s], samples[s], samples[s], samples[s + 1]),
                3 => (samples[s], samples[s + 1], samples[s + 2], (byte)255),
                _ => (samples[s], samples[s + 1], samples[s + 2], samples[s + 3]),
            };
            (rgba[4 * p], rgba[(4 * p) + 1], rgba[(4 * p) + 2], rgba[(4 * p) + 3]) = (r, g, b, a);
        }

        return new Png(width, height, rgba);
    }

    /// <summary>The PNG row filters (None, Sub, Up, Average, Paeth) undone, one byte per sample.</summary>
    private static byte[] Unfilter(byte[] rows, int width, int height, int channels, string path)
    {
        var line = channels * width;
        var samples = new byte[line * height];
        for (var y = 0; y < height; y++)
        {
            var filter = rows[y * (line + 1)];
            Assert.True(filter <= 4, $"{path}: row {y} has unknown filter {filter}");
            for (var i = 0; i < line; i++)
            {
                int x = rows[(y * (line + 1)) + 1 + i];
                int a = i >= channels ? samples[(y * line) + i - channels] : 0;
                int b = y > 0 ? samples[((y - 1) * line) + i] : 0;
                int c = i >= channels && y > 0 ? samples[((y - 1) * line) + i - channels] : 0;
                samples[(y * line) + i] = (byte)(filter switch
                {
                    0 => x,
                    1 => x + a,
                    2 => x + b,
                    3 => x + ((a + b) / 2),
                    _ => x + Paeth(a, b, c),
                });
            }
        }

        return samples;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var d in data)
        {
            c = CrcTable[(c ^ d) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFFu;
    }
}
