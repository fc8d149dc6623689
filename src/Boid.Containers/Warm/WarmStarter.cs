using System.Globalization;
using System.Runtime.Versioning;
using Boid.Containers.Engine;
using Boid.Containers.Outcomes;
using Boid.Containers.Staging;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Boid.Containers.Warm;

/// <summary>
/// Creates and starts a warm container for a <see cref="WarmKey"/>: the same sandbox as a fresh container, with the
/// keep-alive as PID 1 and staging areas of its own for <c>/out</c> and <c>/in</c>. When that fails, the run's recorder
/// holds why and nothing of the container is left.
/// </summary>
internal sealed class WarmStarter(DockerEngine engine, StagingAreas staging, ImageStep images, WarmPool pool)
{
    private const UnixFileMode InputMode = (UnixFileMode)0x1ED; // 0755: the unit (another uid) reads it

    /// <summary>
    /// PID 1 of a warm container, which the image must provide. Docker's init (tini) cannot be the keep-alive: it only
    /// supervises the program it is given. Run directly (no init), a missing program fails the start request itself.
    /// </summary>
    private static readonly string[] KeepAlive = ["sleep", "2147483647"];

    /// <summary>A started warm container, or null when <paramref name="record"/> holds the verdict.</summary>
    [SupportedOSPlatform("linux")]
    public async Task<WarmContainer?> StartAsync(WarmKey key, ContainerRunSpec spec, RunRecorder record, CancellationToken cancellationToken)
    {
        if (await images.PrepareAsync(spec.Image, cancellationToken).ConfigureAwait(false) is { } unavailable)
        {
            record.Decide(unavailable);
            return null;
        }

        if (Stage(key, spec, record) is not { } warm)
        {
            return null;
        }

        var created = false;
        try
        {
            // Not cancellable, as for a fresh container: an abandoned create can complete after the removal looked for it.
            var response = await engine.Client.Containers.CreateContainerAsync(Parameters(spec, warm), CancellationToken.None).ConfigureAwait(false);
            created = true;
            warm.Id = response.ID;
            cancellationToken.ThrowIfCancellationRequested();
            if (!await StartKeepAliveAsync(warm, spec, record, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            Log.WarmStarted(engine.Logger, warm.Id, spec.Image, key.JobId);
            pool.StartExpiry();
            return warm;
        }
        catch (Exception ex) when (EngineFailure.Covers(ex))
        {
            await warm.RemoveAsync(engine, "it could not be started", removeContainer: created).ConfigureAwait(false);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            record.Failed(ex, "the warm container", created ? warm.Id : warm.Name, created);
            return null;
        }
    }

    /// <summary>The staging areas of a new warm container; null when <paramref name="record"/> holds why they could not be made.</summary>
    [SupportedOSPlatform("linux")]
    private WarmContainer? Stage(WarmKey key, ContainerRunSpec spec, RunRecorder record)
    {
        var runId = "warm-" + StagingAreas.NewRunId();
        try
        {
            var area = staging.Create(key.WorkerId, runId, spec.Limits.OutputCapBytes, engine.Options.SandboxUserId, engine.Options.SandboxGroupId);
            // A sibling of the /out area, so that RemoveLeftoversAsync finds it too; the runner fills it with each unit's inputs.
            var inputPath = area.Path + ".in";
            Directory.CreateDirectory(inputPath, InputMode);
            return new WarmContainer(key, "boid-" + runId, area, inputPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            record.Decide(new Verdict(ContainerOutcome.StartFailed, null,
                $"could not prepare the staging area of a warm container: {Text.OneLine(ex.Message)}", Retryable: true));
            return null;
        }
    }

    private CreateContainerParameters Parameters(ContainerRunSpec spec, WarmContainer warm)
    {
        var (uid, gid) = (engine.Options.SandboxUserId, engine.Options.SandboxGroupId);
        var labels = spec.Labels
            .Where(pair => pair.Key is not ("boid.unit" or "boid.lease"))
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        labels[DockerContainerRunner.WarmLabel] = "1";
        // The same parameters as a fresh container (one code path for the sandbox), with the keep-alive as the process, without init.
        var parameters = SandboxParameters.Build(
            spec with { Command = KeepAlive, Environment = new Dictionary<string, string>(), InputDirectory = warm.InputPath, Labels = labels },
            warm.Name, warm.Out.Path, uid, gid, useInit: false);
        // The keep-alive runs as a user of its own, so that a unit (SandboxUserId) can neither signal nor trace it and so
        // live on inside it; units get their user per exec.
        parameters.User = string.Create(CultureInfo.InvariantCulture, $"{uid + 1}:{gid}");
        return parameters;
    }

    /// <summary>Starts the keep-alive and learns its PID; false when <paramref name="record"/> holds why the image cannot serve.</summary>
    private async Task<bool> StartKeepAliveAsync(WarmContainer warm, ContainerRunSpec spec, RunRecorder record, CancellationToken cancellationToken)
    {
        var keepAlive = string.Join(' ', KeepAlive);
        try
        {
            await engine.Client.Containers.StartContainerAsync(warm.Id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (EngineFailure.Message(ex) is var message
            && (message.Contains("executable file not found", StringComparison.OrdinalIgnoreCase) || message.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase)))
        {
            await warm.RemoveAsync(engine, "its keep-alive is missing").ConfigureAwait(false);
            record.Decide(new Verdict(ContainerOutcome.StartFailed, null,
                $"warm mode: image {spec.Image} has no keep-alive program `{keepAlive}` ({message}); "
                + "warm containers need `sleep` in the image, or run the job in fresh containers (resources.container: fresh)", Retryable: false));
            return false;
        }

        var inspected = await engine.Client.Containers.InspectContainerAsync(warm.Id, cancellationToken).ConfigureAwait(false);
        if (inspected.State is not { Running: true, Pid: > 0 })
        {
            await warm.RemoveAsync(engine, "it stopped at once").ConfigureAwait(false);
            record.Decide(new Verdict(ContainerOutcome.StartFailed, null,
                $"warm mode: the keep-alive `{keepAlive}` of image {spec.Image} exited at once (exit {inspected.State?.ExitCode})", Retryable: false));
            return false;
        }

        warm.Pid = (int)inspected.State.Pid;
        return true;
    }
}
