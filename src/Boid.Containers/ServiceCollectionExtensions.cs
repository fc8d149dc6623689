using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Containers;

/// <summary>Registration of the Docker container runner.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IContainerRunner"/> as a singleton <see cref="DockerContainerRunner"/>, with
    /// <see cref="DockerRunnerOptions"/> validated at start. Bind the options (section <c>Boid:Containers</c>)
    /// in <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddBoidContainers(this IServiceCollection services, Action<OptionsBuilder<DockerRunnerOptions>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<DockerRunnerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DockerRunnerOptions>, DockerRunnerOptionsValidator>());
        configure?.Invoke(builder);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContainerRunner>(provider => new DockerContainerRunner(
            provider.GetRequiredService<IOptions<DockerRunnerOptions>>(),
            provider.GetRequiredService<ILogger<DockerContainerRunner>>(),
            provider.GetRequiredService<TimeProvider>()));
        return services;
    }
}
