namespace Boid.Abstractions.Model;

/// <summary>
/// One input of a job: a URI (<c>store:</c>, <c>file://</c>, <c>hdfs://</c>, <c>webhdfs://</c>, <c>swebhdfs://</c>), where it
/// appears under <c>/in</c>, and optionally the SHA-256 its content must have. URI and path may hold placeholders.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.JobInput")]
public sealed record JobInput
{
    [Id(0)] public required string Uri { get; init; }
    /// <summary>Relative path under <c>/in</c>.</summary>
    [Id(1)] public required string Path { get; init; }
    /// <summary>Expected SHA-256 (lower-case hex); null: whatever the source holds (hashed anyway, and cached by hash).</summary>
    [Id(2)] public string? Sha256 { get; init; }
}
