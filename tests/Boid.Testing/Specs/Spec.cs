using System.Globalization;

namespace Boid.Testing.Specs;

/// <summary>The protocols and jobs the end-to-end tests submit.</summary>
public static class Spec
{
    /// <summary>The example images' base: busybox with nothing else (deploy/images).</summary>
    public const string Busybox = "boid/busybox:1";

    /// <summary>The Monte-Carlo pi example's image.</summary>
    public const string PiImage = "boid/montecarlo-pi:1";

    /// <summary>
    /// A protocol named <paramref name="name"/> accepting <paramref name="images"/> (every <c>boid/*</c> image by default),
    /// with any further YAML <paramref name="lines"/> (<c>data_dir</c>, <c>rates</c>, <c>remote_workers</c>…).
    /// </summary>
    public static string Protocol(string name, IEnumerable<string>? images = null, params string[] lines)
    {
        var accepted = string.Join(", ", (images ?? ["boid/*"]).Select(i => $"\"{i}\""));
        return string.Join('\n', [$"name: {name}", $"images: [{accepted}]", .. lines]) + "\n";
    }

    /// <summary>A job of <see cref="Busybox"/> under <paramref name="protocol"/>, to which the test adds its fields.</summary>
    public static JobYaml Job(string protocol, string image = Busybox) => new(protocol, image);

    /// <summary>
    /// The Monte-Carlo pi example's job (as examples/montecarlo-pi/job.yaml, in flow style): <paramref name="units"/> units of
    /// <paramref name="samples"/> samples, pooled by its amalgamation. It is deterministic (unit i seeds with 1000 + i), so any
    /// correct run's result.json is byte-identical to another's. Units may sleep first, to be caught mid-unit; that changes
    /// no output.
    /// </summary>
    public static JobYaml Pi(string protocol, int units, int samples, double sleepSeconds = 0, string maxSize = "1Mi")
    {
        var job = Job(protocol, PiImage).Name("pi");
        var count = samples.ToString(CultureInfo.InvariantCulture);
        job = sleepSeconds > 0
            ? job.Shell($"sleep {sleepSeconds.ToString(CultureInfo.InvariantCulture)}; exec /app/pi.sh {{{{unit}}}} {count} 1000")
            : job.Command("/app/pi.sh", "{{unit}}", count, "1000");
        return job.Units(units)
            .Resources("cpus: 1, memory: 64Mi, timeout: 2m")
            .Outputs($"max_size: {maxSize}, required: [result.txt]")
            .Line("amalgamate:", "  command: [\"/app/amalgamate.sh\"]", "  resources: {memory: 64Mi, timeout: 2m}");
    }

    /// <summary>An example's file (examples/NAME/FILE) with each replacement made; a replacement that no longer matches fails.</summary>
    public static string Example(string example, string file, params (string Old, string New)[] replacements)
    {
        var text = File.ReadAllText(Repository.Example(example, file));
        foreach (var (old, replacement) in replacements)
        {
            text = Replace(text, old, replacement);
        }

        return text;
    }

    /// <summary>Replaces <paramref name="old"/> in a spec and insists it was there, so a changed example fails loudly.</summary>
    public static string Replace(string spec, string old, string replacement)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Assert.True(spec.Contains(old, StringComparison.Ordinal), $"the spec no longer contains '{old}': update the test's reduced size");
        return spec.Replace(old, replacement, StringComparison.Ordinal);
    }
}
