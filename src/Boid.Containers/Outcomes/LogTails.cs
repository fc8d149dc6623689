using Docker.DotNet;

namespace Boid.Containers.Outcomes;

/// <summary>The tails of a unit's stdout and stderr, filled from a demultiplexed Engine stream (container logs or exec attach).</summary>
internal sealed class LogTails(int capacity)
{
    /// <summary>Bytes kept of each stream (<see cref="ContainerLimits.LogTailBytes"/>).</summary>
    public int Capacity { get; } = Math.Max(capacity, 0);

    public LogTail Stdout { get; } = new(capacity);

    public LogTail Stderr { get; } = new(capacity);

    /// <summary>Reads <paramref name="stream"/> to its end, keeping the tail of each of its two streams.</summary>
    public async Task ReadAsync(MultiplexedStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                return;
            }

            (read.Target == MultiplexedStream.TargetStream.StandardError ? Stderr : Stdout).Append(buffer.AsSpan(0, read.Count));
        }
    }
}
