using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Boid.Containers.Outcomes;
using Boid.Containers.Staging;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Boid.Containers;

/// <summary>
/// <see cref="IContainerRunner"/> on Docker Engine through Docker.DotNet. Thread-safe; one instance per process.
/// Hot path of a fresh container: create, start, wait, logs — plus one inspect only after a non-zero exit (to tell an
/// OOM kill); removal runs in the background once the unit's result is known. Warm containers: DockerContainerRunner.Warm.cs.
/// </summary>
public sealed partial class DockerContainerRunner : IContainerRunner, IDisposable, IAsyncDisposable
{
    /// <summary>The label that names the worker that created a container.</summary>
    public const string WorkerLabel = "boid.worker";

    /// <summary>The label that names the job a container runs for.</summary>
    public const string JobLabel = "boid.job";

    private const int FirstSignalExitCode = 129;
    private const int LastSignalExitCode = 128 + 64;
    private const int SigKillExitCode = 128 + 9;
    private const int OomLooks = 3;
    private static readonly TimeSpan OomLookInterval = TimeSpan.FromMilliseconds(100);

    private readonly DockerRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClientConfiguration _waitConfiguration;
    private readonly DockerClient _client;
    private readonly DockerClient _waitClient;
    private readonly bool _useTmpfs;
    /// <summary>Removals running off the units' paths; <see cref="DrainAsync"/> waits for them.</summary>
    private readonly ConcurrentDictionary<Task, byte> _removals = new();
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
        _options = options ?? new DockerRunnerOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _configuration = new DockerClientConfiguration(_options.Endpoint, defaultTimeout: _options.RequestTimeout);
        _client = _configuration.CreateClient();
        // Waiting on a container takes as long as the container runs: a separate client without a timeout.
        _waitConfiguration = new DockerClientConfiguration(_options.Endpoint, defaultTimeout: Timeout.InfiniteTimeSpan);
        _waitClient = _waitConfiguration.CreateClient();
        _useTmpfs = _options.OutputCap switch
        {
            OutputCapEnforcement.Tmpfs => true,
            OutputCapEnforcement.Polling => false,
            _ => Native.IsRoot,
        };
        Log.OutputCapMode(_logger, _useTmpfs ? OutputCapEnforcement.Tmpfs : OutputCapEnforcement.Polling, _options.StagingDirectory);
    }

    /// <summary>The enforcement actually in use (Auto resolved).</summary>
    public OutputCapEnforcement OutputCapMode => _useTmpfs ? OutputCapEnforcement.Tmpfs : OutputCapEnforcement.Polling;

    /// <inheritdoc />
    public async Task<ContainerRunResult> RunAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default)
    {
        var workerId = ValidateSpec(spec);
        try
        {
            PrepareOutputDirectory(spec.OutputDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ContainerRunResult
            {
                Outcome = ContainerOutcome.StartFailed,
                Reason = $"could not prepare the output directory {spec.OutputDirectory}: {OneLine(ex.Message)}",
                Retryable = true,
            };
        }

        if (spec.Mode == ContainerMode.Fresh)
        {
            return await RunFreshAsync(spec, workerId, cancellationToken).ConfigureAwait(false);
        }

        // Warm mode reaches into the container through /proc: Linux only, as Docker Engine itself.
        return OperatingSystem.IsLinux()
            ? await RunWarmAsync(spec, workerId, cancellationToken).ConfigureAwait(false)
            : throw new PlatformNotSupportedException("Warm containers need Linux.");
    }

    private async Task<ContainerRunResult> RunFreshAsync(ContainerRunSpec spec, string workerId, CancellationToken cancellationToken)
    {
        var limits = spec.Limits;
        var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var name = "boid-" + runId;
        var clock = new PhaseClock(_time);
        var timings = new ContainerPhaseTimings();
        Verdict? verdict = null;
        OutputArea? area = null;
        string? containerId = null;
        var mayExist = false;
        var running = false;
        var copyStarted = false;
        long runStart = 0, runEnd = 0;
        string stdout = "", stderr = "";
        IReadOnlyList<OutputFile> outputs = [];
        try
        {
            var uid = spec.Sandbox.RunAsRoot ? 0 : _options.SandboxUserId;
            var gid = spec.Sandbox.RunAsRoot ? 0 : _options.SandboxGroupId;
            try
            {
                area = OutputArea.Create(_options.StagingDirectory, workerId, runId, limits.OutputCapBytes, _options.MaxOutputEntries, uid, gid, _useTmpfs);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                verdict = new Verdict(ContainerOutcome.StartFailed, null, $"could not prepare the staging area for /out: {ex.Message}", Retryable: true);
                return Result();
            }

            timings = timings with { Prepare = clock.Lap() };

            cancellationToken.ThrowIfCancellationRequested();
            mayExist = true;
            // Not cancellable: a create abandoned half-way can still complete in the engine after a removal by name has
            // found nothing, leaving a container behind. It is short; the cancellation is honoured right after it.
            var created = await _client.Containers.CreateContainerAsync(BuildParameters(spec, name, area.Path, uid, gid), CancellationToken.None).ConfigureAwait(false);
            containerId = created.ID;
            cancellationToken.ThrowIfCancellationRequested();
            Log.ContainerCreated(_logger, containerId, spec.Image, name);
            timings = timings with { Create = clock.Lap() };

            runStart = _time.GetTimestamp();
            running = true;
            await _client.Containers.StartContainerAsync(name, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            timings = timings with { Start = clock.Lap() };

            var waited = await WaitAsync(name, area, limits, cancellationToken).ConfigureAwait(false);
            running = false;
            runEnd = _time.GetTimestamp();
            timings = timings with { Wait = clock.Lap() };

            (stdout, stderr) = await ReadLogTailsAsync(name, limits.LogTailBytes, cancellationToken).ConfigureAwait(false);
            timings = timings with { Logs = clock.Lap() };

            verdict = waited.Kill switch
            {
                KillReason.Timeout => new Verdict(ContainerOutcome.TimedOut, null,
                    $"still running after the timeout of {limits.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; killed", Retryable: true),
                KillReason.OutputCap => new Verdict(ContainerOutcome.OutputTooLarge, null, $"{waited.Detail}; killed", Retryable: false),
                _ => await JudgeExitAsync(name, waited.ExitCode, area, limits, cancellationToken).ConfigureAwait(false),
            };
            if (verdict.Outcome == ContainerOutcome.Succeeded && verdict.Files is { } files)
            {
                copyStarted = true;
                (verdict, outputs) = await CopyOutputsAsync(verdict, files, spec.OutputDirectory, cancellationToken).ConfigureAwait(false);
            }

            timings = timings with { Collect = clock.Lap() };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            verdict = new Verdict(ContainerOutcome.Cancelled, null, "cancelled by the caller; container killed and removed", Retryable: true);
        }
        catch (DockerImageNotFoundException)
        {
            mayExist = false;
            verdict = ImageMissing(spec.Image);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound && containerId is null
            && ex.ResponseBody?.Contains("No such image", StringComparison.OrdinalIgnoreCase) == true)
        {
            mayExist = false;
            verdict = ImageMissing(spec.Image);
        }
        catch (DockerApiException ex)
        {
            mayExist &= containerId is not null;
            var message = EngineMessage(ex);
            // 400: Docker rejected the request itself (bad command, invalid parameter): another worker would too.
            var retryable = ex.StatusCode != HttpStatusCode.BadRequest;
            verdict = new Verdict(ContainerOutcome.StartFailed, null, $"Docker Engine refused the container ({(int)ex.StatusCode}): {message}", retryable);
            Log.StartFailed(_logger, containerId ?? name, verdict.Reason, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException)
        {
            verdict = new Verdict(ContainerOutcome.StartFailed, null,
                $"Docker Engine at {_options.Endpoint} or the host failed: {OneLine(ex.Message)}", Retryable: true);
            Log.StartFailed(_logger, containerId ?? name, verdict.Reason, ex);
        }
        finally
        {
            if (copyStarted && verdict?.Outcome != ContainerOutcome.Succeeded)
            {
                // Partial copies must not look like results: the directory was empty before the run.
                outputs = [];
                ClearDirectory(spec.OutputDirectory);
            }

            var removal = (mayExist, area, label: containerId ?? name);
            if (running)
            {
                // Cancelled or failed while the process may still run: kill it before returning, as promised.
                await RemoveFreshAsync(name, containerId, removal.mayExist, removal.area, removal.label).ConfigureAwait(false);
            }
            else
            {
                // The container has exited and its outputs are copied: removing it (~10–160 ms) is not the unit's business.
                InBackground(() => RemoveFreshAsync(name, containerId, removal.mayExist, removal.area, removal.label));
            }

            timings = timings with { Remove = clock.Lap() };
        }

        return Result();

        ContainerRunResult Result()
        {
            var v = verdict ?? new Verdict(ContainerOutcome.StartFailed, null, "no verdict", Retryable: true);
            var runTime = runStart == 0 ? TimeSpan.Zero : _time.GetElapsedTime(runStart, runEnd == 0 ? _time.GetTimestamp() : runEnd);
            var microseconds = runTime.Ticks / (TimeSpan.TicksPerMillisecond / 1000);
            Log.ContainerFinished(_logger, containerId, v.Outcome, v.ExitCode, (long)runTime.TotalMilliseconds, v.Reason);
            return new ContainerRunResult
            {
                Outcome = v.Outcome,
                ExitCode = v.ExitCode,
                Reason = v.Reason,
                Retryable = v.Retryable,
                RunTimeMicroseconds = microseconds,
                StdoutTail = stdout,
                StderrTail = stderr,
                Outputs = outputs,
                ContainerId = containerId,
                Timings = timings,
            };
        }
    }

    /// <inheritdoc />
    public async Task<int> RemoveLeftoversAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        var containers = await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{WorkerLabel}={workerId}"] = true },
            },
        }, cancellationToken).ConfigureAwait(false);

        var removed = 0;
        foreach (var container in containers)
        {
            try
            {
                await _client.Containers.RemoveContainerAsync(container.ID,
                    new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
                removed++;
                Log.LeftoverRemoved(_logger, container.ID, workerId);
            }
            catch (DockerContainerNotFoundException)
            {
                // Gone in the meantime.
            }
        }

        foreach (var problem in OutputArea.RemoveWorkerLeftovers(_options.StagingDirectory, workerId))
        {
            Log.LeftoverStagingFailed(_logger, workerId, problem);
        }

        return removed;
    }

    /// <inheritdoc />
    public async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        foreach (var warm in TakeIdle(_ => true))
        {
            InBackground(() => RemoveWarmAsync(warm, "the runner is draining"));
        }

        while (!_removals.IsEmpty)
        {
            await Task.WhenAll(_removals.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
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
            DrainAsync().Wait(_options.RequestTimeout);
        }
        catch (AggregateException exception)
        {
            Log.DrainFailed(_logger, exception);
        }

        _reaperStop.Cancel();
        _client.Dispose();
        _waitClient.Dispose();
        _configuration.Dispose();
        _waitConfiguration.Dispose();
        _reaperStop.Dispose();
    }

    /// <summary>Runs <paramref name="work"/> off the caller's path; <see cref="DrainAsync"/> waits for it.</summary>
    private void InBackground(Func<Task> work)
    {
        var task = Task.Run(work);
        _removals.TryAdd(task, 0);
        _ = task.ContinueWith(done => _removals.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RemoveFreshAsync(string name, string? containerId, bool mayExist, OutputArea? area, string label)
    {
        if (mayExist)
        {
            await RemoveAsync(name, containerId).ConfigureAwait(false);
        }

        // After the removal: the staging area is bind-mounted into the container until then.
        if (area?.Cleanup() is { } problem)
        {
            Log.StagingCleanupFailed(_logger, label, problem);
        }
    }

    private CreateContainerParameters BuildParameters(ContainerRunSpec spec, string name, string outPath, int uid, int gid)
    {
        var limits = spec.Limits;
        var sandbox = spec.Sandbox;
        var mounts = new List<Mount>(2);
        if (spec.InputDirectory is { } input)
        {
            mounts.Add(new Mount { Type = "bind", Source = input, Target = "/in", ReadOnly = true });
        }

        mounts.Add(new Mount { Type = "bind", Source = outPath, Target = "/out", ReadOnly = false });
        // json-file keeps between max-size and twice that: enough for the tail, bounded on disk.
        var logMax = Math.Max(1L << 20, 8L * limits.LogTailBytes);
        return new CreateContainerParameters
        {
            Name = name,
            Image = spec.Image,
            // The command is the whole argv: the image's entrypoint is replaced, no shell is implied.
            Entrypoint = [spec.Command[0]],
            Cmd = spec.Command.Skip(1).ToList(),
            Env = spec.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            Labels = new Dictionary<string, string>(spec.Labels),
            User = string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}"),
            NetworkDisabled = !sandbox.AllowNetwork,
            AttachStdin = false,
            AttachStdout = false,
            AttachStderr = false,
            Tty = false,
            OpenStdin = false,
            HostConfig = new HostConfig
            {
                NetworkMode = sandbox.AllowNetwork ? "bridge" : "none",
                ReadonlyRootfs = sandbox.ReadOnlyRootFilesystem,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/tmp"] = string.Create(CultureInfo.InvariantCulture, $"rw,nosuid,nodev,size={limits.TmpCapBytes},mode=1777"),
                },
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                PidsLimit = limits.PidsLimit,
                Memory = limits.MemoryBytes,
                MemorySwap = limits.MemoryBytes,
                NanoCPUs = (long)Math.Round(limits.Cpus * 1e9),
                Mounts = mounts,
                Init = _options.UseInit,
                IpcMode = "private",
                Privileged = false,
                AutoRemove = false,
                LogConfig = new LogConfig
                {
                    Type = "json-file",
                    Config = new Dictionary<string, string>
                    {
                        ["max-size"] = logMax.ToString(CultureInfo.InvariantCulture),
                        ["max-file"] = "2",
                    },
                },
            },
        };
    }

    private async Task<Waited> WaitAsync(string name, OutputArea area, ContainerLimits limits, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limits.Timeout, _time);
        using var cap = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, cap.Token);
        string? capReason = null;
        var poller = area.IsTmpfs ? Task.CompletedTask : PollOutputAsync(area, reason =>
        {
            capReason = reason;
            cap.Cancel();
        }, linked.Token);

        try
        {
            var response = await _waitClient.Containers.WaitContainerAsync(name, linked.Token).ConfigureAwait(false);
            return new Waited((int)response.StatusCode, KillReason.None, null);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = capReason is not null ? KillReason.OutputCap : KillReason.Timeout;
            Log.KillingContainer(_logger, name, capReason ?? "timeout");
            await KillAndWaitAsync(name, cancellationToken).ConfigureAwait(false);
            return new Waited(null, reason, capReason);
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await poller.ConfigureAwait(false);
        }
    }

    private async Task PollOutputAsync(OutputArea area, Action<string> exceeded, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.OutputPollInterval, _time, cancellationToken).ConfigureAwait(false);
                if (area.CheckCapWhileRunning() is { } reason)
                {
                    exceeded(reason);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The container exited or was killed.
        }
    }

    private async Task KillAndWaitAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.KillContainerAsync(name, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Exited on its own just now.
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.RequestTimeout);
        await _waitClient.Containers.WaitContainerAsync(name, bounded.Token).ConfigureAwait(false);
    }

    private async Task<Verdict> JudgeExitAsync(string name, int? exitCode, OutputArea area, ContainerLimits limits, CancellationToken cancellationToken)
    {
        var code = exitCode ?? -1;
        if (code != 0)
        {
            // The Engine records an OOM kill from its own event, which can land just after the exit: a process
            // killed by SIGKILL (exit 137) gets a few more looks before it is called a crash.
            for (var look = 0; ; look++)
            {
                var inspected = await _client.Containers.InspectContainerAsync(name, cancellationToken).ConfigureAwait(false);
                if (inspected.State?.OOMKilled == true)
                {
                    return new Verdict(ContainerOutcome.OutOfMemory, code,
                        $"killed by the OOM killer at the memory limit of {limits.MemoryBytes} bytes (exit {code})", Retryable: true);
                }

                if (code != SigKillExitCode || look == OomLooks)
                {
                    break;
                }

                await Task.Delay(OomLookInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        var scan = area.Scan();
        if (scan.TooLargeReason is { } tooLarge)
        {
            return new Verdict(ContainerOutcome.OutputTooLarge, code, $"{tooLarge} (exit {code})", Retryable: false);
        }

        if (scan.UnsafeReason is { } unsafeReason)
        {
            return new Verdict(ContainerOutcome.UnsafeOutput, code, $"refused output: {unsafeReason}", Retryable: false);
        }

        if (code is >= FirstSignalExitCode and <= LastSignalExitCode)
        {
            var signal = code - 128;
            return new Verdict(ContainerOutcome.Crashed, code, $"killed by signal {signal} ({SignalName(signal)}), exit {code}", Retryable: true);
        }

        return code == 0
            ? new Verdict(ContainerOutcome.Succeeded, 0, $"exited with code 0; {scan.Files.Count} output file(s)", Retryable: false) { Files = scan.Files }
            : new Verdict(ContainerOutcome.NonZeroExit, code, $"exited with code {code}", Retryable: false);
    }

    private async Task<(string Stdout, string Stderr)> ReadLogTailsAsync(string name, int tailBytes, CancellationToken cancellationToken)
    {
        if (tailBytes <= 0)
        {
            return ("", "");
        }

        var stdout = new LogTail(tailBytes);
        var stderr = new LogTail(tailBytes);
        try
        {
            using var stream = await _client.Containers.GetContainerLogsAsync(name, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = false }, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var target = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
                target.Append(buffer.AsSpan(0, read.Count));
            }
        }
        catch (DockerApiException ex)
        {
            // Logs are a diagnostic: their loss does not change the outcome.
            Log.LogsFailed(_logger, name, ex);
        }

        return (stdout.ToString(), stderr.ToString());
    }

    private async Task RemoveAsync(string name, string? containerId)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        try
        {
            await _client.Containers.RemoveContainerAsync(containerId ?? name,
                new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            // Never created.
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            Log.RemoveFailed(_logger, containerId ?? name, ex);
        }
    }

    private Verdict ImageMissing(string image)
    {
        Log.ImageMissing(_logger, image);
        return new Verdict(ContainerOutcome.ImageMissing, null,
            $"image {image} is not present on this worker (images are never pulled)", Retryable: false);
    }

    private static string ValidateSpec(ContainerRunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Image, nameof(spec));
        if (spec.Command is null || spec.Command.Count == 0 || string.IsNullOrEmpty(spec.Command[0]))
        {
            throw new ArgumentException("Command must hold at least the program to run.", nameof(spec));
        }

        if (spec.Command.Any(arg => arg is null))
        {
            throw new ArgumentException("Command must not contain null.", nameof(spec));
        }

        if (spec.Environment.Keys.Any(key => string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Environment names must be non-empty and contain neither '=' nor NUL.", nameof(spec));
        }

        if (spec.InputDirectory is { } input && (!Path.IsPathFullyQualified(input) || !Directory.Exists(input)))
        {
            throw new ArgumentException($"InputDirectory {input} must be an absolute path to an existing directory.", nameof(spec));
        }

        if (string.IsNullOrWhiteSpace(spec.OutputDirectory) || !Path.IsPathFullyQualified(spec.OutputDirectory))
        {
            throw new ArgumentException("OutputDirectory must be an absolute path.", nameof(spec));
        }

        if (spec.Labels is null || !spec.Labels.TryGetValue(WorkerLabel, out var workerId) || string.IsNullOrWhiteSpace(workerId))
        {
            throw new ArgumentException($"Labels must contain {WorkerLabel}, so that leftovers can be found.", nameof(spec));
        }

        var limits = spec.Limits ?? throw new ArgumentException("Limits must not be null.", nameof(spec));
        var sandbox = spec.Sandbox ?? throw new ArgumentException("Sandbox must not be null.", nameof(spec));
        if (spec.Mode == ContainerMode.Warm)
        {
            if (!spec.Labels.TryGetValue(JobLabel, out var jobId) || string.IsNullOrWhiteSpace(jobId))
            {
                throw new ArgumentException($"Labels must contain {JobLabel} in warm mode: a warm container serves the units of one job.", nameof(spec));
            }

            // With a writable root or as root (who owns /dev), a unit could leave files outside /out, /tmp and /dev/shm,
            // which the runner empties between units, for the next unit to find.
            if (sandbox.RunAsRoot || !sandbox.ReadOnlyRootFilesystem)
            {
                throw new ArgumentException("Warm mode needs the full sandbox: a read-only root filesystem and a non-root user.", nameof(spec));
            }
        }

        if (!(limits.Cpus > 0) || limits.MemoryBytes < 6L * 1024 * 1024 || limits.PidsLimit < 1
            || limits.Timeout <= TimeSpan.Zero || limits.Timeout > TimeSpan.FromDays(30)
            || limits.OutputCapBytes < 4096 || limits.TmpCapBytes < 4096 || limits.LogTailBytes < 0)
        {
            throw new ArgumentException(
                "Limits: Cpus must be positive, Timeout between 0 and 30 days, MemoryBytes at least 6 MiB, PidsLimit at least 1, "
                + "OutputCapBytes and TmpCapBytes at least 4096, LogTailBytes not negative.", nameof(spec));
        }

        return workerId;
    }

    private static void PrepareOutputDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ArgumentException($"OutputDirectory {directory} must be empty.", nameof(directory));
        }
    }

    private static void ClearDirectory(string directory)
    {
        try
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo subdirectory)
                {
                    subdirectory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the result already says the run did not succeed.
        }
    }

    private static string EngineMessage(DockerApiException ex)
    {
        var body = ex.ResponseBody ?? "";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                body = message.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
            // Not JSON: use the body as it is.
        }

        return OneLine(body);
    }

    /// <summary>Copies a succeeded unit's outputs to the caller's directory; a copy that fails makes the attempt a retryable failure.</summary>
    private static async Task<(Verdict Verdict, IReadOnlyList<OutputFile> Outputs)> CopyOutputsAsync(
        Verdict verdict, IReadOnlyList<ScannedFile> files, string destination, CancellationToken cancellationToken)
    {
        try
        {
            return (verdict, await OutputArea.CopyAsync(files, destination, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (new Verdict(ContainerOutcome.StartFailed, 0, $"exited with code 0 but the outputs could not be copied to {destination}: {OneLine(ex.Message)}", Retryable: true), []);
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 500 ? line[..500] + "…" : line;
    }

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };

    private enum KillReason
    {
        None,
        Timeout,
        OutputCap,
    }

    private readonly record struct Waited(int? ExitCode, KillReason Kill, string? Detail);

    private sealed record Verdict(ContainerOutcome Outcome, int? ExitCode, string Reason, bool Retryable)
    {
        public IReadOnlyList<ScannedFile>? Files { get; init; }
    }

    /// <summary>Cheap lap timer on the runner's clock.</summary>
    private sealed class PhaseClock(TimeProvider time)
    {
        private long _last = time.GetTimestamp();

        public TimeSpan Lap()
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(_last, now);
            _last = now;
            return elapsed;
        }
    }
}
