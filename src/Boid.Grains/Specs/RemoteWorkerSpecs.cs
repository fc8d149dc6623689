using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using YamlDotNet.RepresentationModel;

namespace Boid.Grains.Specs;

/// <summary>The spec fields for remote workers: a job's <c>requirements</c> and a protocol's <c>remote_workers</c>.</summary>
internal static class RemoteWorkerSpecs
{
    /// <summary>The architectures a worker can advertise (.NET runtime identifiers).</summary>
    public static readonly string[] Architectures = ["linux-x64", "linux-arm64"];

    /// <summary><c>requirements: {arch: [linux-x64], min_memory: 2Gi, min_cores: 2, gpus: 1}</c>.</summary>
    public static WorkerRequirements? ReadRequirements(SpecReader r, YamlMappingNode root)
    {
        var node = r.Mapping(root, "", "requirements");
        if (node is null)
        {
            return null;
        }

        r.CheckFields(node, "requirements", "arch", "min_memory", "min_cores", "gpus");
        var arch = r.StringList(node, "requirements", "arch") ?? [];
        foreach (var a in arch.Where(a => !Architectures.Contains(a, StringComparer.Ordinal)))
        {
            r.Problem("requirements.arch", $"'{a}' is not an architecture workers advertise ({string.Join(", ", Architectures)})", node);
        }

        return new WorkerRequirements
        {
            Architectures = arch,
            MinMemoryBytes = r.Bytes(node, "requirements", "min_memory", 0, long.MaxValue) ?? 0,
            MinCores = (int)(r.Integer(node, "requirements", "min_cores", 0, 4096) ?? 0),
            Gpus = (int)(r.Integer(node, "requirements", "gpus", 0, 64) ?? 0),
        };
    }

    /// <summary><c>remote_workers: {join: open|approved, approved: [accounts], results: replicated-only|any}</c>.</summary>
    public static RemoteWorkerPolicy? ReadPolicy(SpecReader r, YamlMappingNode root)
    {
        var node = r.Mapping(root, "", "remote_workers");
        if (node is null)
        {
            return null;
        }

        r.CheckFields(node, "remote_workers", "join", "approved", "results");
        var join = r.String(node, "remote_workers", "join") switch
        {
            null or "open" => RemoteJoinPolicy.Open,
            "approved" => RemoteJoinPolicy.Approved,
            var other => Bad(r, "remote_workers.join", $"expected open or approved, got '{other}'", RemoteJoinPolicy.Approved),
        };
        var results = r.String(node, "remote_workers", "results") switch
        {
            null or "replicated-only" => RemoteResultsPolicy.ReplicatedOnly,
            "any" => RemoteResultsPolicy.Any,
            var other => Bad(r, "remote_workers.results", $"expected replicated-only or any, got '{other}'", RemoteResultsPolicy.ReplicatedOnly),
        };
        var approved = r.StringList(node, "remote_workers", "approved") ?? [];
        foreach (var account in approved)
        {
            if (AntelopeName.Problem(account) is { } problem)
            {
                r.Problem("remote_workers.approved", $"'{account}': {problem}", node);
            }
        }

        return new RemoteWorkerPolicy { Join = join, Approved = approved, Results = results };
    }

    private static T Bad<T>(SpecReader r, string field, string problem, T fallback)
    {
        r.Problem(field, problem);
        return fallback;
    }
}
