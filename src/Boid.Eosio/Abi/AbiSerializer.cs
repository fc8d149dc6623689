using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Boid.Eosio.Serialization;

namespace Boid.Eosio;

/// <summary>
/// Encodes JSON values to Antelope binary and back, driven by an <see cref="AbiDefinition"/>.
/// Values are <see cref="JsonNode"/>s in nodeos' JSON conventions: names, assets, keys, times and 64-bit
/// integers as strings (numbers are accepted too), bytes and checksums as hex, optionals as null, variants as
/// <c>["type", value]</c>, structs as objects (unknown members are an error; a trailing binary-extension
/// field <c>T$</c> may be left out). The instance is immutable and thread-safe.
/// </summary>
public sealed class AbiSerializer
{
    private static readonly HashSet<string> BuiltinTypes =
    [
        "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "int128", "uint128",
        "varint32", "varuint32", "float32", "float64", "float128", "time_point", "time_point_sec",
        "block_timestamp_type", "name", "bytes", "string", "checksum160", "checksum256", "checksum512",
        "public_key", "signature", "symbol", "symbol_code", "asset", "extended_asset",
    ];

    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AbiStruct> _structs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AbiVariant> _variants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AbiField>> _allFields = new(StringComparer.Ordinal);
    private readonly Dictionary<Name, string> _actions = [];
    private readonly Dictionary<Name, string> _tables = [];

    /// <summary>Checks the ABI for consistency and prepares it for use.</summary>
    /// <param name="abi">The ABI.</param>
    /// <exception cref="AbiException">
    /// A name is defined twice, or a struct field, base, alias, variant, action or table refers to an unknown
    /// type; the message names the struct, field and type.
    /// </exception>
    public AbiSerializer(AbiDefinition abi)
    {
        ArgumentNullException.ThrowIfNull(abi);
        Abi = abi;
        foreach (AbiTypeAlias alias in abi.Types)
        {
            Define(alias.NewTypeName, "type alias");
            _aliases[alias.NewTypeName] = alias.Type;
        }

        foreach (AbiStruct s in abi.Structs)
        {
            Define(s.Name, "struct");
            _structs[s.Name] = s;
        }

        foreach (AbiVariant v in abi.Variants)
        {
            Define(v.Name, "variant");
            _variants[v.Name] = v;
        }

        foreach (AbiTypeAlias alias in abi.Types)
        {
            Require(alias.Type, $"Type alias '{alias.NewTypeName}' refers to unknown type '{alias.Type}'.");
        }

        foreach (AbiStruct s in abi.Structs)
        {
            _allFields[s.Name] = CollectFields(s);
            foreach (AbiField f in s.Fields)
            {
                Require(f.Type, $"Struct '{s.Name}' field '{f.Name}' has unknown type '{f.Type}'.");
            }
        }

        foreach (AbiVariant v in abi.Variants)
        {
            foreach (string t in v.Types)
            {
                Require(t, $"Variant '{v.Name}' has unknown alternative type '{t}'.");
            }
        }

        foreach (AbiAction a in abi.Actions)
        {
            Name name = ParseAbiName(a.Name, "action");
            Require(a.Type, $"Action '{a.Name}' has unknown type '{a.Type}'.");
            _actions[name] = a.Type;
        }

        foreach (AbiTable t in abi.Tables)
        {
            Name name = ParseAbiName(t.Name, "table");
            Require(t.Type, $"Table '{t.Name}' has unknown row type '{t.Type}'.");
            _tables[name] = t.Type;
        }
    }

    /// <summary>The ABI this serializer was built from.</summary>
    public AbiDefinition Abi { get; }

    /// <summary>Parses ABI JSON and builds a serializer for it.</summary>
    /// <param name="abiJson">The ABI JSON text.</param>
    /// <returns>The serializer.</returns>
    /// <exception cref="AbiException">The JSON is malformed or the ABI inconsistent.</exception>
    public static AbiSerializer Parse(string abiJson) => new(AbiDefinition.Parse(abiJson));

