using Boid.Containers.Staging;

namespace Boid.Containers.Outcomes;

/// <summary>What a run came to, before it becomes a <see cref="ContainerRunResult"/>; a success carries the files to collect.</summary>
internal sealed record Verdict(ContainerOutcome Outcome, int? ExitCode, string Reason, bool Retryable)
{
    /// <summary>The validated files of <c>/out</c>, on <see cref="ContainerOutcome.Succeeded"/> only.</summary>
    public IReadOnlyList<ScannedFile>? Files { get; init; }
}
