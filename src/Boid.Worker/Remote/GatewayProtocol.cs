using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boid.Grains.Model;

namespace Boid.Worker.Remote;

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

/// <summary><c>GET /gateway/v1/info</c>: who the dispatcher is (its id goes into every signed session request) and its limits.</summary>
public sealed record GatewayInfo
{
    public required string DispatcherId { get; init; }
    public DateTimeOffset ServerTime { get; init; }
    public TimeSpan TokenTtl { get; init; }
    public TimeSpan ClockSkew { get; init; }
    public int MaxConcurrentLeases { get; init; }
    public int DailyQuota { get; init; }
    public long MaxUploadBytes { get; init; }
}

/// <summary>What a worker says about its machine.</summary>
public sealed record WorkerCapabilities
{
    public int Cores { get; init; }
    public long MemoryBytes { get; init; }
    public string Architecture { get; init; } = "";
    public int Gpus { get; init; }
    public int Slots { get; init; }
}

/// <summary>
/// <c>POST /gateway/v1/sessions</c> (register): signed with the account's key. The timestamp must be within the
/// dispatcher's clock skew, the nonce is single-use, and the dispatcher id stops a request captured at one
/// dispatcher from being replayed at another.
/// </summary>
public sealed record SessionRequest
{
    public required string Account { get; init; }
    public required string PublicKey { get; init; }
    public required string DispatcherId { get; init; }
    public long TimestampMs { get; init; }
    public required string Nonce { get; init; }
    public required WorkerCapabilities Capabilities { get; init; }
}

public sealed record SessionResponse
{
    public required string Token { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public bool Trusted { get; init; }
    public int MaxConcurrentLeases { get; init; }
    public int DailyQuotaLeft { get; init; }
}

public sealed record LeaseRequest
{
    public int Max { get; init; }
}

public sealed record LeaseResponse
{
    public IReadOnlyList<UnitAssignment> Leases { get; init; } = [];
}

public sealed record LeaseAnswer
{
    public bool Current { get; init; }
}

public sealed record HeartbeatRequest
{
    public int Running { get; init; }
}

public sealed record ReportAnswer
{
    public ReportDisposition Disposition { get; init; }
}

/// <summary>One file of a manifest (outputs uploaded, or inputs to download).</summary>
public sealed record ManifestFile
{
    public required string Path { get; init; }
    public long Length { get; init; }
    public required string Sha256 { get; init; }
}

public sealed record Manifest
{
    public IReadOnlyList<ManifestFile> Files { get; init; } = [];
}
