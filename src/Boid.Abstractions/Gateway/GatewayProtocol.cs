using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boid.Abstractions.Gateway;

/// <summary>
/// The wire protocol of the dispatcher's gateway (<c>/gateway/v1</c>), shared by the dispatcher and the remote
/// worker so that both compute the same signing digest. See docs/volunteer.md.
/// </summary>
public static class GatewayProtocol
{
    public const string Prefix = "/gateway/v1";

    /// <summary>The K1 signature (<c>SIG_K1_…</c>) over <see cref="SessionDigest"/> of the exact body bytes.</summary>
    public const string SignatureHeader = "X-Boid-Signature";

    /// <summary>Hex SHA-256 of an uploaded file, checked by the dispatcher.</summary>
    public const string Sha256Header = "X-Boid-Sha256";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What a session request's signature covers: a domain tag and the body, so a signature made for anything else never verifies here.</summary>
    public static byte[] SessionDigest(ReadOnlySpan<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData("boid-gateway-v1 session\n"u8);
        sha.AppendData(body);
        return sha.GetHashAndReset();
    }

    /// <summary>The architecture a worker advertises: <c>linux-x64</c>, <c>linux-arm64</c>, …</summary>
    public static string CurrentArchitecture() =>
        "linux-" + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    public static bool IsSafeRelativePath(string path) =>
        path.Length is > 0 and <= 1024
        && !path.StartsWith('/')
        && path.Split('/').All(part => part.Length > 0 && part != "." && part != ".."
            && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '='));

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
