using Boid.Testing.Specs;

namespace Boid.Volunteer.Tests;

/// <summary>The volunteer tests' protocols (remote workers admitted) and the pi example, reduced: few units, few samples.</summary>
public static class Specs
{
    public static string Protocol(string name, string join = "open", string results = "any", params string[] approved) =>
        Spec.Protocol(name, ["boid/montecarlo-pi:*"], "remote_workers:", $"  join: {join}", $"  approved: [{string.Join(", ", approved)}]", $"  results: {results}");

    public static string Pi(string protocol, int units, int samples, string extra = "", string maxSize = "1Mi")
    {
        var job = Spec.Pi(protocol, units, samples, maxSize: maxSize).Name("pi-volunteer");
        return extra.Length > 0 ? job.Line(extra) : job;
    }

    /// <summary>A fresh key file (boid keys new), returned with its path.</summary>
    public static string NewKeyFile()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("boid-vol-key-").FullName, "worker.key");
        Boid.Worker.Remote.KeyFiles.CreateNew(path);
        return path;
    }
}
