using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;

namespace Boid.Grains.Specs;

/// <summary>The checks that need the cluster: the protocol's accepted images and the size limit.</summary>
public static class JobSpecValidator
{
    /// <exception cref="BoidException">The job cannot run under this protocol or on this cluster.</exception>
    public static void Validate(JobSpec spec, ProtocolSpec protocol, DispatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(options);
        if (!protocol.AcceptsImage(spec.Image))
        {
            throw BoidException.Invalid("image", $"'{spec.Image}' is not accepted by protocol '{protocol.Name}' (accepted: {string.Join(", ", protocol.Images)})");
        }

        if (spec.Amalgamate is { } amalgamate && !protocol.AcceptsImage(amalgamate.Image))
        {
            throw BoidException.Invalid("amalgamate.image", $"'{amalgamate.Image}' is not accepted by protocol '{protocol.Name}' (accepted: {string.Join(", ", protocol.Images)})");
        }

        var units = spec.Sweep.UnitCount;
        if (units > options.MaxUnitsPerJob)
        {
            throw new BoidException(BoidErrorKind.LimitExceeded,
                $"{(spec.Sweep.Parameters.Count > 0 ? "sweep" : "units")}: expands to {units:N0} units, more than this cluster's maximum of {options.MaxUnitsPerJob:N0} per job",
                spec.Sweep.Parameters.Count > 0 ? "sweep" : "units");
        }
    }
}
