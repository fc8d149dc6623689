using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Boid.Containers.Outcomes;
using Boid.Containers.Staging;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Boid.Containers;

/// <summary>
/// Warm mode (<see cref="ContainerMode.Warm"/>): one running container per (worker, job, image, limits, sandbox) serves
/// that job's units in turn, each unit a Docker exec with its own command, environment, time limit and log tails.
/// Between units the runner empties <c>/out</c>, <c>/tmp</c>, <c>/dev/shm</c>, <c>/dev/mqueue</c> and <c>/in</c> and
/// checks that only the keep-alive runs; a container that cannot be shown clean, or whose unit did not end by itself,
/// is killed and the next unit gets a new one. See README.md, "Warm containers".
/// </summary>
public sealed partial class DockerContainerRunner
{
    /// <summary>The label that marks a warm container.</summary>
    public const string WarmLabel = "boid.warm";

    /// <summary>
    /// PID 1 of a warm container, which the image must provide. Docker's init (tini) cannot be the keep-alive: it only
    /// supervises the program it is given. Run directly (no init), a missing program fails the start request itself.
    /// </summary>
    private static readonly string[] KeepAlive = ["sleep", "2147483647"];

    /// <summary>Writable places in the container besides <c>/out</c>: emptied through <c>/proc/PID/root</c> after each unit.</summary>
    private static readonly string[] ScratchMounts = ["tmp", "dev/shm", "dev/mqueue"];

    private readonly Lock _warmLock = new();
    private readonly Dictionary<WarmKey, List<WarmContainer>> _idle = [];
    private readonly CancellationTokenSource _reaperStop = new();
    private Task? _reaper;

