namespace Boid.Silo.Hosting;

/// <summary>
/// The cluster's local store, bound from <c>Boid:Storage</c>: its folder when no WebHDFS is configured
/// (<c>Boid:Storage:WebHdfs</c>, <see cref="Boid.Storage.WebHdfs.WebHdfsOptions"/>).
/// </summary>
public sealed class StoreOptions
{
    public const string SectionName = "Boid:Storage";

    /// <summary>The local store's folder.</summary>
    /// <value>Default <c>{data}/results</c>.</value>
    public string? Directory { get; set; }
}
