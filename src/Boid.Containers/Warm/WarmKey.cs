namespace Boid.Containers.Warm;

/// <summary>What a warm container is shared by: units that differ in any of these never meet in one container.</summary>
internal readonly record struct WarmKey(string WorkerId, string JobId, string Image, double Cpus, long MemoryBytes, long PidsLimit,
    long OutputCapBytes, long TmpCapBytes, bool AllowNetwork)
{
    public static WarmKey For(ContainerRunSpec spec, string workerId) => new(workerId, spec.Labels[DockerContainerRunner.JobLabel], spec.Image,
        spec.Limits.Cpus, spec.Limits.MemoryBytes, spec.Limits.PidsLimit, spec.Limits.OutputCapBytes, spec.Limits.TmpCapBytes, spec.Sandbox.AllowNetwork);
}