    /// <inheritdoc />
    public Task RetireJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return Task.WhenAll(TakeIdle(warm => warm.Key.JobId == jobId).Select(warm => RemoveWarmAsync(warm, "its job was retired")));
    }

    /// <summary>Warm containers alive and idle right now (for tests and diagnostics).</summary>
    public int IdleWarmContainers
    {
        get
        {
            lock (_warmLock)
            {
                return _idle.Values.Sum(list => list.Count);
            }
        }
    }

    [SupportedOSPlatform("linux")]
    private async Task<ContainerRunResult> RunWarmAsync(ContainerRunSpec spec, string workerId, CancellationToken cancellationToken)
    {
        var limits = spec.Limits;
        var uid = _options.SandboxUserId;
        var gid = _options.SandboxGroupId;
        var key = new WarmKey(workerId, spec.Labels[JobLabel], spec.Image, limits.Cpus, limits.MemoryBytes, limits.PidsLimit,
            limits.OutputCapBytes, limits.TmpCapBytes, spec.Sandbox.AllowNetwork);
        var clock = new PhaseClock(_time);
        var timings = new ContainerPhaseTimings();
        Verdict? verdict = null;
        WarmContainer? warm = null;
        var reusable = false;
        var execRunning = false;
        var copyStarted = false;
        long runStart = 0, runEnd = 0;
        var stdout = new LogTail(Math.Max(limits.LogTailBytes, 0));
        var stderr = new LogTail(Math.Max(limits.LogTailBytes, 0));
        IReadOnlyList<OutputFile> outputs = [];
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            warm = TakeIdle(key);
            if (warm is null)
            {
                (warm, verdict) = await StartWarmAsync(key, spec, uid, gid, cancellationToken).ConfigureAwait(false);
                if (verdict is not null)
                {
                    return Result();
                }
            }

            LinkInputs(spec.InputDirectory, warm!.InputPath);
            timings = timings with { Prepare = clock.Lap() };

            var exec = await _client.Exec.ExecCreateContainerAsync(warm.Id, new ContainerExecCreateParameters
            {
                Cmd = [.. spec.Command],
                Env = [.. spec.Environment.Select(pair => $"{pair.Key}={pair.Value}")],
                User = string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}"),
                AttachStdin = false,
                AttachStdout = true,
                AttachStderr = true,
                Tty = false,
                Privileged = false,
            }, cancellationToken).ConfigureAwait(false);
            timings = timings with { Create = clock.Lap() };

            runStart = _time.GetTimestamp();
            execRunning = true;
            var kill = await ExecAsync(warm, exec.ID, limits, stdout, stderr, (start) => timings = timings with { Start = start }, clock, cancellationToken).ConfigureAwait(false);
            runEnd = _time.GetTimestamp();
            timings = timings with { Wait = clock.Lap() };

            int? exitCode = null;
            if (kill.Reason == KillReason.None)
            {
                exitCode = await ExitCodeAsync(exec.ID, cancellationToken).ConfigureAwait(false);
                execRunning = false;
                if (CountStrays(warm) is not 0)
                {
                    // A process of the unit outlived it (or the container died): in a fresh container it would die with the
                    // unit's exit, so kill it before /out is read; the container is not used again.
                    await KillAndWaitAsync(warm.Id, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    reusable = true;
                }
            }
            else
            {
                execRunning = false;
            }

            timings = timings with { Logs = clock.Lap() };
            verdict = kill.Reason switch
            {
                KillReason.Timeout => new Verdict(ContainerOutcome.TimedOut, null,
                    $"still running after the timeout of {limits.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; its warm container was killed", Retryable: true),
                KillReason.OutputCap => new Verdict(ContainerOutcome.OutputTooLarge, null, $"{kill.Detail}; its warm container was killed", Retryable: false),
                _ => await JudgeExitAsync(warm.Id, exitCode, warm.Out, limits, cancellationToken).ConfigureAwait(false),
            };

            // Only a unit that ended by itself leaves a container worth keeping; after a crash or an OOM kill the
            // container's state (and Docker's OOM flag) is not to be trusted for the next unit.
            reusable &= verdict.Outcome is ContainerOutcome.Succeeded or ContainerOutcome.NonZeroExit;
            if (verdict.Outcome == ContainerOutcome.Succeeded && verdict.Files is { } files)
            {
                copyStarted = true;
                (verdict, outputs) = await CopyOutputsAsync(verdict, files, spec.OutputDirectory, cancellationToken).ConfigureAwait(false);
            }

            timings = timings with { Collect = clock.Lap() };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            verdict = new Verdict(ContainerOutcome.Cancelled, null, "cancelled by the caller; its warm container was killed", Retryable: true);
        }
        catch (DockerApiException ex)
        {
            var message = EngineMessage(ex);
            var retryable = ex.StatusCode != HttpStatusCode.BadRequest;
            verdict = new Verdict(ContainerOutcome.StartFailed, null, $"Docker Engine refused the exec in warm container {warm?.Id} ({(int)ex.StatusCode}): {message}", retryable);
            Log.StartFailed(_logger, warm?.Id ?? "-", verdict.Reason, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException or UnauthorizedAccessException)
        {
            verdict = new Verdict(ContainerOutcome.StartFailed, null,
                $"Docker Engine at {_options.Endpoint} or the host failed: {OneLine(ex.Message)}", Retryable: true);
            Log.StartFailed(_logger, warm?.Id ?? "-", verdict.Reason, ex);
        }
        finally
        {
            if (copyStarted && verdict?.Outcome != ContainerOutcome.Succeeded)
            {
                outputs = [];
                ClearDirectory(spec.OutputDirectory);
            }

            if (warm is not null)
            {
                var problem = reusable ? Reset(warm) : "its unit did not end by itself, or left a process behind";
                if (problem is null)
                {
                    Return(warm);
                }
                else if (execRunning)
                {
                    // The unit's process may still run: kill it before returning, as a fresh run would.
                    await RemoveWarmAsync(warm, problem).ConfigureAwait(false);
                }
                else
                {
                    InBackground(() => RemoveWarmAsync(warm, problem));
                }
            }

            timings = timings with { Remove = clock.Lap() };
        }

        return Result();

        ContainerRunResult Result()
        {
            var v = verdict ?? new Verdict(ContainerOutcome.StartFailed, null, "no verdict", Retryable: true);
            var runTime = runStart == 0 ? TimeSpan.Zero : _time.GetElapsedTime(runStart, runEnd == 0 ? _time.GetTimestamp() : runEnd);
            Log.ContainerFinished(_logger, warm?.Id, v.Outcome, v.ExitCode, (long)runTime.TotalMilliseconds, v.Reason);
            return new ContainerRunResult
            {
                Outcome = v.Outcome,
                ExitCode = v.ExitCode,
                Reason = v.Reason,
                Retryable = v.Retryable,
                RunTimeMicroseconds = runTime.Ticks / (TimeSpan.TicksPerMillisecond / 1000),
                StdoutTail = stdout.ToString(),
                StderrTail = stderr.ToString(),
                Outputs = outputs,
                ContainerId = warm?.Id,
                Timings = timings,
            };
        }
    }

    /// <summary>Creates and starts a warm container for <paramref name="key"/>; a verdict instead when that fails.</summary>
    [SupportedOSPlatform("linux")]
    private async Task<(WarmContainer? Warm, Verdict? Verdict)> StartWarmAsync(WarmKey key, ContainerRunSpec spec, int uid, int gid, CancellationToken cancellationToken)
    {
        var runId = "warm-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var name = "boid-" + runId;
        OutputArea area;
        string inputPath;
        try
        {
            area = OutputArea.Create(_options.StagingDirectory, key.WorkerId, runId, spec.Limits.OutputCapBytes, _options.MaxOutputEntries, uid, gid, _useTmpfs);
            // A sibling of the /out area, so that RemoveLeftoversAsync finds it too; the runner fills it with each unit's inputs.
            inputPath = area.Path + ".in";
            Directory.CreateDirectory(inputPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, new Verdict(ContainerOutcome.StartFailed, null, $"could not prepare the staging area of a warm container: {OneLine(ex.Message)}", Retryable: true));
        }

        var labels = spec.Labels
            .Where(pair => pair.Key is not ("boid.unit" or "boid.lease"))
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        labels[WarmLabel] = "1";
        // The same parameters as a fresh container (one code path for the sandbox), with the keep-alive as the process.
        var parameters = BuildParameters(
            spec with { Command = KeepAlive, Environment = new Dictionary<string, string>(), InputDirectory = inputPath, Labels = labels },
            name, area.Path, uid, gid);
        parameters.HostConfig.Init = false;
        // The keep-alive runs as a user of its own, so that a unit (SandboxUserId) can neither signal nor trace it and so
        // live on inside it; units get their user per exec.
        parameters.User = string.Create(CultureInfo.InvariantCulture, $"{uid + 1}:{gid}");
        var warm = new WarmContainer(key, name, area, inputPath);
        var created = false;
        try
        {
            // Not cancellable, as for a fresh container: an abandoned create can complete after the removal looked for it.
            var response = await _client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
            created = true;
            warm.Id = response.ID;
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await _client.Containers.StartContainerAsync(warm.Id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex) when (EngineMessage(ex) is var message
                && (message.Contains("executable file not found", StringComparison.OrdinalIgnoreCase) || message.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase)))
            {
                await RemoveWarmAsync(warm, "its keep-alive is missing").ConfigureAwait(false);
                return (null, new Verdict(ContainerOutcome.StartFailed, null,
                    $"warm mode: image {spec.Image} has no keep-alive program `{string.Join(' ', KeepAlive)}` ({message}); "
                    + "warm containers need `sleep` in the image, or run the job in fresh containers (resources.container: fresh)", Retryable: false));
            }

            var inspected = await _client.Containers.InspectContainerAsync(warm.Id, cancellationToken).ConfigureAwait(false);
            if (inspected.State is not { Running: true, Pid: > 0 })
            {
                await RemoveWarmAsync(warm, "it stopped at once").ConfigureAwait(false);
                return (null, new Verdict(ContainerOutcome.StartFailed, null,
                    $"warm mode: the keep-alive `{string.Join(' ', KeepAlive)}` of image {spec.Image} exited at once (exit {inspected.State?.ExitCode})", Retryable: false));
            }

            warm.Pid = (int)inspected.State.Pid;
            Log.WarmStarted(_logger, warm.Id, spec.Image, key.JobId);
            EnsureReaper();
            return (warm, null);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException)
        {
            await RemoveWarmAsync(warm, "it could not be started", removeContainer: created || warm.Id.Length > 0).ConfigureAwait(false);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            if (ex is DockerImageNotFoundException || (ex is DockerApiException { StatusCode: HttpStatusCode.NotFound } api && !created
                && api.ResponseBody?.Contains("No such image", StringComparison.OrdinalIgnoreCase) == true))
            {
                return (null, ImageMissing(spec.Image));
            }

            var verdict = ex is DockerApiException engine
                ? new Verdict(ContainerOutcome.StartFailed, null, $"Docker Engine refused the warm container ({(int)engine.StatusCode}): {EngineMessage(engine)}",
                    Retryable: engine.StatusCode != HttpStatusCode.BadRequest)
                : new Verdict(ContainerOutcome.StartFailed, null, $"Docker Engine at {_options.Endpoint} or the host failed: {OneLine(ex.Message)}", Retryable: true);
            Log.StartFailed(_logger, warm.Id.Length > 0 ? warm.Id : name, verdict.Reason, ex);
            return (null, verdict);
        }
    }

    /// <summary>Runs the exec to its end, reading its output as it comes; kills the container on timeout or at the output cap.</summary>
    private async Task<(KillReason Reason, string? Detail)> ExecAsync(WarmContainer warm, string execId, ContainerLimits limits, LogTail stdout, LogTail stderr,
        Action<TimeSpan> started, PhaseClock clock, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limits.Timeout, _time);
        using var cap = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, cap.Token);
        string? capReason = null;
        var poller = warm.Out.IsTmpfs ? Task.CompletedTask : PollOutputAsync(warm.Out, reason =>
        {
            capReason = reason;
            cap.Cancel();
        }, linked.Token);
        try
        {
            // The untimed client: the stream lasts as long as the unit runs.
            using var stream = await _waitClient.Exec.StartAndAttachContainerExecAsync(execId, tty: false, linked.Token).ConfigureAwait(false);
            started(clock.Lap());
            // A read blocked on the socket does not always watch the token; closing the stream ends it.
            await using var closeOnCancel = linked.Token.Register(stream.Dispose).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, linked.Token).ConfigureAwait(false);
                    if (read.EOF)
                    {
                        return (KillReason.None, null);
                    }

                    (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Append(buffer.AsSpan(0, read.Count));
                }
            }
            catch (Exception ex) when (linked.IsCancellationRequested && ex is ObjectDisposedException or IOException or SocketException)
            {
                throw new OperationCanceledException(linked.Token);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = capReason is not null ? KillReason.OutputCap : KillReason.Timeout;
            Log.KillingContainer(_logger, warm.Id, capReason ?? "timeout");
            await KillAndWaitAsync(warm.Id, cancellationToken).ConfigureAwait(false);
            return (reason, capReason);
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await poller.ConfigureAwait(false);
        }
    }

    /// <summary>The exec's exit code. The attach stream can end a moment before the engine has recorded the exit.</summary>
    private async Task<int> ExitCodeAsync(string execId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var inspected = await _client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
            if (!inspected.Running || attempt >= 200)
            {
                return (int)inspected.ExitCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Processes left in the container besides the keep-alive: an orphan of the unit is re-parented to PID 1 (the
    /// keep-alive), so the keep-alive's children are exactly the unit's leftovers. Null when that cannot be read
    /// (not root, or the container died), which the caller treats as unclean.
    /// </summary>
    private static int? CountStrays(WarmContainer warm)
    {
        try
        {
            if (!IsKeepAlive(warm))
            {
                return null;
            }

            var pid = warm.Pid.ToString(CultureInfo.InvariantCulture);
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            return children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the PID still is the container's keep-alive (its cgroup names the container). Checked before the runner
    /// reaches into /proc/PID/root: should the container have died and the PID been reused by a host process, that path
    /// would be the host's root. Only the runner kills warm containers, and only after it is done with the PID.
    /// </summary>
    private static bool IsKeepAlive(WarmContainer warm)
    {
        try
        {
            return warm.Id.Length > 0 && File.ReadAllText($"/proc/{warm.Pid.ToString(CultureInfo.InvariantCulture)}/cgroup").Contains(warm.Id, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Empties what a unit could have written and checks it; returns why the container cannot be reused, or null.</summary>
    private static string? Reset(WarmContainer warm)
    {
        if (!IsKeepAlive(warm))
        {
            return "its keep-alive is gone";
        }

        // Through /proc/PID/root the runner sees the container's own mounts (tmpfs /tmp, /dev/shm, /dev/mqueue).
        var root = $"/proc/{warm.Pid.ToString(CultureInfo.InvariantCulture)}/root";
        var places = new List<(string Path, string Name)> { (warm.Out.Path, "/out"), (warm.InputPath, "/in") };
        places.AddRange(ScratchMounts.Select(mount => (Path.Combine(root, mount), "/" + mount)));
        foreach (var (path, name) in places)
        {
            try
            {
                if (!Directory.Exists(path))
                {
                    // /dev/mqueue is not mounted everywhere; everything else must be there.
                    if (name == "/dev/mqueue")
                    {
                        continue;
                    }

                    return $"{name} could not be found for cleaning";
                }

                EmptyDirectory(path);
                if (Directory.EnumerateFileSystemEntries(path).Any())
                {
                    return $"{name} is not empty after cleaning";
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"{name} could not be emptied: {OneLine(ex.Message)}";
            }
        }

        return CountStrays(warm) is 0 ? null : "a process appeared while it was being cleaned";
    }

    /// <summary>
    /// Deletes everything under <paramref name="directory"/>, deciding with lstat at every level: a link is unlinked,
    /// never followed. This matters: seen from the host, an absolute link a unit made in /tmp points into the host.
    /// </summary>
    private static void EmptyDirectory(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            if (Native.LStat(entry).FileType == Native.TypeDirectory)
            {
                EmptyDirectory(entry);
                Directory.Delete(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    /// <summary>Gives the unit's staged inputs to the warm container's <c>/in</c> as hard links (copies across file systems).</summary>
    [SupportedOSPlatform("linux")]
    private static void LinkInputs(string? source, string target)
    {
        if (source is null)
        {
            return;
        }

        var pending = new Stack<(string From, string To)>();
        pending.Push((source, target));
        while (pending.Count > 0)
        {
            var (from, to) = pending.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(from))
            {
                var destination = Path.Combine(to, Path.GetFileName(entry));
                var type = Native.LStat(entry).FileType;
                if (type == Native.TypeDirectory)
                {
                    Directory.CreateDirectory(destination, (UnixFileMode)0x1ED);
                    pending.Push((entry, destination));
                }
                else if (type == Native.TypeRegular && !Native.TryHardLink(entry, destination))
                {
                    File.Copy(entry, destination);
                    File.SetUnixFileMode(destination, (UnixFileMode)0x1A4);
                }
            }
        }
    }

    private WarmContainer? TakeIdle(WarmKey key)
    {
        lock (_warmLock)
        {
            if (!_idle.TryGetValue(key, out var list) || list.Count == 0)
            {
                return null;
            }

            // The most recently used first: the others then go idle and are reaped when the job needs fewer.
            var warm = list[^1];
            list.RemoveAt(list.Count - 1);
            return warm;
        }
    }

    private List<WarmContainer> TakeIdle(Func<WarmContainer, bool> predicate)
    {
        var taken = new List<WarmContainer>();
        lock (_warmLock)
        {
            foreach (var list in _idle.Values)
            {
                taken.AddRange(list.Where(predicate));
                list.RemoveAll(warm => taken.Contains(warm));
            }
        }

        return taken;
    }

    private void Return(WarmContainer warm)
    {
        warm.Units++;
        warm.IdleSince = _time.GetTimestamp();
        lock (_warmLock)
        {
            if (!_idle.TryGetValue(warm.Key, out var list))
            {
                _idle[warm.Key] = list = [];
            }

            list.Add(warm);
        }
    }

    private void EnsureReaper()
    {
        lock (_warmLock)
        {
            _reaper ??= Task.Run(() => ReapAsync(_reaperStop.Token));
        }
    }

    /// <summary>Removes warm containers idle for longer than <see cref="DockerRunnerOptions.WarmIdleTimeout"/>.</summary>
    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Max(_options.WarmIdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var warm in TakeIdle(w => _time.GetElapsedTime(w.IdleSince) >= _options.WarmIdleTimeout))
                {
                    InBackground(() => RemoveWarmAsync(warm, "idle"));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task RemoveWarmAsync(WarmContainer warm, string reason, bool removeContainer = true)
    {
        if (removeContainer)
        {
            await RemoveAsync(warm.Name, warm.Id.Length > 0 ? warm.Id : null).ConfigureAwait(false);
        }

        Log.WarmRetired(_logger, warm.Id, warm.Key.JobId, warm.Units, reason);
        if (warm.Out.Cleanup() is { } problem)
        {
            Log.StagingCleanupFailed(_logger, warm.Id, problem);
        }

        try
        {
            Directory.Delete(warm.InputPath, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StagingCleanupFailed(_logger, warm.Id, $"delete {warm.InputPath} failed: {ex.Message}");
        }
    }

    /// <summary>What a warm container is shared by: units that differ in any of these never meet in one container.</summary>
    private readonly record struct WarmKey(string WorkerId, string JobId, string Image, double Cpus, long MemoryBytes, long PidsLimit,
        long OutputCapBytes, long TmpCapBytes, bool AllowNetwork);

    private sealed class WarmContainer(WarmKey key, string name, OutputArea area, string inputPath)
    {
        public WarmKey Key { get; } = key;

        public string Name { get; } = name;

        public string Id { get; set; } = "";

        /// <summary>The keep-alive's PID on the host: the way into the container's mounts and process tree.</summary>
        public int Pid { get; set; }

        public OutputArea Out { get; } = area;

        public string InputPath { get; } = inputPath;

        public int Units { get; set; }

        public long IdleSince { get; set; }
    }
}
