namespace Boid.Volunteer.Tests;

/// <summary>The pi example, reduced: few units, few samples.</summary>
public static class Specs
{
    public static string Protocol(string name, string join = "open", string results = "any", params string[] approved) => $"""
        name: {name}
        images: ["boid/montecarlo-pi:*"]
        remote_workers:
          join: {join}
          approved: [{string.Join(", ", approved)}]
          results: {results}
        """;

    public static string Pi(string protocol, int units, int samples, string extra = "", string maxSize = "1Mi") => $"""
        protocol: {protocol}
        name: pi-volunteer
        image: boid/montecarlo-pi:1
        command: ["/app/pi.sh", "{"{{unit}}"}", "{samples}", "1000"]
        units: {units}
        resources: {"{cpus: 1, memory: 64Mi, timeout: 2m}"}
        outputs: {"{"}max_size: {maxSize}, required: [result.txt]{"}"}
        amalgamate:
          command: ["/app/amalgamate.sh"]
          resources: {"{memory: 64Mi, timeout: 2m}"}
        {extra}
        """;

    public static string NewAccount(string prefix)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz12345";
        return prefix + new string(Enumerable.Range(0, 12 - prefix.Length).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)]).ToArray());
    }

    /// <summary>A fresh key file (boid keys new), returned with its path.</summary>
    public static string NewKeyFile()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("boid-vol-key-").FullName, "worker.key");
        Boid.Worker.Remote.KeyFiles.CreateNew(path);
        return path;
    }
}
