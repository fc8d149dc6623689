using Boid.Storage;
using Boid.Storage.Local;
using Boid.Storage.WebHdfs;
using Boid.Worker.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Hosting;

/// <summary>
/// The cluster's store and what sits on it (docs/storage.md): <see cref="IBlobStore"/> (a local folder, or HDFS when
/// <c>Boid:Storage:WebHdfs:NamenodeUri</c> is set), <see cref="IResultStore"/> on it (<see cref="BlobResultStore"/>),
/// the input URI resolver, and on workers the input cache.
/// </summary>
public static class StorageHosting
{
    /// <summary>The local store's folder when none is configured: <c>{data}/results</c> (where results always were).</summary>
    public static string DefaultLocalRoot(string dataDirectory) => Path.Combine(dataDirectory, "results");

    public static IServiceCollection AddBoidStorage(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection(WebHdfsOptions.SectionName)[nameof(WebHdfsOptions.NamenodeUri)] is { Length: > 0 })
        {
            services.AddBoidWebHdfsStore(o => o.BindConfiguration(WebHdfsOptions.SectionName));
            services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<WebHdfsBlobStore>());
        }
        else
        {
            var root = configuration.Bound<StoreOptions>(StoreOptions.SectionName).Directory is { Length: > 0 } configured ? Path.GetFullPath(configured) : DefaultLocalRoot(dataDirectory);
            services.AddSingleton<IBlobStore>(new LocalBlobStore(root));
        }

        services.AddSingleton<IResultStore>(sp => new BlobResultStore(sp.GetRequiredService<IBlobStore>()));
        services.AddOptions<StorageUriOptions>().BindConfiguration(StorageUriOptions.SectionName);
        services.AddHttpClient(InputsHttpClient)
            .ConfigurePrimaryHttpMessageHandler(WebHdfsBlobStore.CreateHttpHandler)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp =>
        {
            // HDFS inputs on other namenodes use this cluster's WebHDFS identity (user or delegation token), rooted at '/'.
            var own = configuration.GetSection(WebHdfsOptions.SectionName);
            var http = sp.GetRequiredService<IHttpClientFactory>();
            return new StorageUriResolver(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<IOptions<StorageUriOptions>>().Value,
                namenode => new WebHdfsBlobStore(http.CreateClient(InputsHttpClient), new WebHdfsOptions
                {
                    NamenodeUri = namenode,
                    RootPath = "/",
                    User = own["User"] is { Length: > 0 } user ? user : (own["DelegationToken"] is { Length: > 0 } ? null : "boid"),
                    DelegationToken = own["DelegationToken"] is { Length: > 0 } token ? token : null,
                }, sp.GetService<ILogger<WebHdfsBlobStore>>(), sp.GetRequiredService<TimeProvider>()));
        });
        return services;
    }

    /// <summary>The input cache and stager a worker needs (cache under <c>Boid:Worker:CacheDirectory</c>, limit <c>CacheMaxBytes</c>).</summary>
    public static IServiceCollection AddBoidInputStaging(this IServiceCollection services)
    {
        services.AddSingleton<InputCache>();
        services.AddSingleton<InputStager>();
        return services;
    }

    private const string InputsHttpClient = "Boid.Storage.Inputs";
}
