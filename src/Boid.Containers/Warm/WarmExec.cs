using System.Globalization;
using System.Net.Sockets;
using Boid.Containers.Engine;
using Boid.Containers.Outcomes;
using Docker.DotNet.Models;

namespace Boid.Containers.Warm;

/// <summary>
/// How a unit's process runs in a warm container: a Docker exec as the sandbox user with the unit's argv and environment,
/// its stdout and stderr tails read from the attach stream as they come, its exit code from an exec inspect.
/// </summary>
internal static class WarmExec
{
    public static async Task<string> CreateAsync(DockerEngine engine, WarmContainer warm, ContainerRunSpec spec, CancellationToken cancellationToken)
    {
        var options = engine.Options;
        var exec = await engine.Client.Exec.ExecCreateContainerAsync(warm.Id, new ContainerExecCreateParameters
        {
            Cmd = [.. spec.Command],
            Env = [.. spec.Environment.Select(pair => $"{pair.Key}={pair.Value}")],
            User = string.Create(CultureInfo.InvariantCulture, $"{options.SandboxUserId}:{options.SandboxGroupId}"),
            AttachStdin = false,
            AttachStdout = true,
            AttachStderr = true,
            Tty = false,
            Privileged = false,
        }, cancellationToken).ConfigureAwait(false);
        return exec.ID;
    }

    /// <summary>
    /// Runs the exec to its end, reading its output as it comes; kills the container at the timeout or the output cap.
    /// <paramref name="started"/> is called once the exec runs.
    /// </summary>
    public static async Task<UnitExit> RunAsync(DockerEngine engine, WarmContainer warm, string execId, TimeSpan timeout, LogTails tails,
        Action started, CancellationToken cancellationToken)
    {
        var watch = new RunWatch(engine, warm.Out, timeout, cancellationToken);
        await using (watch.ConfigureAwait(false))
        {
            try
            {
                // The untimed client: the stream lasts as long as the unit runs.
                using var stream = await engine.WaitClient.Exec.StartAndAttachContainerExecAsync(execId, tty: false, watch.Token).ConfigureAwait(false);
                started();
                // A read blocked on the socket does not always watch the token; closing the stream ends it.
                await using var closeOnCancel = watch.Token.Register(stream.Dispose).ConfigureAwait(false);
                try
                {
                    await tails.ReadAsync(stream, watch.Token).ConfigureAwait(false);
                    return UnitExit.Ended;
                }
                catch (Exception ex) when (watch.Token.IsCancellationRequested && ex is ObjectDisposedException or IOException or SocketException)
                {
                    throw new OperationCanceledException(watch.Token);
                }
            }
            catch (OperationCanceledException) when (watch.LimitReached)
            {
                return await watch.KillAsync(warm.Id).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The exec's exit code. The attach stream can end a moment before the engine has recorded the exit.</summary>
    public static async Task<int> ExitCodeAsync(DockerEngine engine, string execId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var inspected = await engine.Client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
            if (!inspected.Running || attempt >= 200)
            {
                return (int)inspected.ExitCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), engine.Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
