using System.Security.Cryptography;

namespace Boid.Eosio.Tests;

public sealed class KeyTests
{
    [Fact]
    public void Ripemd160_StandardVectors()
    {
        Assert.Equal("9c1185a5c5e9fc54612808977ee8f548b2258d31", Convert.ToHexStringLower(Crypto.KeyText.Ripemd160([])));
        Assert.Equal("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc", Convert.ToHexStringLower(Crypto.KeyText.Ripemd160("abc"u8)));
        Assert.Equal("12a053384a9c0c88e405a06c27dcf49ada62eb2b", Convert.ToHexStringLower(Crypto.KeyText.Ripemd160("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8)));
        Assert.Equal("52783243c1697bdbe16d37f97f68f08325dc1528", Convert.ToHexStringLower(Crypto.KeyText.Ripemd160(new byte[1_000_000].Select(_ => (byte)'a').ToArray())));
    }

    [Fact]
    public void Parse_DevKeyWif_GivesKnownPublicKeyInBothFormats()
    {
        using PrivateKey sut = PrivateKey.Parse(TestAbi.DevPrivateKeyWif);

        Assert.Equal(TestAbi.DevPublicKey, sut.PublicKey.ToLegacyString());
        Assert.StartsWith("PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET", sut.PublicKey.ToString(), StringComparison.Ordinal);
        Assert.Equal(sut.PublicKey, PublicKey.Parse(sut.PublicKey.ToString()));
        Assert.Equal(TestAbi.DevPrivateKeyWif, sut.ToWif());
        using PrivateKey again = PrivateKey.Parse(sut.ToSecretString());
        Assert.Equal(sut.PublicKey, again.PublicKey);
    }

    [Fact]
    public void ToStringAndErrors_NeverContainSecret()
    {
        using PrivateKey sut = PrivateKey.Generate();
        string pvt = sut.ToSecretString();
        string wif = sut.ToWif();
        string[] secrets = [pvt, wif, pvt["PVT_K1_".Length..], wif[1..]];

        string shown = sut.ToString() + new PrivateKeySigner(sut);
        Assert.Contains(sut.PublicKey.ToString(), shown, StringComparison.Ordinal);

        // Corrupt the last character: the checksum fails and the message must not echo the text.
        var messages = new List<string>
        {
            Assert.Throws<AntelopeKeyException>(() => PrivateKey.Parse(pvt[..^1] + (pvt[^1] == 'a' ? 'b' : 'a'))).Message,
            Assert.Throws<AntelopeKeyException>(() => PrivateKey.Parse(wif[..^1] + (wif[^1] == 'a' ? 'b' : 'a'))).Message,
            Assert.Throws<AntelopeKeyException>(() => PrivateKey.Parse(pvt + "0")).Message,
            Assert.Throws<AntelopeKeyException>(() => PrivateKey.Parse(wif[..^2])).Message,
        };
        foreach (string message in messages.Append(shown))
        {
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(secret[..20], message, StringComparison.Ordinal);
            }
        }

        Assert.Contains("checksum mismatch", messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void KeyLoader_FromFileAndEnvironment_LoadsKeyAndHidesItInErrors()
    {
        using PrivateKey key = PrivateKey.Generate();
        string path = Path.Combine(Path.GetTempPath(), "boid-eosio-key-" + Guid.NewGuid().ToString("N"));
        string variable = "BOID_EOSIO_TEST_KEY_" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllText(path, "\n  " + key.ToSecretString() + "  \n");
            Environment.SetEnvironmentVariable(variable, key.ToWif());

            using PrivateKey fromFile = KeyLoader.FromFile(path);
            using PrivateKey fromEnv = KeyLoader.FromEnvironment(variable);

            Assert.Equal(key.PublicKey, fromFile.PublicKey);
            Assert.Equal(key.PublicKey, fromEnv.PublicKey);

            string broken = key.ToSecretString()[..^2] + "xx";
            File.WriteAllText(path, broken);
            Environment.SetEnvironmentVariable(variable, broken);
            AntelopeKeyException fileError = Assert.Throws<AntelopeKeyException>(() => KeyLoader.FromFile(path));
            AntelopeKeyException envError = Assert.Throws<AntelopeKeyException>(() => KeyLoader.FromEnvironment(variable));

            Assert.Contains(path, fileError.Message, StringComparison.Ordinal);
            Assert.Contains(variable, envError.Message, StringComparison.Ordinal);
            foreach (AntelopeKeyException ex in new[] { fileError, envError })
            {
                Assert.DoesNotContain(broken[7..27], ex.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(key.ToSecretString()[7..27], ex.ToString(), StringComparison.Ordinal);
            }

            Environment.SetEnvironmentVariable(variable, null);
            Assert.Contains("is not set", Assert.Throws<AntelopeKeyException>(() => KeyLoader.FromEnvironment(variable)).Message, StringComparison.Ordinal);
            Assert.Contains("Cannot read key file", Assert.Throws<AntelopeKeyException>(() => KeyLoader.FromFile(path + ".missing")).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void SignDigest_ManyDigests_CanonicalDeterministicAndRecoverable()
    {
        using PrivateKey sut = PrivateKey.Generate();
        for (int i = 0; i < 200; i++)
        {
            byte[] digest = SHA256.HashData(BitConverter.GetBytes(i));

            Signature signature = sut.SignDigest(digest);

            Assert.True(signature.IsCanonical);
            Assert.Equal(signature, sut.SignDigest(digest));
            Assert.Equal(sut.PublicKey, signature.RecoverPublicKey(digest));
            Assert.Equal(signature, Signature.Parse(signature.ToString()));
            Assert.False(sut.PublicKey.Verify(SHA256.HashData(digest), signature));
        }
    }

    [Fact]
    public void Parse_UnsupportedOrMalformed_Throws()
    {
        Assert.Contains("only K1", Assert.Throws<AntelopeKeyException>(() => PublicKey.Parse("PUB_R1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV")).Message, StringComparison.Ordinal);
        Assert.Throws<AntelopeKeyException>(() => PublicKey.Parse("EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CW"));
        Assert.Throws<AntelopeKeyException>(() => Signature.Parse("SIG_K1_notbase58!"));
        // Characters past ASCII are not base58 either (a session request's public key is untrusted text).
        Assert.Throws<AntelopeKeyException>(() => Signature.Parse("SIG_K1_é"));
        Assert.False(PublicKey.TryParse("PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5Cé", out _));
        Assert.Throws<AntelopeKeyException>(() => PrivateKey.Parse("PVT_K1_ü"));
        Assert.Throws<AntelopeKeyException>(() => PrivateKey.FromBytes(new byte[32]));
    }

    [Fact]
    public void Dispose_ThenSign_Throws()
    {
        PrivateKey sut = PrivateKey.Generate();
        sut.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sut.SignDigest(new byte[32]));
        Assert.Throws<ObjectDisposedException>(() => sut.ToSecretString());
    }
}
