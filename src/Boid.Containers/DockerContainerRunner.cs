using Boid.Containers.Engine;
using Boid.Containers.Fresh;
using Boid.Containers.Reaping;
using Boid.Containers.Staging;
using Boid.Containers.Warm;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Boid.Containers;

/// <summary>
/// <see cref="IContainerRunner"/> on Docker Engine through Docker.DotNet. Thread-safe; one instance per process.
/// It validates a spec and hands the unit to a session: <see cref="FreshSession"/> (one new container: create, start,
/// wait, logs — plus one inspect only after a non-zero exit, to tell an OOM kill) or <see cref="WarmSession"/> (an exec
/// in a container of the <see cref="WarmPool"/>). Removal runs off the unit's path (<see cref="ContainerReaper"/>).
/// See README.md.
/// </summary>
public sealed class DockerContainerRunner : IContainerRunner, IDisposable, IAsyncDisposable
{
    /// <summary>The label that names the worker that created a container.</summary>
    public const string WorkerLabel = "boid.worker";

    /// <summary>The label that names the job a container runs for.</summary>
    public const string JobLabel = "boid.job";

    /// <summary>The label that marks a warm container.</summary>
    public const string WarmLabel = "boid.warm";

    private readonly DockerEngine _engine;
    private readonly StagingAreas _staging;
    private readonly ImageStep _images;
    private readonly ContainerReaper _reaper;
    private readonly WarmPool _pool;
    private readonly WarmStarter _starter;
    private int _disposed;

    /// <summary>Constructor for dependency injection.</summary>
    public DockerContainerRunner(IOptions<DockerRunnerOptions> options, ILogger<DockerContainerRunner> logger, TimeProvider timeProvider)
        : this(options?.Value, logger, timeProvider)
    {
    }

    /// <summary>Constructor usable without dependency injection; every argument may be omitted.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DockerContainerRunner(DockerRunnerOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        options ??= new DockerRunnerOptions();
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _engine = new DockerEngine(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        _staging = new StagingAreas(options);
        _images = new ImageStep(_engine);
        _reaper = new ContainerReaper(_engine, _staging);
        _pool = new WarmPool(_engine.Time, options.WarmIdleTimeout, (warm, reason) => _reaper.InBackground(() => warm.RemoveAsync(_engine, reason)));
        _starter = new WarmStarter(_engine, _staging, _images, _pool);
        Log.OutputCapMode(_engine.Logger, _staging.Mode, options.StagingDirectory);
    }

    /// <summary>The enforcement actually in use (Auto resolved).</summary>
    public OutputCapEnforcement OutputCapMode => _staging.Mode;

    /// <summary>Warm containers alive and idle right now (for tests and diagnostics).</summary>
    public int IdleWarmContainers => _pool.IdleCount;

    /// <inheritdoc />
    public async Task<ContainerRunResult> RunAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default)
    {
        var workerId = RunSpecValidator.Validate(spec);
        try
        {
            OutputDirectory.Prepare(spec.OutputDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ContainerRunResult
            {
                Outcome = ContainerOutcome.StartFailed,
                Reason = $"could not prepare the output directory {spec.OutputDirectory}: {Text.OneLine(ex.Message)}",
                Retryable = true,
            };
        }

        if (spec.Mode == ContainerMode.Fresh)
        {
            return await new FreshSession(_engine, _staging, _images, _reaper, spec, workerId).RunAsync(cancellationToken).ConfigureAwait(false);
        }

        // Warm mode reaches into the container through /proc: Linux only, as Docker Engine itself.
        return OperatingSystem.IsLinux()
            ? await new WarmSession(_engine, _pool, _starter, _reaper, spec, workerId).RunAsync(cancellationToken).ConfigureAwait(false)
            : throw new PlatformNotSupportedException("Warm containers need Linux.");
    }

    /// <inheritdoc />
    public Task<int> RemoveLeftoversAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        return _reaper.RemoveLeftoversAsync(workerId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        return _images.ExistsAsync(image, cancellationToken);
    }

    /// <inheritdoc />
    public Task RetireJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return Task.WhenAll(_pool.TakeAll(warm => warm.Key.JobId == jobId).Select(warm => warm.RemoveAsync(_engine, "its job was retired")));
    }

    /// <inheritdoc />
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        foreach (var warm in _pool.TakeAll(_ => true))
        {
            _reaper.InBackground(() => warm.RemoveAsync(_engine, "the runner is draining"));
        }

        await _reaper.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every warm container and waits for the removals in flight, then disposes.</summary>
    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        Dispose();
    }

    /// <summary>
    /// Like <see cref="DisposeAsync"/>, blocking for at most <see cref="DockerRunnerOptions.RequestTimeout"/>: the removals in
    /// flight need the clients this disposes. Whatever is left is found by <see cref="RemoveLeftoversAsync"/> at the next start.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            DrainAsync().Wait(_engine.Options.RequestTimeout);
        }
        catch (AggregateException exception)
        {
            Log.DrainFailed(_engine.Logger, exception);
        }

        _pool.Dispose();
        _engine.Dispose();
    }
}
