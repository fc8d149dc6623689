using Boid.Abstractions.Model;

namespace Boid.Abstractions.Grains;

/// <summary>A protocol's registry entry, keyed by its Antelope name.</summary>
public interface IProtocolGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the protocol.</summary>
    Task<ProtocolSpec> SetAsync(ProtocolSpec spec);

    /// <summary>The protocol, or null when none has this name.</summary>
    Task<ProtocolSpec?> GetAsync();
}
