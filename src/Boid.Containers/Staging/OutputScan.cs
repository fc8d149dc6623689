namespace Boid.Containers.Staging;

/// <summary>What the scan after exit found: the files, or why the output is refused.</summary>
internal sealed record OutputScan(IReadOnlyList<ScannedFile> Files, string? UnsafeReason, string? TooLargeReason)
{
    public static OutputScan Unsafe(string reason) => new([], reason, null);

    public static OutputScan TooLarge(string reason) => new([], null, reason);
}