    /// <summary>The data type of an action.</summary>
    /// <param name="action">The action name.</param>
    /// <returns>The type name.</returns>
    /// <exception cref="AbiException">The ABI has no such action.</exception>
    public string GetActionType(Name action) =>
        _actions.TryGetValue(action, out string? type) ? type : throw new AbiException($"The ABI has no action '{action}'.", null, null);

    /// <summary>The row type of a table.</summary>
    /// <param name="table">The table name.</param>
    /// <returns>The type name.</returns>
    /// <exception cref="AbiException">The ABI has no such table.</exception>
    public string GetTableType(Name table) =>
        _tables.TryGetValue(table, out string? type) ? type : throw new AbiException($"The ABI has no table '{table}'.", null, null);

    /// <summary>Encodes an action's data.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="data">The data as JSON (an object for a struct type).</param>
    /// <returns>The binary data.</returns>
    /// <exception cref="AbiException">Unknown action, or the data does not fit its type (the message names the field).</exception>
    public byte[] SerializeActionData(Name action, JsonNode? data) => Serialize(GetActionType(action), data);

    /// <summary>Decodes an action's data.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="data">The binary data.</param>
    /// <returns>The data as JSON.</returns>
    /// <exception cref="AbiException">Unknown action, or the bytes do not decode as its type.</exception>
    public JsonNode? DeserializeActionData(Name action, ReadOnlySpan<byte> data) => Deserialize(GetActionType(action), data);

    /// <summary>Encodes a value of an ABI type.</summary>
    /// <param name="type">A built-in or ABI-defined type, with optional <c>[]</c>, <c>?</c>, <c>$</c>.</param>
    /// <param name="value">The value as JSON.</param>
    /// <returns>The binary encoding.</returns>
    /// <exception cref="AbiException">The type is unknown or the value does not fit it; <see cref="AbiException.Path"/> names the value.</exception>
    public byte[] Serialize(string type, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        var writer = new AntelopeWriter();
        Write(writer, type, value, string.Empty);
        return writer.ToArray();
    }

    /// <summary>
    /// Encodes a .NET object of an ABI type, by first converting it to JSON with System.Text.Json
    /// (use <c>[JsonPropertyName]</c> for snake_case field names, or pass a <see cref="JsonObject"/>).
    /// </summary>
    /// <typeparam name="T">The object's type.</typeparam>
    /// <param name="type">The ABI type.</param>
    /// <param name="value">The object.</param>
    /// <returns>The binary encoding.</returns>
    /// <exception cref="AbiException">The value does not fit the type.</exception>
    public byte[] Serialize<T>(string type, T value) => Serialize(type, value as JsonNode ?? JsonSerializer.SerializeToNode(value));

    /// <summary>Decodes a value of an ABI type; all bytes must be consumed.</summary>
    /// <param name="type">The type.</param>
    /// <param name="data">The binary data.</param>
    /// <returns>The value as JSON.</returns>
    /// <exception cref="AbiException">The bytes do not decode as the type, or bytes are left over.</exception>
    public JsonNode? Deserialize(string type, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        var reader = new AntelopeReader(data);
        JsonNode? value = Read(ref reader, type, string.Empty);
        if (reader.Remaining != 0)
        {
            throw new AbiException($"Decoding {type}: {reader.Remaining} bytes left over after the value.", string.Empty, type);
        }

        return value;
    }

    private static Name ParseAbiName(string text, string what)
    {
        try
        {
            return Name.Parse(text);
        }
        catch (AntelopeFormatException ex)
        {
            throw new AbiException($"ABI {what} '{text}' is not a valid name: {ex.Message}", null, text, ex);
        }
    }

    private static string Display(string path, string type) => path.Length == 0 ? $"value of type '{type}'" : $"'{path}' (type '{type}')";

