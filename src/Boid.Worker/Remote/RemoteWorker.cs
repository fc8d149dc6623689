using System.Globalization;
using Boid.Abstractions.Gateway;
using Boid.Containers;
using Boid.Worker.Inputs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Boid.Abstractions.Model;

namespace Boid.Worker.Remote;

/// <summary>
/// Runs the worker engine over the HTTP link (<c>boid worker --join</c>): checks the dispatcher accepts this
/// account's key, then leases and runs units until cancelled, showing a one-line live status.
/// </summary>
public static class RemoteWorker
{
    public const int ExitOk = 0;
    public const int ExitRefused = 7; // the CLI's exit code for Unauthorized

    public static async Task<int> RunAsync(
        RemoteWorkerOptions remote,
        WorkerOptions worker,
        Action<ILoggingBuilder> logging,
        TextWriter? status,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(worker);
        var services = new ServiceCollection();
        services.AddLogging(logging);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(worker));
        services.AddBoidContainers();
        services.AddSingleton(remote);
        services.AddSingleton(sp => new HttpDispatcherLink(remote, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<HttpDispatcherLink>>()));
        services.AddSingleton<IDispatcherLink>(sp => sp.GetRequiredService<HttpDispatcherLink>());
        services.AddSingleton<InputCache>();
        services.AddSingleton<InputStager>();
        services.AddSingleton<WorkerEngine>();
        await using var provider = services.BuildServiceProvider();
        var link = provider.GetRequiredService<HttpDispatcherLink>();

        // Fail fast with a clear message when the dispatcher refuses this key or account; a dispatcher that
        // is down is waited for (the engine retries registration with backoff).
        try
        {
            await link.RegisterAsync(Registration(worker), cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayRefusedException refused)
        {
            status?.WriteLine($"the dispatcher refused account {remote.Account}: {refused.Message}");
            return ExitRefused;
        }
        catch (Exception exception) when (exception is HttpRequestException or GatewayLimitException)
        {
            status?.WriteLine($"dispatcher {remote.Dispatcher} not reachable yet ({exception.Message}); retrying");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitOk;
        }

        var engine = provider.GetRequiredService<WorkerEngine>();
        using var stopStatus = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var statusLoop = status is null ? Task.CompletedTask : StatusLoopAsync(engine, link, remote.Account, status, stopStatus.Token);
        await engine.RunAsync(cancellationToken).ConfigureAwait(false);
        await stopStatus.CancelAsync().ConfigureAwait(false);
        await statusLoop.ConfigureAwait(false);
        return ExitOk;
    }

    private static WorkerRegistration Registration(WorkerOptions worker) => new()
    {
        WorkerId = worker.Id,
        Cores = Environment.ProcessorCount,
        MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Slots = worker.Slots,
        Architecture = GatewayProtocol.CurrentArchitecture(),
    };

    /// <summary>One line, rewritten in place: units done, running, failed, credit earned (accepted container time and units).</summary>
    private static async Task StatusLoopAsync(WorkerEngine engine, HttpDispatcherLink link, string account, TextWriter status, CancellationToken cancellationToken)
    {
        var credit = "credit …";
        var lastCredit = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                if (DateTimeOffset.UtcNow - lastCredit > TimeSpan.FromSeconds(15))
                {
                    lastCredit = DateTimeOffset.UtcNow;
                    try
                    {
                        var me = await link.GetContributorAsync(cancellationToken).ConfigureAwait(false);
                        credit = string.Create(CultureInfo.InvariantCulture,
                            $"credit {TimeSpan.FromMicroseconds(me.ContributedMicroseconds):hh\\:mm\\:ss} in {me.UnitsAccepted} accepted units{(me.Trusted ? ", trusted" : "")}");
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        credit = $"credit ? (dispatcher unreachable: {exception.GetType().Name})";
                    }
                }

                var (done, failed, running) = engine.Counters;
                await status.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                    $"\r{account}: {done} done, {running} running, {failed} failed · {credit}   ")).ConfigureAwait(false);
                await status.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            await status.WriteLineAsync().ConfigureAwait(false);
        }
    }
}
