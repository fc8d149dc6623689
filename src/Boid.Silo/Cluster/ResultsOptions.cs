namespace Boid.Silo.Cluster;

/// <summary>The result store every silo of a multi-machine cluster shares, bound from <c>Boid:Results</c> (flag <c>--results</c>).</summary>
public sealed class ResultsOptions
{
    public const string SectionName = "Boid:Results";

    /// <summary>A folder every silo sees (a shared mount); unset: the cluster's store (<see cref="Hosting.StoreOptions"/>).</summary>
    public string? Directory { get; set; }
}
