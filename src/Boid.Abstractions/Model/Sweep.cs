namespace Boid.Abstractions.Model;

/// <summary>
/// The units of a job: the cartesian product of its parameters (the last varies fastest), or a plain
/// count when there are none. Units are never materialised: <see cref="ParametersOf"/> decodes an index.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.Sweep")]
public sealed record Sweep
{
    [Id(0)] public IReadOnlyList<SweepParameter> Parameters { get; init; } = [];
    /// <summary>Number of units when there are no parameters.</summary>
    [Id(1)] public long Count { get; init; } = 1;

    public long UnitCount => Parameters.Count == 0 ? Count : Parameters.Aggregate(1L, (n, p) => checked(n * p.Length));

    public IReadOnlyDictionary<string, string> ParametersOf(long unitIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unitIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unitIndex, UnitCount);
        var values = new Dictionary<string, string>(Parameters.Count + 1) { ["unit"] = unitIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var rest = unitIndex;
        for (var i = Parameters.Count - 1; i >= 0; i--)
        {
            var parameter = Parameters[i];
            values[parameter.Name] = parameter.ValueAt(rest % parameter.Length);
            rest /= parameter.Length;
        }

        return values;
    }
}
