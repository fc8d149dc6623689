namespace Boid.Silo.Hosting;

/// <summary>This silo's endpoints, bound from <c>Boid:Silo</c> (flags <c>--silo-port</c>, <c>--gateway-port</c>, <c>--advertise</c>, <c>--dispatcher-silo</c>).</summary>
public sealed class SiloEndpointOptions
{
    public const string SectionName = "Boid:Silo";

    /// <summary>The port other silos reach this one on.</summary>
    /// <value>Default 11111.</value>
    public int Port { get; set; } = 11111;

    /// <summary>The port Orleans clients (the gateway) connect to.</summary>
    /// <value>Default 30000.</value>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>One machine (development clustering): the silo endpoint (<c>host:port</c>) to join; null when this silo is the primary.</summary>
    public string? Primary { get; set; }

    /// <summary>Several machines: the address other silos reach this one at (an IP or a host name); default: the first non-loopback IPv4 address.</summary>
    public string? AdvertisedAddress { get; set; }
}
