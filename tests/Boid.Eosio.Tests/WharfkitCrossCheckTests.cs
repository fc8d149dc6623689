using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Boid.Eosio.Tests;

/// <summary>Byte-for-byte and signature cross-checks against @wharfkit/antelope (run with node at test time).</summary>
public sealed class WharfkitCrossCheckTests
{
    private static readonly PermissionLevel[] Auth = [PermissionLevel.Parse("boiddispatch@active")];

    private static (string Type, JsonNode? Value)[] Cases()
    {
        using PrivateKey key = PrivateKey.Parse(TestAbi.DevPrivateKeyWif);
        string sig = key.SignDigest(SHA256.HashData("boid"u8)).ToString();
        return
        [
            ("bool", false),
            ("int8", -1), ("uint8", 0), ("int16", 12345), ("uint16", 1), ("int32", -1), ("uint32", 123456789),
            ("int64", "-1"), ("int64", 4294967296L), ("uint64", "18446744073709551615"), ("uint64", 0),
            ("int128", "-1"), ("uint128", "18446744073709551616"),
            ("varint32", 0), ("varint32", -1), ("varint32", 2147483647), ("varint32", -2147483648),
            ("varuint32", 0), ("varuint32", 127), ("varuint32", 128), ("varuint32", 16384), ("varuint32", 4294967295u),
            ("float32", -0.25), ("float64", 3.141592653589793),
            ("time_point", "1970-01-01T00:00:00.000"), ("time_point", "2026-11-28T19:11:00.123"),
            ("time_point_sec", "2106-02-07T06:28:15"), ("block_timestamp_type", "2000-01-01T00:00:00.000"),
            ("name", ""), ("name", "a"), ("name", "eosio.token"), ("name", "12345abcdefgj"), ("name", "zzzzzzzzzzzzj"),
            ("bytes", ""), ("bytes", "deadbeef"),
            ("string", ""), ("string", new string('x', 200)), ("string", "日本語 ✓"),
            ("checksum160", new string('1', 40)), ("checksum256", new string('f', 64)), ("checksum512", new string('e', 128)),
            ("public_key", TestAbi.DevPublicKey), ("signature", sig),
            ("symbol", "0,A"), ("symbol", "18,ABCDEFG"), ("symbol_code", "ZZZZZZZ"),
            ("asset", "0.0000 EOS"), ("asset", "-0.0001 EOS"), ("asset", "100 WAX"), ("asset", "1.000000000000000000 PRECISE"),
            ("extended_asset", new JsonObject { ["quantity"] = "1.0000 EOS", ["contract"] = "eosio.token" }),
            ("name[]", new JsonArray("a", "b")), ("uint8?", null), ("uint8?", 5), ("string[]?", new JsonArray("x")),
            ("names", new JsonArray("alias.type")), ("account_name", "aliased"),
            ("item_variant", new JsonArray("uint32", 5)), ("item_variant", new JsonArray("string", "s")),
            ("allkinds", TestAbi.AllKinds(withExtension: true, sig)),
            ("allkinds", TestAbi.AllKinds(withExtension: false, sig)),
            ("recordbatch", TestAbi.RecordBatch(3)),
            ("recordbatch", TestAbi.RecordBatch(0)),
            ("worker_rec[]", new JsonArray()),
        ];
    }

    [Fact]
    public void Serialize_EveryType_MatchesWharfkitBytesBothWays()
    {
        (string Type, JsonNode? Value)[] cases = Cases();
        var request = new JsonObject
        {
            ["abi"] = JsonNode.Parse(TestAbi.Json),
            ["encode"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject { ["type"] = c.Type, ["value"] = c.Value?.DeepClone() }).ToArray()),
        };

        JsonObject answer = Wharfkit.Run(request);

