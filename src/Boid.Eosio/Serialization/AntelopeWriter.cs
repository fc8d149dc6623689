using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Boid.Eosio.Serialization;

/// <summary>Little-endian writer for Antelope's binary encoding.</summary>
internal sealed class AntelopeWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteByte(byte value) => _buffer.Write([value]);

    public void WriteBytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteUInt128(UInt128 value)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(_buffer.GetSpan(16), value);
        _buffer.Advance(16);
    }

    public void WriteFloat32(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteFloat64(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteVarUInt32(uint value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            if (value != 0)
            {
                b |= 0x80;
            }

            WriteByte(b);
        }
        while (value != 0);
    }

    /// <summary>Zig-zag encoded, as Antelope's <c>signed_int</c>.</summary>
    public void WriteVarInt32(int value) => WriteVarUInt32((uint)((value << 1) ^ (value >> 31)));

    public void WriteSizedBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt32((uint)value.Length);
        WriteBytes(value);
    }

    public void WriteString(string value) => WriteSizedBytes(Encoding.UTF8.GetBytes(value));

    public void WriteName(Name value) => WriteUInt64(value.Value);
}
