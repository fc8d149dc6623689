namespace Boid.Abstractions.Model;

/// <summary>One sweep dimension: an explicit list of values, or an integer range <c>from..to</c> (inclusive) by <c>step</c>.</summary>
[GenerateSerializer, Immutable, Alias("boid.SweepParameter")]
public sealed record SweepParameter
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public IReadOnlyList<string>? Values { get; init; }
    [Id(2)] public long From { get; init; }
    [Id(3)] public long To { get; init; }
    [Id(4)] public long Step { get; init; } = 1;

    public long Length => Values?.Count ?? ((To - From) / Step) + 1;

    public string ValueAt(long index) =>
        Values is { } list ? list[(int)index] : (From + (index * Step)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
