using System.Net;
using Boid.Containers.Outcomes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Boid.Containers.Engine;

/// <summary>
/// Docker Engine as the runner uses it: a client for ordinary requests, each bounded by
/// <see cref="DockerRunnerOptions.RequestTimeout"/>, and a separate, untimed client for the calls that last as long as a
/// unit runs (wait, exec attach); plus the requests fresh and warm sessions both make. The one place a running unit is
/// stopped is <see cref="KillAndWaitAsync"/>.
/// </summary>
internal sealed class DockerEngine : IDisposable
{
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClientConfiguration _waitConfiguration;

    public DockerEngine(DockerRunnerOptions options, ILogger logger, TimeProvider time)
    {
        Options = options;
        Logger = logger;
        Time = time;
        _configuration = new DockerClientConfiguration(options.Endpoint, defaultTimeout: options.RequestTimeout);
        Client = _configuration.CreateClient();
        // Waiting on a container takes as long as the container runs: a separate client without a timeout.
        _waitConfiguration = new DockerClientConfiguration(options.Endpoint, defaultTimeout: Timeout.InfiniteTimeSpan);
        WaitClient = _waitConfiguration.CreateClient();
    }

    public DockerRunnerOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    /// <summary>Ordinary requests (create, start, inspect, logs, exec create, remove).</summary>
    public DockerClient Client { get; }

    /// <summary>Untimed: waiting on a container, reading an exec's stream.</summary>
    public DockerClient WaitClient { get; }

    /// <summary>A recorder for one run of <paramref name="spec"/> on this engine's clock and log.</summary>
    public RunRecorder Record(ContainerRunSpec spec) => new(spec, Time, Logger, Options.Endpoint);

    /// <summary>SIGKILL to the container (a SIGTERM trap does not help), then a bounded wait until the Engine saw it exit.</summary>
    public async Task KillAndWaitAsync(string container, CancellationToken cancellationToken)
    {
        try
        {
            await Client.Containers.KillContainerAsync(container, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Exited on its own just now.
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Options.RequestTimeout);
        await WaitClient.Containers.WaitContainerAsync(container, bounded.Token).ConfigureAwait(false);
    }

    /// <summary>One look at the Engine's OOM flag of the container.</summary>
    public async Task<bool> IsOomKilledAsync(string container, CancellationToken cancellationToken)
    {
        var inspected = await Client.Containers.InspectContainerAsync(container, cancellationToken).ConfigureAwait(false);
        return inspected.State?.OOMKilled == true;
    }

    /// <summary>Reads the tails of a fresh container's stdout and stderr from its log.</summary>
    public async Task ReadLogsAsync(string container, LogTails tails, CancellationToken cancellationToken)
    {
        if (tails.Capacity == 0)
        {
            return;
        }

        try
        {
            using var stream = await Client.Containers.GetContainerLogsAsync(container, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = false }, cancellationToken).ConfigureAwait(false);
            await tails.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            // Logs are a diagnostic: their loss does not change the outcome.
            Log.LogsFailed(Logger, container, ex);
        }
    }

    /// <summary>Force-removes a container and its anonymous volumes; a failure is logged (the next start's leftover sweep retries).</summary>
    public async Task RemoveAsync(string name, string? containerId)
    {
        using var timeout = new CancellationTokenSource(Options.RequestTimeout, Time);
        try
        {
            await Client.Containers.RemoveContainerAsync(containerId ?? name,
                new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            // Never created.
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            Log.RemoveFailed(Logger, containerId ?? name, ex);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        WaitClient.Dispose();
        _configuration.Dispose();
        _waitConfiguration.Dispose();
    }
}
