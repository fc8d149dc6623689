using System.Text.Json.Nodes;

namespace Boid.Eosio.Tests;

/// <summary>A contract ABI that uses every type Boid.Eosio supports, plus values for it.</summary>
internal static class TestAbi
{
    public const string Json = """
    {
      "version": "eosio::abi/1.2",
      "types": [
        { "new_type_name": "account_name", "type": "name" },
        { "new_type_name": "names", "type": "name[]" }
      ],
      "structs": [
        { "name": "base_rec", "base": "", "fields": [ { "name": "id", "type": "uint64" } ] },
        { "name": "allkinds", "base": "base_rec", "fields": [
          { "name": "b", "type": "bool" },
          { "name": "i8", "type": "int8" },
          { "name": "u8", "type": "uint8" },
          { "name": "i16", "type": "int16" },
          { "name": "u16", "type": "uint16" },
          { "name": "i32", "type": "int32" },
          { "name": "u32", "type": "uint32" },
          { "name": "i64", "type": "int64" },
          { "name": "u64", "type": "uint64" },
          { "name": "i128", "type": "int128" },
          { "name": "u128", "type": "uint128" },
          { "name": "vi", "type": "varint32" },
          { "name": "vu", "type": "varuint32" },
          { "name": "f32", "type": "float32" },
          { "name": "f64", "type": "float64" },
          { "name": "tp", "type": "time_point" },
          { "name": "tps", "type": "time_point_sec" },
          { "name": "bts", "type": "block_timestamp_type" },
          { "name": "n", "type": "name" },
          { "name": "owner", "type": "account_name" },
          { "name": "ns", "type": "names" },
          { "name": "by", "type": "bytes" },
          { "name": "s", "type": "string" },
          { "name": "c160", "type": "checksum160" },
          { "name": "c256", "type": "checksum256" },
          { "name": "c512", "type": "checksum512" },
          { "name": "pk", "type": "public_key" },
          { "name": "sig", "type": "signature" },
          { "name": "sym", "type": "symbol" },
          { "name": "symc", "type": "symbol_code" },
          { "name": "a", "type": "asset" },
          { "name": "ea", "type": "extended_asset" },
          { "name": "assets", "type": "asset[]" },
          { "name": "opt", "type": "string?" },
          { "name": "optnone", "type": "uint32?" },
          { "name": "v", "type": "item_variant" },
          { "name": "vs", "type": "item_variant[]" },
          { "name": "ext", "type": "uint64$" }
        ] },
        { "name": "worker_rec", "base": "", "fields": [
          { "name": "worker", "type": "name" },
          { "name": "unit_id", "type": "checksum256" },
          { "name": "micros", "type": "uint64" }
        ] },
        { "name": "recordbatch", "base": "", "fields": [
          { "name": "dispatcher", "type": "name" },
          { "name": "records", "type": "worker_rec[]" },
          { "name": "memo", "type": "string?" }
        ] }
      ],
      "variants": [ { "name": "item_variant", "types": [ "uint32", "string", "worker_rec" ] } ],
      "actions": [
        { "name": "recordbatch", "type": "recordbatch", "ricardian_contract": "" },
        { "name": "allkinds", "type": "allkinds", "ricardian_contract": "" }
      ],
      "tables": [ { "name": "workers", "index_type": "i64", "key_names": [], "key_types": [], "type": "worker_rec" } ]
    }
    """;

    public const string DevPublicKey = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV";

    public const string DevPrivateKeyWif = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3";

    public const string ChainId = "8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f";

    public static AbiSerializer Serializer { get; } = AbiSerializer.Parse(Json);

    public static JsonObject AllKinds(bool withExtension, string signature)
    {
        var value = new JsonObject
        {
            ["id"] = "18446744073709551615",
            ["b"] = true,
            ["i8"] = -128,
            ["u8"] = 255,
            ["i16"] = -32768,
            ["u16"] = 65535,
            ["i32"] = -2147483648,
            ["u32"] = 4294967295u,
            ["i64"] = "-9223372036854775808",
            ["u64"] = "1234567890123",
            ["i128"] = "-170141183460469231731687303715884105728",
            ["u128"] = "340282366920938463463374607431768211455",
            ["vi"] = -5,
            ["vu"] = 300,
            ["f32"] = 1.5,
            ["f64"] = -2.25e10,
            ["tp"] = "2026-11-28T19:11:00.500",
            ["tps"] = "2026-11-28T19:11:00",
            ["bts"] = "2026-11-28T19:11:00.500",
            ["n"] = "clusterjobs",
            ["owner"] = "eosio.token",
            ["ns"] = new JsonArray("alice", "bob.x", "zzzzzzzzzzzzj"),
            ["by"] = "00ff10",
            ["s"] = "héllo, wörld ✓",
            ["c160"] = new string('a', 40),
            ["c256"] = "b" + new string('0', 62) + "1",
            ["c512"] = new string('c', 128),
            ["pk"] = DevPublicKey,
            ["sig"] = signature,
            ["sym"] = "4,BOID",
            ["symc"] = "EOS",
            ["a"] = "-1.2345 BOID",
            ["ea"] = new JsonObject { ["quantity"] = "10.000 TLOS", ["contract"] = "eosio.token" },
            ["assets"] = new JsonArray("0.0001 EOS", "4611686018427387903 MAX", "0 NIL"),
            ["opt"] = "present",
            ["optnone"] = null,
            ["v"] = new JsonArray("string", "a variant"),
            ["vs"] = new JsonArray(
                new JsonArray("uint32", 7),
                new JsonArray("worker_rec", new JsonObject { ["worker"] = "w1", ["unit_id"] = new string('d', 64), ["micros"] = 42 })),
        };
        if (withExtension)
        {
            value["ext"] = 99;
        }

        return value;
    }

    public static JsonObject RecordBatch(int records) => new()
    {
        ["dispatcher"] = "boiddispatch",
        ["records"] = new JsonArray(Enumerable.Range(0, records).Select(i => (JsonNode)new JsonObject
        {
            ["worker"] = $"worker{(i % 5) + 1}",
            ["unit_id"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
            ["micros"] = 1_000_000L * (i + 1),
        }).ToArray()),
        ["memo"] = records % 2 == 0 ? null : "batch",
    };
}