        var encoded = answer["encoded"]!.AsArray();
        for (int i = 0; i < cases.Length; i++)
        {
            (string type, JsonNode? value) = cases[i];
            string? theirs = encoded[i] is JsonValue v ? v.GetValue<string>() : null;
            Assert.True(theirs is not null, $"wharfkit could not encode {type} {value?.ToJsonString()}: {encoded[i]?.ToJsonString()}");
            string ours = Convert.ToHexStringLower(TestAbi.Serializer.Serialize(type, value));
            Assert.True(theirs == ours, $"{type} {value?.ToJsonString()}: wharfkit {theirs} vs Boid.Eosio {ours}");

            // The other way: our decoder reads wharfkit's bytes back to a value that encodes identically.
            JsonNode? decoded = TestAbi.Serializer.Deserialize(type, Convert.FromHexString(theirs));
            Assert.Equal(theirs, Convert.ToHexStringLower(TestAbi.Serializer.Serialize(type, decoded)));
        }
    }

    [Fact]
    public void Decode_BoidBytes_WharfkitReadsSameValues()
    {
        string sig;
        using (PrivateKey key = PrivateKey.Parse(TestAbi.DevPrivateKeyWif))
        {
            sig = key.SignDigest(SHA256.HashData("x"u8)).ToString();
        }

        byte[] bytes = TestAbi.Serializer.Serialize("allkinds", TestAbi.AllKinds(withExtension: true, sig));
        JsonObject answer = Wharfkit.Run(new JsonObject
        {
            ["abi"] = JsonNode.Parse(TestAbi.Json),
            ["decode"] = new JsonArray(new JsonObject { ["type"] = "allkinds", ["hex"] = Convert.ToHexStringLower(bytes) }),
        });

        JsonObject theirs = answer["decoded"]![0]!.AsObject();
        JsonObject ours = TestAbi.Serializer.Deserialize("allkinds", bytes)!.AsObject();
        foreach (string field in new[] { "id", "n", "owner", "s", "c256", "sym", "symc", "a", "by", "tps", "pk", "sig", "i64", "u64", "opt" })
        {
            Assert.True(
                string.Equals(Text(theirs[field]), Text(ours[field]), StringComparison.Ordinal),
                $"field {field}: wharfkit {theirs[field]?.ToJsonString()} vs Boid.Eosio {ours[field]?.ToJsonString()}");
        }

        Assert.Equal("99", Text(theirs["ext"]));
    }

    [Fact]
    public void ActionsAndTransactions_MatchWharfkitBytesIdsAndDigests()
    {
        var actions = new[]
        {
            ChainAction.Create(TestAbi.Serializer, "clusterjobs", "recordbatch", Auth, TestAbi.RecordBatch(4)),
            ChainAction.Create(TestAbi.Serializer, "clusterjobs", "recordbatch", [PermissionLevel.Parse("alice@active"), PermissionLevel.Parse("bob@owner")], TestAbi.RecordBatch(1)),
        };
        var transactions = new[]
        {
            new Transaction { Expiration = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000), RefBlockNum = 0xbeef, RefBlockPrefix = 0xdeadbeef, Actions = actions },
            new Transaction
            {
                Expiration = DateTimeOffset.FromUnixTimeSeconds(1), RefBlockNum = 0, RefBlockPrefix = 0,
                MaxNetUsageWords = 1000, MaxCpuUsageMs = 50, DelaySec = 3, Actions = [actions[1]],
                Extensions = [new TransactionExtension(1, [1, 2, 3])],
            },
        };

        var request = new JsonObject
        {
            ["abi"] = JsonNode.Parse(TestAbi.Json),
            ["actions"] = new JsonArray(
                new JsonObject
                {
                    ["account"] = "clusterjobs", ["name"] = "recordbatch",
                    ["authorization"] = new JsonArray(new JsonObject { ["actor"] = "boiddispatch", ["permission"] = "active" }),
                    ["data"] = TestAbi.RecordBatch(4),
                }),
            ["transactions"] = new JsonArray(transactions.Select(t => (JsonNode)new JsonObject
            {
                ["transaction"] = WharfkitTransaction(t),
                ["chainId"] = TestAbi.ChainId,
            }).ToArray()),
        };

        JsonObject answer = Wharfkit.Run(request);

        Assert.Equal(answer["actionHex"]![0]!.GetValue<string>(), Convert.ToHexStringLower(actions[0].Serialize()));
        for (int i = 0; i < transactions.Length; i++)
        {
            JsonNode theirs = answer["transactionsOut"]![i]!;
            Assert.True(theirs["hex"] is not null, $"wharfkit failed: {theirs.ToJsonString()}");
            Assert.Equal(theirs["hex"]!.GetValue<string>(), Convert.ToHexStringLower(transactions[i].Serialize()));
            Assert.Equal(theirs["id"]!.GetValue<string>(), transactions[i].GetId());
            Assert.Equal(theirs["digest"]!.GetValue<string>(), Convert.ToHexStringLower(transactions[i].SigningDigest(TestAbi.ChainId)));
            Assert.Equal(transactions[i], Transaction.Deserialize(Convert.FromHexString(theirs["hex"]!.GetValue<string>())));
        }
    }

    [Fact]
    public void KeyConversions_MatchWharfkit()
    {
        PrivateKey[] keys = [PrivateKey.Parse(TestAbi.DevPrivateKeyWif), PrivateKey.Generate(), PrivateKey.Generate(), PrivateKey.Generate()];
        try
        {
            var request = new JsonObject
            {
                ["privateKeys"] = new JsonArray(keys.Select((k, i) => (JsonNode)(i % 2 == 0 ? k.ToWif() : k.ToSecretString())).ToArray()),
                ["publicKeys"] = new JsonArray(keys.Select((k, i) => (JsonNode)(i % 2 == 0 ? k.PublicKey.ToLegacyString() : k.PublicKey.ToString())).ToArray()),
            };

            JsonObject answer = Wharfkit.Run(request);

            for (int i = 0; i < keys.Length; i++)
            {
                JsonNode theirs = answer["privateKeysOut"]![i]!;
                Assert.Equal(theirs["pvt"]!.GetValue<string>(), keys[i].ToSecretString());
                Assert.Equal(theirs["wif"]!.GetValue<string>(), keys[i].ToWif());
                Assert.Equal(theirs["pub"]!.GetValue<string>(), keys[i].PublicKey.ToString());
                Assert.Equal(theirs["legacy"]!.GetValue<string>(), keys[i].PublicKey.ToLegacyString());
                JsonNode pub = answer["publicKeysOut"]![i]!;
                Assert.Equal(pub["pub"]!.GetValue<string>(), keys[i].PublicKey.ToString());
                Assert.Equal(pub["legacy"]!.GetValue<string>(), keys[i].PublicKey.ToLegacyString());

                // And back: our parser reads wharfkit's texts.
                Assert.Equal(keys[i].PublicKey, PrivateKey.Parse(theirs["pvt"]!.GetValue<string>()).PublicKey);
                Assert.Equal(keys[i].PublicKey, PrivateKey.Parse(theirs["wif"]!.GetValue<string>()).PublicKey);
                Assert.Equal(keys[i].PublicKey, PublicKey.Parse(theirs["legacy"]!.GetValue<string>()));
            }

            Assert.Equal(TestAbi.DevPublicKey, keys[0].PublicKey.ToLegacyString());
        }
        finally
        {
            foreach (PrivateKey k in keys)
            {
                k.Dispose();
            }
        }
    }

    [Fact]
    public void Signatures_WharfkitRecoversBoidSigner_AndBoidRecoversWharfkitSigner()
    {
        using PrivateKey dev = PrivateKey.Parse(TestAbi.DevPrivateKeyWif);
        using PrivateKey other = PrivateKey.Generate();
        var digests = Enumerable.Range(0, 24).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToArray();
        var trx = new Transaction
        {
            Expiration = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000), RefBlockNum = 1, RefBlockPrefix = 2,
            Actions = [ChainAction.Create(TestAbi.Serializer, "clusterjobs", "recordbatch", Auth, TestAbi.RecordBatch(2))],
        };
        digests = [.. digests, trx.SigningDigest(TestAbi.ChainId)];
        PrivateKey Signer(int i) => i % 2 == 0 ? dev : other;
        Signature[] ours = digests.Select((d, i) => Signer(i).SignDigest(d)).ToArray();
        Assert.All(ours, s => Assert.True(s.IsCanonical));

        var request = new JsonObject
        {
            ["recover"] = new JsonArray(digests.Select((d, i) => (JsonNode)new JsonObject
            {
                ["digest"] = Convert.ToHexStringLower(d),
                ["signature"] = ours[i].ToString(),
            }).ToArray()),
            ["sign"] = new JsonArray(digests.Select((d, i) => (JsonNode)new JsonObject
            {
                ["key"] = Signer(i).ToSecretString(),
                ["digest"] = Convert.ToHexStringLower(d),
            }).ToArray()),
        };

        JsonObject answer = Wharfkit.Run(request);

        for (int i = 0; i < digests.Length; i++)
        {
            JsonNode recovered = answer["recovered"]![i]!;
            Assert.Equal(Signer(i).PublicKey.ToString(), recovered["pub"]!.GetValue<string>());
            Assert.True(recovered["verified"]!.GetValue<bool>());

            var theirs = Signature.Parse(answer["signed"]![i]!.GetValue<string>());
            Assert.Equal(Signer(i).PublicKey, theirs.RecoverPublicKey(digests[i]));
            Assert.True(Signer(i).PublicKey.Verify(digests[i], theirs));
            Assert.Equal(answer["signed"]![i]!.GetValue<string>(), theirs.ToString());
        }
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static JsonObject WharfkitTransaction(Transaction t)
    {
        JsonObject json = t.ToJson();
        json["transaction_extensions"] = new JsonArray(t.Extensions.Select(e => (JsonNode)new JsonObject
        {
            ["type"] = e.Type,
            ["data"] = Convert.ToHexStringLower(e.Data),
        }).ToArray());
        return json;
    }
}