    private static AbiException Error(string path, string type, string problem, Exception? inner = null) =>
        new($"Cannot encode {Display(path, type)}: {problem}", path, type, inner);

    private static AbiException ReadError(string path, string type, string problem, Exception? inner = null) =>
        new($"Cannot decode {Display(path, type)}: {problem}", path, type, inner);

    private void Define(string name, string kind)
    {
        if (BuiltinTypes.Contains(name))
        {
            throw new AbiException($"ABI {kind} '{name}' redefines a built-in type.", null, name);
        }

        if (_aliases.ContainsKey(name) || _structs.ContainsKey(name) || _variants.ContainsKey(name))
        {
            throw new AbiException($"ABI defines '{name}' more than once.", null, name);
        }
    }

    private void Require(string type, string message)
    {
        if (!IsKnown(type, 0))
        {
            throw new AbiException(message, null, type);
        }
    }

    private bool IsKnown(string type, int depth)
    {
        if (depth > 32)
        {
            return false;
        }

        string core = StripModifiers(type);
        if (BuiltinTypes.Contains(core) || _structs.ContainsKey(core) || _variants.ContainsKey(core))
        {
            return true;
        }

        return _aliases.TryGetValue(core, out string? target) && IsKnown(target, depth + 1);
    }

    private static string StripModifiers(string type)
    {
        while (true)
        {
            if (type.EndsWith('$') || type.EndsWith('?'))
            {
                type = type[..^1];
            }
            else if (type.EndsWith("[]", StringComparison.Ordinal))
            {
                type = type[..^2];
            }
            else
            {
                return type;
            }
        }
    }

    private List<AbiField> CollectFields(AbiStruct s)
    {
        var chain = new List<AbiStruct>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (AbiStruct? current = s; current is not null;)
        {
            if (!seen.Add(current.Name))
            {
                throw new AbiException($"Struct '{s.Name}' has a cycle in its base structs.", null, s.Name);
            }

            chain.Add(current);
            if (string.IsNullOrEmpty(current.Base))
            {
                current = null;
            }
            else
            {
                string baseName = ResolveAlias(current.Base);
                current = _structs.TryGetValue(baseName, out AbiStruct? b)
                    ? b
                    : throw new AbiException($"Struct '{current.Name}' has base '{current.Base}', which is not a struct.", null, current.Base);
            }
        }

        chain.Reverse();
        return chain.SelectMany(c => c.Fields).ToList();
    }

    private string ResolveAlias(string type)
    {
        for (int i = 0; i < 32 && _aliases.TryGetValue(type, out string? target); i++)
        {
            type = target;
        }

        return type;
    }

    private void Write(AntelopeWriter w, string type, JsonNode? value, string path)
    {
        if (type.EndsWith('$'))
        {
            Write(w, type[..^1], value, path);
            return;
        }

        if (type.EndsWith('?'))
        {
            if (value is null)
            {
                w.WriteByte(0);
                return;
            }

            w.WriteByte(1);
            Write(w, type[..^1], value, path);
            return;
        }

        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            if (value is not JsonArray array)
            {
                throw Error(path, type, $"expected a JSON array, got {Kind(value)}.");
            }

            string element = type[..^2];
            w.WriteVarUInt32((uint)array.Count);
            for (int i = 0; i < array.Count; i++)
            {
                Write(w, element, array[i], $"{path}[{i}]");
            }

            return;
        }

        if (_aliases.TryGetValue(type, out string? target))
        {
            Write(w, target, value, path);
            return;
        }

        if (_structs.ContainsKey(type))
        {
            WriteStruct(w, type, value, path);
            return;
        }

        if (_variants.TryGetValue(type, out AbiVariant? variant))
        {
            WriteVariant(w, variant, value, path);
            return;
        }

        if (!BuiltinTypes.Contains(type))
        {
            throw Error(path, type, "unknown type.");
        }

        if (value is null)
        {
            throw Error(path, type, "value is null or missing (only optional 'T?' types accept null).");
        }

