using Boid.Storage.WebHdfs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> the WebHDFS store uses (redirects off, no overall timeout).</summary>
    public const string WebHdfsHttpClientName = "Boid.Storage.WebHdfs";

    /// <summary>
    /// Registers <see cref="WebHdfsBlobStore"/> as a singleton with validated <see cref="WebHdfsOptions"/>
    /// (checked at start). Bind them with <c>configure: o =&gt; o.BindConfiguration(WebHdfsOptions.SectionName)</c>.
    /// </summary>
    public static IServiceCollection AddBoidWebHdfsStore(this IServiceCollection services, Action<OptionsBuilder<WebHdfsOptions>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<WebHdfsOptions>();
        configure?.Invoke(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebHdfsOptions>, WebHdfsOptionsValidator>());
        services.AddHttpClient(WebHdfsHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(WebHdfsBlobStore.CreateHttpHandler)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WebHdfsBlobStore(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebHdfsHttpClientName),
            sp.GetRequiredService<IOptions<WebHdfsOptions>>().Value,
            sp.GetService<ILogger<WebHdfsBlobStore>>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
