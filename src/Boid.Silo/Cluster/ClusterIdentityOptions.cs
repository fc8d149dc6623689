namespace Boid.Silo.Cluster;

/// <summary>Which cluster this silo belongs to on a shared PostgreSQL database, bound from <c>Boid:Cluster</c>.</summary>
public sealed class ClusterIdentityOptions
{
    public const string SectionName = "Boid:Cluster";

    /// <summary>Orleans' cluster id: silos with the same id form one cluster.</summary>
    /// <value>Default <c>boid</c>.</value>
    public string Id { get; set; } = "boid";

    /// <summary>Orleans' service id: grain state and reminders are keyed by it, so it must stay the same across deployments.</summary>
    /// <value>Default <c>boid</c>.</value>
    public string ServiceId { get; set; } = "boid";
}