        try
        {
            WriteBuiltin(w, type, value, path);
        }
        catch (AntelopeFormatException ex)
        {
            throw Error(path, type, ex.Message, ex);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw Error(path, type, $"{ex.Message}", ex);
        }
    }

    private void WriteStruct(AntelopeWriter w, string type, JsonNode? value, string path)
    {
        if (value is not JsonObject obj)
        {
            throw Error(path, type, $"expected a JSON object for struct '{type}', got {Kind(value)}.");
        }

        List<AbiField> fields = _allFields[type];
        foreach (KeyValuePair<string, JsonNode?> member in obj)
        {
            if (!fields.Any(f => f.Name == member.Key))
            {
                throw Error(path, type, $"struct '{type}' has no field '{member.Key}' (fields: {string.Join(", ", fields.Select(f => f.Name))}).");
            }
        }

        string? missingExtension = null;
        foreach (AbiField field in fields)
        {
            string fieldPath = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            bool present = obj.TryGetPropertyValue(field.Name, out JsonNode? fieldValue);
            if (field.Type.EndsWith('$'))
            {
                if (!present)
                {
                    missingExtension ??= field.Name;
                    continue;
                }

                if (missingExtension is not null)
                {
                    throw Error(fieldPath, field.Type, $"binary extension field '{field.Name}' is set but the earlier extension field '{missingExtension}' is not.");
                }
            }
            else if (!present && !field.Type.EndsWith('?'))
            {
                throw Error(fieldPath, field.Type, $"missing field '{field.Name}' of struct '{type}'.");
            }

            Write(w, field.Type, fieldValue, fieldPath);
        }
    }

    private void WriteVariant(AntelopeWriter w, AbiVariant variant, JsonNode? value, string path)
    {
        if (value is not JsonArray { Count: 2 } pair || pair[0] is not JsonValue tag || tag.GetValueKind() != JsonValueKind.String)
        {
            throw Error(path, variant.Name, $"expected a variant as [\"type\", value], got {Kind(value)}.");
        }

        string alternative = tag.GetValue<string>();
        int index = -1;
        for (int i = 0; i < variant.Types.Count; i++)
        {
            if (variant.Types[i] == alternative)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw Error(path, variant.Name, $"'{alternative}' is not one of the variant's types ({string.Join(", ", variant.Types)}).");
        }

        w.WriteVarUInt32((uint)index);
        Write(w, alternative, pair[1], path);
    }

    private static void WriteBuiltin(AntelopeWriter w, string type, JsonNode value, string path)
    {
        switch (type)
        {
            case "bool":
                w.WriteBool(value.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FormatException($"expected true or false, got {Kind(value)}."),
                });
                break;
            case "int8": w.WriteByte((byte)(sbyte)Integer(value, sbyte.MinValue, sbyte.MaxValue)); break;
            case "uint8": w.WriteByte((byte)Integer(value, byte.MinValue, byte.MaxValue)); break;
            case "int16": w.WriteUInt16((ushort)(short)Integer(value, short.MinValue, short.MaxValue)); break;
            case "uint16": w.WriteUInt16((ushort)Integer(value, ushort.MinValue, ushort.MaxValue)); break;
            case "int32": w.WriteUInt32((uint)(int)Integer(value, int.MinValue, int.MaxValue)); break;
            case "uint32": w.WriteUInt32((uint)Integer(value, uint.MinValue, uint.MaxValue)); break;
            case "int64": w.WriteUInt64((ulong)(long)Integer(value, long.MinValue, long.MaxValue)); break;
            case "uint64": w.WriteUInt64((ulong)Integer(value, ulong.MinValue, ulong.MaxValue)); break;
            case "int128": w.WriteUInt128((UInt128)(Int128)Integer(value, (BigInteger)Int128.MinValue, (BigInteger)Int128.MaxValue)); break;
            case "uint128": w.WriteUInt128((UInt128)Integer(value, BigInteger.Zero, (BigInteger)UInt128.MaxValue)); break;
            case "varint32": w.WriteVarInt32((int)Integer(value, int.MinValue, int.MaxValue)); break;
            case "varuint32": w.WriteVarUInt32((uint)Integer(value, uint.MinValue, uint.MaxValue)); break;
            case "float32": w.WriteFloat32((float)Float(value)); break;
            case "float64": w.WriteFloat64(Float(value)); break;
            case "float128": w.WriteBytes(Hex(value, 16)); break;
            case "time_point":
                w.WriteUInt64((ulong)(IsNumber(value)
                    ? (long)Integer(value, long.MinValue, long.MaxValue)
                    : AntelopeTime.ToMicroseconds(AntelopeTime.Parse(Text(value)))));
                break;
            case "time_point_sec":
                w.WriteUInt32(IsNumber(value)
                    ? (uint)Integer(value, uint.MinValue, uint.MaxValue)
                    : checked((uint)(AntelopeTime.ToMicroseconds(AntelopeTime.Parse(Text(value))) / 1_000_000)));
                break;
            case "block_timestamp_type":
                w.WriteUInt32(IsNumber(value)
                    ? (uint)Integer(value, uint.MinValue, uint.MaxValue)
                    : checked((uint)((AntelopeTime.Parse(Text(value)) - AntelopeTime.BlockTimestampEpoch).Ticks / (TimeSpan.TicksPerMillisecond * 500))));
                break;
            case "name": w.WriteName(Name.Parse(Text(value))); break;
            case "bytes": w.WriteSizedBytes(Hex(value, -1)); break;
            case "string": w.WriteString(Text(value)); break;
            case "checksum160": w.WriteBytes(Hex(value, 20)); break;
            case "checksum256": w.WriteBytes(Hex(value, 32)); break;
            case "checksum512": w.WriteBytes(Hex(value, 64)); break;
            case "public_key":
                w.WriteByte(0);
                w.WriteBytes(PublicKey.Parse(Text(value)).ToBytes());
                break;
            case "signature":
                w.WriteByte(0);
                w.WriteBytes(Signature.Parse(Text(value)).ToBytes());
                break;
            case "symbol": w.WriteUInt64(Symbol.Parse(Text(value)).Value); break;
            case "symbol_code": w.WriteUInt64(SymbolCode.Parse(Text(value)).Value); break;
            case "asset": WriteAsset(w, Asset.Parse(Text(value))); break;
            case "extended_asset":
                if (value is not JsonObject ext || !ext.TryGetPropertyValue("quantity", out JsonNode? quantity) || quantity is null
                    || !ext.TryGetPropertyValue("contract", out JsonNode? contract) || contract is null)
                {
                    throw new FormatException("expected {\"quantity\": \"1.0000 EOS\", \"contract\": \"eosio.token\"}.");
                }

                WriteAsset(w, Asset.Parse(Text(quantity)));
                w.WriteName(Name.Parse(Text(contract)));
                break;
            default:
                throw Error(path, type, "unknown built-in type.");
        }
    }

    private static void WriteAsset(AntelopeWriter w, Asset asset)
    {
        w.WriteUInt64((ulong)asset.Amount);
        w.WriteUInt64(asset.Symbol.Value);
    }

    private JsonNode? Read(ref AntelopeReader r, string type, string path)
    {
        if (type.EndsWith('$'))
        {
            return Read(ref r, type[..^1], path);
        }

        if (type.EndsWith('?'))
        {
            byte flag = Guard(ref r, path, type, static (ref AntelopeReader x) => x.ReadByte());
            return flag switch
            {
                0 => null,
                1 => Read(ref r, type[..^1], path),
                _ => throw ReadError(path, type, $"optional flag byte is {flag}, expected 0 or 1."),
            };
        }

        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            uint count = Guard(ref r, path, type, static (ref AntelopeReader x) => x.ReadVarUInt32());
            if (count > r.Remaining)
            {
                throw ReadError(path, type, $"array length {count} is larger than the {r.Remaining} bytes left.");
            }

            var array = new JsonArray();
            string element = type[..^2];
            for (int i = 0; i < count; i++)
            {
                array.Add(Read(ref r, element, $"{path}[{i}]"));
            }

            return array;
        }

        if (_aliases.TryGetValue(type, out string? target))
        {
            return Read(ref r, target, path);
        }

        if (_structs.ContainsKey(type))
        {
            var obj = new JsonObject();
            foreach (AbiField field in _allFields[type])
            {
                if (field.Type.EndsWith('$') && r.Remaining == 0)
                {
                    break;
                }

                obj[field.Name] = Read(ref r, field.Type, path.Length == 0 ? field.Name : $"{path}.{field.Name}");
            }

            return obj;
        }

        if (_variants.TryGetValue(type, out AbiVariant? variant))
        {
            uint index = Guard(ref r, path, type, static (ref AntelopeReader x) => x.ReadVarUInt32());
            if (index >= variant.Types.Count)
            {
                throw ReadError(path, type, $"variant index {index} is out of range (the variant has {variant.Types.Count} types).");
            }

            string alternative = variant.Types[(int)index];
            return new JsonArray(JsonValue.Create(alternative), Read(ref r, alternative, path));
        }

        if (!BuiltinTypes.Contains(type))
        {
            throw ReadError(path, type, "unknown type.");
        }

        try
        {
            return ReadBuiltin(ref r, type);
        }
        catch (AntelopeFormatException ex)
        {
            throw ReadError(path, type, ex.Message, ex);
        }
    }

    private delegate T ReaderFunc<T>(ref AntelopeReader reader);

    private static T Guard<T>(ref AntelopeReader r, string path, string type, ReaderFunc<T> read)
    {
        try
        {
            return read(ref r);
        }
        catch (AntelopeFormatException ex)
        {
            throw ReadError(path, type, ex.Message, ex);
        }
    }

    private static JsonNode ReadBuiltin(ref AntelopeReader r, string type)
    {
        switch (type)
        {
            case "bool": return JsonValue.Create(r.ReadBool());
            case "int8": return JsonValue.Create((sbyte)r.ReadByte());
            case "uint8": return JsonValue.Create(r.ReadByte());
            case "int16": return JsonValue.Create((short)r.ReadUInt16());
            case "uint16": return JsonValue.Create(r.ReadUInt16());
            case "int32": return JsonValue.Create((int)r.ReadUInt32());
            case "uint32": return JsonValue.Create(r.ReadUInt32());
            case "int64": return Wide((long)r.ReadUInt64());
            case "uint64": return Wide(r.ReadUInt64());
            case "int128": return JsonValue.Create(((Int128)r.ReadUInt128()).ToString(CultureInfo.InvariantCulture));
            case "uint128": return JsonValue.Create(r.ReadUInt128().ToString(CultureInfo.InvariantCulture));
            case "varint32": return JsonValue.Create(r.ReadVarInt32());
            case "varuint32": return JsonValue.Create(r.ReadVarUInt32());
            case "float32": return FloatNode(r.ReadFloat32());
            case "float64": return FloatNode(r.ReadFloat64());
            case "float128": return JsonValue.Create("0x" + Convert.ToHexStringLower(r.ReadBytes(16)));
            case "time_point": return JsonValue.Create(AntelopeTime.FormatMilliseconds(AntelopeTime.FromMicroseconds((long)r.ReadUInt64())));
            case "time_point_sec": return JsonValue.Create(AntelopeTime.FormatSeconds(DateTimeOffset.FromUnixTimeSeconds(r.ReadUInt32())));
            case "block_timestamp_type":
                return JsonValue.Create(AntelopeTime.FormatMilliseconds(AntelopeTime.BlockTimestampEpoch.AddMilliseconds(r.ReadUInt32() * 500.0)));
            case "name": return JsonValue.Create(r.ReadName().ToString());
            case "bytes": return JsonValue.Create(Convert.ToHexStringLower(r.ReadSizedBytes()));
            case "string": return JsonValue.Create(r.ReadString());
            case "checksum160": return JsonValue.Create(Convert.ToHexStringLower(r.ReadBytes(20)));
            case "checksum256": return JsonValue.Create(Convert.ToHexStringLower(r.ReadBytes(32)));
            case "checksum512": return JsonValue.Create(Convert.ToHexStringLower(r.ReadBytes(64)));
            case "public_key":
                KeyType(r.ReadByte());
                return JsonValue.Create(PublicKey.FromBytes(r.ReadBytes(33)).ToString());
            case "signature":
                KeyType(r.ReadByte());
                return JsonValue.Create(Signature.FromBytes(r.ReadBytes(65)).ToString());
            case "symbol": return JsonValue.Create(Symbol.FromValue(r.ReadUInt64()).ToString());
            case "symbol_code": return JsonValue.Create(new SymbolCode(r.ReadUInt64()).ToString());
            case "asset": return JsonValue.Create(ReadAsset(ref r).ToString());
            case "extended_asset":
                Asset quantity = ReadAsset(ref r);
                return new JsonObject { ["quantity"] = quantity.ToString(), ["contract"] = r.ReadName().ToString() };
            default:
                throw new AntelopeFormatException($"unknown built-in type '{type}'.");
        }
    }

    private static void KeyType(byte type)
    {
        if (type != 0)
        {
            throw new AntelopeFormatException($"key type {type} is not supported (only K1 = 0).");
        }
    }

    private static Asset ReadAsset(ref AntelopeReader r)
    {
        long amount = (long)r.ReadUInt64();
        return new Asset(amount, Symbol.FromValue(r.ReadUInt64()));
    }

    private static JsonNode Wide(long value) =>
        value is >= -0xffffffffL and <= 0xffffffffL ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    private static JsonNode Wide(ulong value) =>
        value <= 0xffffffffUL ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    private static JsonNode FloatNode(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => value.GetValueKind().ToString(),
        },
    };

    private static bool IsNumber(JsonNode value) => value is JsonValue && value.GetValueKind() == JsonValueKind.Number;

    private static string Text(JsonNode value) =>
        value is JsonValue && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new FormatException($"expected a string, got {Kind(value)}.");

    private static BigInteger Integer(JsonNode value, BigInteger min, BigInteger max)
    {
        string text = value is JsonValue && value.GetValueKind() == JsonValueKind.Number
            ? value.ToJsonString()
            : value is JsonValue && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>().Trim()
                : throw new FormatException($"expected an integer (number or decimal string), got {Kind(value)}.");
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger result))
        {
            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d))
            {
                result = new BigInteger(d);
            }
            else
            {
                throw new FormatException($"'{text}' is not an integer.");
            }
        }

        if (result < min || result > max)
        {
            throw new FormatException($"{text} is out of range [{min}, {max}].");
        }

        return result;
    }

    private static double Float(JsonNode value)
    {
        string text = value is JsonValue && value.GetValueKind() == JsonValueKind.Number
            ? value.ToJsonString()
            : Text(value);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double result)
            ? result
            : throw new FormatException($"'{text}' is not a number.");
    }

    private static byte[] Hex(JsonNode value, int expectedLength)
    {
        string text = Text(value);
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        if (text.Length % 2 != 0)
        {
            throw new FormatException($"hex text has an odd number of digits ({text.Length}).");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new FormatException("expected hex digits 0-9, a-f.");
        }

        if (expectedLength >= 0 && bytes.Length != expectedLength)
        {
            throw new FormatException($"expected {expectedLength} bytes ({expectedLength * 2} hex digits), got {bytes.Length}.");
        }

        return bytes;
    }
}
