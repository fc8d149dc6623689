using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Boid.Examples.Tests;

/// <summary>A decoded 8-bit RGB PNG (what the examples' amalgamation steps write: filter 0 rows, no interlace).</summary>
public sealed class Png
{
    private readonly byte[] _rgb;

    private Png(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    public (int R, int G, int B) this[int x, int y]
    {
        get
        {
            var o = 3 * ((y * Width) + x);
            return (_rgb[o], _rgb[o + 1], _rgb[o + 2]);
        }
    }

    public static Png Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(signature), $"{path} is not a PNG");
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var kind = Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            if (kind == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.True(data[8] == 8 && data[9] == 2 && data[12] == 0, $"{path}: expected 8-bit RGB, not interlaced");
            }
            else if (kind == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        var stride = (3 * width) + 1;
        Assert.Equal(stride * height, rows.Length);
        var rgb = new byte[3 * width * height];
        for (var y = 0; y < height; y++)
        {
            Assert.True(rows[y * stride] == 0, $"{path}: row {y} uses PNG filter {rows[y * stride]}; the examples write filter 0");
            Buffer.BlockCopy(rows, (y * stride) + 1, rgb, 3 * width * y, 3 * width);
        }

        return new Png(width, height, rgb);
    }
}
