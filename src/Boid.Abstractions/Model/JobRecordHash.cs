using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boid.Abstractions.Model;

/// <summary>The content address of a job record: what is stored, and the hash that goes on chain (<c>newjob</c>).</summary>
public static class JobRecordHash
{
    private static readonly JsonSerializerOptions CanonicalOptions = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>
    /// sha256 (lowercase hex) of the job record's canonical JSON: the spec as System.Text.Json writes it (camelCase names),
    /// object members sorted by name (ordinal), no whitespace, UTF-8. The full record is kept in storage; only this goes on chain.
    /// </summary>
    public static string Sha256(JobSpec spec) => Convert.ToHexStringLower(SHA256.HashData(CanonicalJson(spec)));

    /// <summary>The job record's canonical JSON (UTF-8): what is stored content-addressed, and what <see cref="Sha256"/> hashes.</summary>
    public static byte[] CanonicalJson(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var node = JsonSerializer.SerializeToNode(spec, CanonicalOptions);
        var canonical = Canonicalize(node)?.ToJsonString(CanonicalOptions) ?? "null";
        return Encoding.UTF8.GetBytes(canonical);
    }

    private static JsonNode? Canonicalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonicalize(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonicalize)]),
        JsonValue v => v.DeepClone(),
        _ => null,
    };
}
