using System.Buffers.Binary;
using System.Text;

namespace Boid.Eosio.Serialization;

/// <summary>Reader for Antelope's binary encoding; running out of data throws <see cref="AntelopeFormatException"/>.</summary>
internal ref struct AntelopeReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public AntelopeReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new AntelopeFormatException($"Unexpected end of data: needed {count} bytes at offset {_position}, {Remaining} left.");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte ReadByte() => ReadBytes(1)[0];

    public bool ReadBool()
    {
        byte b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new AntelopeFormatException($"Invalid bool byte {b} at offset {_position - 1}."),
        };
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public UInt128 ReadUInt128() => BinaryPrimitives.ReadUInt128LittleEndian(ReadBytes(16));

    public float ReadFloat32() => BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));

    public uint ReadVarUInt32()
    {
        uint value = 0;
        int shift = 0;
        while (true)
        {
            byte b = ReadByte();
            if (shift == 28 && (b & 0xf0) != 0)
            {
                throw new AntelopeFormatException($"varuint32 at offset {_position - 1} does not fit in 32 bits.");
            }

            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }

            shift += 7;
        }
    }

    public int ReadVarInt32()
    {
        uint raw = ReadVarUInt32();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    public ReadOnlySpan<byte> ReadSizedBytes()
    {
        uint length = ReadVarUInt32();
        if (length > Remaining)
        {
            throw new AntelopeFormatException($"Length prefix {length} at offset {_position} is larger than the {Remaining} bytes left.");
        }

        return ReadBytes((int)length);
    }

    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadSizedBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new AntelopeFormatException($"String ending at offset {_position} is not valid UTF-8.", ex);
        }
    }

    public Name ReadName() => new(ReadUInt64());
}
