using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Boid.Abstractions;

/// <summary>Registers <see cref="BoidNames.Clock"/>.</summary>
public static class BoidClock
{
    /// <summary>The system clock, unless one is registered already; or <paramref name="clock"/>, replacing any other (tests).</summary>
    public static IServiceCollection AddBoidClock(this IServiceCollection services, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (clock is null)
        {
            services.TryAddKeyedSingleton(BoidNames.Clock, TimeProvider.System);
        }
        else
        {
            services.AddKeyedSingleton(BoidNames.Clock, clock);
        }

        return services;
    }
}
