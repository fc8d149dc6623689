using Boid.Testing.Specs;

namespace Boid.Faults.Tests;

/// <summary>Every fault test in one collection: they run one after another (2 cores, one Docker engine, real processes).</summary>
[CollectionDefinition(Name)]
public sealed class FaultsCollection
{
    public const string Name = "faults";

    /// <summary>The protocol the fault tests' busybox jobs run under.</summary>
    public static readonly string Protocol = Spec.Protocol(Name);
}
