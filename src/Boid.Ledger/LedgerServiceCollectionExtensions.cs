using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Eosio;
using Boid.Ledger.Chain;
using Boid.Ledger.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger's sink (chain when <c>Boid:Ledger:Chain</c> is set, else the journal under
    /// <paramref name="dataDirectory"/>), its validated options and the start-up activation. Dispatcher silos only.
    /// </summary>
    public static ISiloBuilder AddBoidLedger(this ISiloBuilder builder, string dataDirectory, Action<OptionsBuilder<LedgerOptions>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBoidLedger(dataDirectory, configure);
        return builder;
    }

    /// <inheritdoc cref="AddBoidLedger(ISiloBuilder, string, Action{OptionsBuilder{LedgerOptions}}?)"/>
    public static IServiceCollection AddBoidLedger(this IServiceCollection services, string dataDirectory, Action<OptionsBuilder<LedgerOptions>>? configure = null)
    {
        services.AddBoidClock();
        var options = services.AddOptions<LedgerOptions>()
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.JournalPath))
                {
                    o.JournalPath = Path.Combine(dataDirectory, "ledger", "journal.jsonl");
                }
            });
        configure?.Invoke(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>();
        services.AddSingleton<ILedgerSink>(sp => CreateSink(sp.GetRequiredService<IOptions<LedgerOptions>>().Value,
            sp.GetRequiredKeyedService<TimeProvider>(BoidNames.Clock), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LedgerStartup>();
        return services;
    }

    /// <summary>The sink the options describe. The key is loaded from the file or variable here and never logged.</summary>
    public static ILedgerSink CreateSink(LedgerOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HasChain)
        {
            return new JournalLedgerSink(options.JournalPath, options.Account, time);
        }

        var key = options.KeyFile is { Length: > 0 } file ? KeyLoader.FromFile(file) : KeyLoader.FromEnvironment(options.KeyEnvironmentVariable);
        return new ChainLedgerSink(new Uri(options.Chain!), options.Account, options.Permission, options.Contract, key, time, loggerFactory, ownsKey: true);
    }
}

/// <summary>Activates the ledger when a dispatcher silo starts, so that records left pending by a crash are delivered.</summary>
internal sealed class LedgerStartup(IGrainFactory grains, ILogger<LedgerStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle observer) =>
        observer.Subscribe<LedgerStartup>(ServiceLifecycleStage.Active, OnStartAsync, _ => Task.CompletedTask);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _ = PingAsync();
        return Task.CompletedTask;
    }

    private async Task PingAsync()
    {
        try
        {
            await grains.GetGrain<ILedgerGrain>(0).GetStatusAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.StartupPingFailed(logger, exception);
        }
    }
}
