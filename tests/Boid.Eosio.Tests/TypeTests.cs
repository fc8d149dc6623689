using System.Text.Json.Nodes;
using Boid.Eosio.Serialization;

namespace Boid.Eosio.Tests;

public sealed class NameTests
{
    [Theory]
    [InlineData("", 0UL)]
    [InlineData("eosio", 0x5530EA0000000000UL)]
    [InlineData("eosio.token", 0x5530EA033482A600UL)]
    [InlineData("zzzzzzzzzzzzj", 0xFFFFFFFFFFFFFFFFUL)]
    public void Parse_ValidName_EncodesAndRoundTrips(string text, ulong value)
    {
        Name sut = Name.Parse(text);

        Assert.Equal(value, sut.Value);
        Assert.Equal(text, sut.ToString());
        Assert.Equal(sut, new Name(value));
    }

    [Theory]
    [InlineData("Alice", "invalid character 'A' at position 1")]
    [InlineData("alice6", "invalid character '6' at position 6")]
    [InlineData("al ice", "invalid character ' '")]
    [InlineData("abcdefghijklmn", "too long")]
    [InlineData("abcdefghijklz", "13th character")]
    [InlineData("alice.", "trailing dots")]
    public void Parse_InvalidName_ThrowsWithTheRule(string text, string expected)
    {
        AntelopeFormatException ex = Assert.Throws<AntelopeFormatException>(() => Name.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.False(Name.TryParse(text, out _));
    }

    [Fact]
    public void CompareTo_Names_SortByEncoding()
    {
        Assert.True(Name.Parse("a").CompareTo(Name.Parse("b")) < 0);
        Assert.True(Name.Parse("a.b").CompareTo(Name.Parse("a")) > 0);
    }
}

public sealed class AssetTests
{
    [Theory]
    [InlineData("1.0000 EOS", 10000L, 4, "EOS")]
    [InlineData("-0.0500 BOID", -500L, 4, "BOID")]
    [InlineData("7 WAX", 7L, 0, "WAX")]
    [InlineData("0.000000000000000001 TINY", 1L, 18, "TINY")]
    [InlineData("4611686018427387903 MAX", 4611686018427387903L, 0, "MAX")]
    public void Parse_ValidAsset_ReadsAmountAndSymbolAndFormatsBack(string text, long amount, int precision, string code)
    {
        Asset sut = Asset.Parse(text);

        Assert.Equal(amount, sut.Amount);
        Assert.Equal(precision, sut.Symbol.Precision);
        Assert.Equal(code, sut.Symbol.Code.ToString());
        Assert.Equal(text, sut.ToString());
    }

