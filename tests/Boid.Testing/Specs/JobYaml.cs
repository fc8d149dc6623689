using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Boid.Testing.Specs;

/// <summary>
/// A job spec (docs/job-spec.md) written field by field, for tests that submit one: the common fields as methods (a
/// field set twice keeps the last value), anything else as YAML lines. <see cref="ToString"/> is the YAML text.
/// </summary>
public sealed class JobYaml(string protocol, string image)
{
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<string> _lines = [$"protocol: {protocol}", $"image: {image}"];

    public JobYaml Name(string name) => Set("name", name);

    /// <summary>The argv, each element quoted (a YAML double-quoted string is JSON's).</summary>
    public JobYaml Command(params string[] argv) => Set("command", Quote(argv));

    /// <summary><c>command: ["sh", "-c", script]</c>.</summary>
    public JobYaml Shell(string script) => Command("sh", "-c", script);

    public JobYaml Units(int units) => Set("units", units.ToString(CultureInfo.InvariantCulture));

    /// <summary>A sweep of one parameter over <paramref name="values"/> (each quoted): one unit per value.</summary>
    public JobYaml Sweep(string parameter, params string[] values) =>
        Line("sweep:").Line($"  {parameter}:", [.. values.Select(v => "    - " + Quote(v))]);

    /// <summary><c>resources: {…}</c>, e.g. <c>Resources("memory: 64Mi, timeout: 4s")</c>.</summary>
    public JobYaml Resources(string flow) => Set("resources", $"{{{flow}}}");

    /// <summary><c>outputs: {…}</c>, e.g. <c>Outputs("required: [n.txt]")</c>.</summary>
    public JobYaml Outputs(string flow) => Set("outputs", $"{{{flow}}}");

    public JobYaml MaxAttempts(int attempts) => Set("max_attempts", attempts.ToString(CultureInfo.InvariantCulture));

    /// <summary>One attempt per unit and no failure threshold: for jobs whose units are meant to fail.</summary>
    public JobYaml EveryFailureCounts() => MaxAttempts(1).Line("max_failed_percent: 100");

    /// <summary>Any other field, as YAML lines (top level: no indentation).</summary>
    public JobYaml Line(string line, params string[] more)
    {
        _lines.Add(line);
        _lines.AddRange(more);
        return this;
    }

    public override string ToString() => string.Join('\n', _lines) + "\n";

    /// <summary>Sets a one-line top-level field, replacing the line it had (a preset such as <see cref="Spec.Pi"/> may have set it).</summary>
    private JobYaml Set(string field, string value)
    {
        var line = $"{field}: {value}";
        var at = _lines.FindIndex(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        if (at < 0)
        {
            _lines.Add(line);
        }
        else
        {
            _lines[at] = line;
        }

        return this;
    }

    public static implicit operator string(JobYaml spec) => spec?.ToString() ?? "";

    private static string Quote(string text) => JsonSerializer.Serialize(text, Quoting);

    private static string Quote(string[] items) => "[" + string.Join(", ", items.Select(Quote)) + "]";
}