    [Theory]
    [InlineData("1.0000", "must be 'amount SYMBOL'")]
    [InlineData("1.0000 eos", "invalid character 'e'")]
    [InlineData("1.0000 TOOLONGX", "1 to 7 characters")]
    [InlineData("1.2.3 EOS", "invalid amount")]
    [InlineData("1. EOS", "invalid amount")]
    [InlineData("abc EOS", "invalid amount")]
    [InlineData("1.0000000000000000000 EOS", "above the maximum precision of 18")]
    [InlineData("4611686018427387904 EOS", "out of range")]
    public void Parse_InvalidAsset_ThrowsNamingTheProblem(string text, string expected)
    {
        AntelopeFormatException ex = Assert.Throws<AntelopeFormatException>(() => Asset.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4,EOS")]
    [InlineData("0,A")]
    public void SymbolParse_Valid_RoundTrips(string text) => Assert.Equal(text, Symbol.Parse(text).ToString());

    [Theory]
    [InlineData("EOS", "must be 'precision,CODE'")]
    [InlineData("19,EOS", "above the maximum of 18")]
    [InlineData("4,", "1 to 7 characters")]
    public void SymbolParse_Invalid_Throws(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<AntelopeFormatException>(() => Symbol.Parse(text)).Message, StringComparison.Ordinal);
}

public sealed class VarIntTests
{
    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7f")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "ac02")]
    [InlineData(16383u, "ff7f")]
    [InlineData(16384u, "808001")]
    [InlineData(uint.MaxValue, "ffffffff0f")]
    public void VarUInt32_EdgeValues_EncodeAndDecode(uint value, string hex)
    {
        var w = new AntelopeWriter();
        w.WriteVarUInt32(value);

        Assert.Equal(hex, Convert.ToHexStringLower(w.WrittenSpan));
        var r = new AntelopeReader(Convert.FromHexString(hex));
        Assert.Equal(value, r.ReadVarUInt32());
        Assert.Equal(0, r.Remaining);
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(-64, "7f")]
    [InlineData(64, "8001")]
    [InlineData(int.MaxValue, "feffffff0f")]
    [InlineData(int.MinValue, "ffffffff0f")]
    public void VarInt32_EdgeValues_ZigZag(int value, string hex)
    {
        var w = new AntelopeWriter();
        w.WriteVarInt32(value);

        Assert.Equal(hex, Convert.ToHexStringLower(w.WrittenSpan));
        var r = new AntelopeReader(Convert.FromHexString(hex));
        Assert.Equal(value, r.ReadVarInt32());
    }

    [Theory]
    [InlineData("ffffffff1f", "does not fit in 32 bits")]
    [InlineData("ffffffffff01", "does not fit in 32 bits")]
    [InlineData("80", "Unexpected end of data")]
    public void ReadVarUInt32_Malformed_Throws(string hex, string expected)
    {
        AntelopeFormatException ex = Assert.Throws<AntelopeFormatException>(() =>
        {
            var r = new AntelopeReader(Convert.FromHexString(hex));
            r.ReadVarUInt32();
        });

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_VarUInt32OutOfRange_ThrowsNamingType()
    {
        AbiException ex = Assert.Throws<AbiException>(() => TestAbi.Serializer.Serialize("varuint32", JsonValue.Create(-1)));

        Assert.Equal("varuint32", ex.TypeName);
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class AbiSerializerTests
{
    private static readonly AbiSerializer Sut = TestAbi.Serializer;

    [Fact]
    public void Serialize_WrongFieldType_ErrorNamesPathAndType()
    {
        JsonObject batch = TestAbi.RecordBatch(3);
        batch["records"]![2]!["worker"] = "Bad.Worker";

        AbiException ex = Assert.Throws<AbiException>(() => Sut.SerializeActionData("recordbatch", batch));

        Assert.Equal("records[2].worker", ex.Path);
        Assert.Equal("name", ex.TypeName);
        Assert.Contains("'records[2].worker' (type 'name')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid character 'B'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_MissingField_ErrorNamesField()
    {
        JsonObject batch = TestAbi.RecordBatch(1);
        batch["records"]![0]!.AsObject().Remove("micros");

        AbiException ex = Assert.Throws<AbiException>(() => Sut.SerializeActionData("recordbatch", batch));

        Assert.Equal("records[0].micros", ex.Path);
        Assert.Contains("missing field 'micros' of struct 'worker_rec'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_UnknownField_ErrorListsFields()
    {
        JsonObject batch = TestAbi.RecordBatch(1);
        batch["dispatchr"] = "typo";

        AbiException ex = Assert.Throws<AbiException>(() => Sut.SerializeActionData("recordbatch", batch));

        Assert.Contains("no field 'dispatchr'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dispatcher, records, memo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_OptionalMemberMissing_EncodesAbsent()
    {
        JsonObject batch = TestAbi.RecordBatch(0);
        batch.Remove("memo");

        Assert.Equal(Sut.SerializeActionData("recordbatch", TestAbi.RecordBatch(0)), Sut.SerializeActionData("recordbatch", batch));
    }

    [Theory]
    [InlineData("uint8", "256", "out of range")]
    [InlineData("int64", "\"12x\"", "is not an integer")]
    [InlineData("checksum256", "\"abcd\"", "expected 32 bytes")]
    [InlineData("bytes", "\"abc\"", "odd number of digits")]
    [InlineData("bool", "1", "expected true or false")]
    [InlineData("asset", "\"1.0 eos\"", "invalid character 'e'")]
    [InlineData("item_variant", "[\"int64\", 1]", "not one of the variant's types")]
    [InlineData("no_such_type", "1", "unknown type")]
    [InlineData("string", "null", "null or missing")]
    [InlineData("name[]", "\"alice\"", "expected a JSON array")]
    public void Serialize_BadValue_ThrowsAbiException(string type, string json, string expected)
    {
        AbiException ex = Assert.Throws<AbiException>(() => Sut.Serialize(type, JsonNode.Parse(json)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"structs":[{"name":"s","base":"","fields":[{"name":"f","type":"nosuch"}]}]}""", "Struct 's' field 'f' has unknown type 'nosuch'")]
    [InlineData("""{"structs":[{"name":"s","base":"t","fields":[]}]}""", "Struct 's' has base 't', which is not a struct")]
    [InlineData("""{"types":[{"new_type_name":"a","type":"b"}]}""", "Type alias 'a' refers to unknown type 'b'")]
    [InlineData("""{"types":[{"new_type_name":"a","type":"b"},{"new_type_name":"b","type":"a"}]}""", "unknown type")]
    [InlineData("""{"structs":[{"name":"s","fields":[]},{"name":"s","fields":[]}]}""", "defines 's' more than once")]
    [InlineData("""{"actions":[{"name":"go","type":"missing"}]}""", "Action 'go' has unknown type 'missing'")]
    [InlineData("""{"actions":[{"name":"Go","type":"string"}]}""", "ABI action 'Go' is not a valid name")]
    [InlineData("""{"variants":[{"name":"v","types":["x"]}]}""", "Variant 'v' has unknown alternative type 'x'")]
    [InlineData("""{"structs":[{"name":"a","base":"b","fields":[]},{"name":"b","base":"a","fields":[]}]}""", "cycle")]
    [InlineData("""{"structs": 5}""", "ABI JSON is malformed")]
    public void Constructor_InconsistentAbi_ThrowsNamingTheDefinition(string json, string expected)
    {
        AbiException ex = Assert.Throws<AbiException>(() => AbiSerializer.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_TruncatedData_ErrorNamesPath()
    {
        byte[] bytes = Sut.SerializeActionData("recordbatch", TestAbi.RecordBatch(2));

        AbiException ex = Assert.Throws<AbiException>(() => Sut.DeserializeActionData("recordbatch", bytes.AsSpan(0, bytes.Length - 9)));

        Assert.Equal("records[1].micros", ex.Path);
    }

    [Fact]
    public void Deserialize_ExtraBytes_Throws() =>
        Assert.Contains("left over", Assert.Throws<AbiException>(() => Sut.Deserialize("uint8", [1, 2])).Message, StringComparison.Ordinal);

    [Fact]
    public void Deserialize_WideIntegers_FollowNodeosJson()
    {
        Assert.Equal("4294967295", Sut.Deserialize("uint64", Sut.Serialize("uint64", 4294967295u))!.ToJsonString());
        Assert.Equal("\"4294967296\"", Sut.Deserialize("uint64", Sut.Serialize("uint64", 4294967296L))!.ToJsonString());
    }

    [Fact]
    public void RoundTrip_RecordBatch_GivesSameJson()
    {
        JsonObject batch = TestAbi.RecordBatch(3);

        JsonNode? back = Sut.DeserializeActionData("recordbatch", Sut.SerializeActionData("recordbatch", batch));

        Assert.True(JsonNode.DeepEquals(batch, back), back?.ToJsonString());
    }

    [Fact]
    public void Serialize_ClrObject_UsesJsonPropertyNames()
    {
        var record = new WorkerRecord("worker1", new string('a', 64), 5);

        Assert.Equal(
            Sut.Serialize("worker_rec", new JsonObject { ["worker"] = "worker1", ["unit_id"] = new string('a', 64), ["micros"] = 5 }),
            Sut.Serialize("worker_rec", record));
    }

    [Fact]
    public void Serialize_ExtensionAfterMissingExtension_Throws()
    {
        var abi = AbiSerializer.Parse("""{"structs":[{"name":"s","fields":[{"name":"a","type":"uint8$"},{"name":"b","type":"uint8$"}]}]}""");

        Assert.Equal([], abi.Serialize("s", new JsonObject()));
        Assert.Contains("earlier extension field 'a'", Assert.Throws<AbiException>(() => abi.Serialize("s", new JsonObject { ["b"] = 1 })).Message, StringComparison.Ordinal);
        Assert.Equal("{}", abi.Deserialize("s", [])!.ToJsonString());
    }

    private sealed record WorkerRecord(
        [property: System.Text.Json.Serialization.JsonPropertyName("worker")] string Worker,
        [property: System.Text.Json.Serialization.JsonPropertyName("unit_id")] string UnitId,
        [property: System.Text.Json.Serialization.JsonPropertyName("micros")] ulong Micros);
}
