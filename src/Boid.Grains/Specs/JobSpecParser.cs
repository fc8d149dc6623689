using System.Text.RegularExpressions;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;
using YamlDotNet.RepresentationModel;

namespace Boid.Grains.Specs;

/// <summary>
/// Reads a job spec (YAML; JSON is YAML too) into a <see cref="JobSpec"/>. Checks everything that can be
/// checked without the cluster: fields, types, ranges, placeholders. <see cref="JobSpecValidator"/> checks
/// the rest (protocol, accepted images, the cluster's size limit). Reference: docs/job-spec.md.
/// </summary>
public static partial class JobSpecParser
{
    public const long MaxMemoryBytes = 1L << 40;
    public const long MaxOutputBytes = 64L << 30;
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(7);

    private static readonly string[] TopFields =
        ["protocol", "name", "image", "command", "env", "units", "sweep", "resources", "max_attempts", "max_failed_percent", "outputs", "amalgamate", "replication", "inputs", "requirements"];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,31}$")]
    private static partial Regex ParameterName();

    /// <exception cref="BoidException">The spec is not valid; the message names every field at fault.</exception>
    public static JobSpec Parse(string yaml, string documentName = "job spec")
    {
        var root = SpecReader.Load(yaml, documentName);
        var r = new SpecReader(documentName);
        r.CheckFields(root, "", TopFields);

        var protocol = r.String(root, "", "protocol", required: true);
        if (protocol is not null && AntelopeName.Problem(protocol) is { } nameProblem)
        {
            r.Problem("protocol", nameProblem, SpecReader.Child(root, "protocol"));
        }

        var image = r.String(root, "", "image", required: true);
        if (image is not null && image.Any(char.IsWhiteSpace))
        {
            r.Problem("image", $"'{image}' is not an image reference (it contains white space)", SpecReader.Child(root, "image"));
        }

        var command = r.StringList(root, "", "command", required: true);
        var environment = r.StringMap(root, "", "env") ?? new Dictionary<string, string>();
        var sweep = ReadSweep(r, root);
        var resources = ReadResources(r, root, "resources");
        var maxAttempts = (int?)r.Integer(root, "", "max_attempts", 1, 100);
        var maxFailedPercent = r.Number(root, "", "max_failed_percent", -1e-9, 100);
        var outputs = ReadOutputs(r, root);
        var amalgamate = ReadAmalgamation(r, root, image);
        var replication = ReadReplication(r, root);
        var requirements = RemoteWorkerSpecs.ReadRequirements(r, root);

        if (sweep is not null)
        {
            var names = sweep.Parameters.Select(p => p.Name).Append("unit").ToHashSet(StringComparer.Ordinal);
            CheckPlaceholders(r, "command", command ?? [], names);
            CheckPlaceholders(r, "env", environment.Values, names, environment.Keys.ToList());
        }

        var inputs = ReadInputs(r, root, sweep);
        r.ThrowIfProblems();
        return new JobSpec
        {
            Protocol = protocol!,
            Name = r.String(root, "", "name") ?? "",
            Image = image!,
            Command = command!,
            Environment = environment,
            Sweep = sweep!,
            Resources = resources ?? new ResourceSpec(),
            MaxAttempts = maxAttempts ?? 3,
            MaxFailedPercent = maxFailedPercent ?? 0,
            Outputs = outputs ?? new OutputSpec(),
            Amalgamate = amalgamate,
            Replication = replication,
            Inputs = inputs,
            Requirements = requirements,
        };
    }

    private static ReplicationSpec? ReadReplication(SpecReader r, YamlMappingNode root)
    {
        var node = r.Mapping(root, "", "replication");
        if (node is null)
        {
            return null;
        }

        r.CheckFields(node, "replication", "copies", "quorum", "max_copies", "compare");
        var copies = (int)(r.Integer(node, "replication", "copies", 1, 20) ?? 2);
        var quorum = (int)(r.Integer(node, "replication", "quorum", 1, 20) ?? Math.Min(2, copies));
        var maxCopies = (int)(r.Integer(node, "replication", "max_copies", 1, 50) ?? Math.Max(copies, quorum) * 2);
        if (quorum > copies)
        {
            r.Problem("replication.quorum", $"{quorum} is more than copies ({copies}): a quorum needs that many copies at first", node);
        }

        if (maxCopies < copies)
        {
            r.Problem("replication.max_copies", $"{maxCopies} is less than copies ({copies})", node);
        }

        double? tolerance = null;
        switch (SpecReader.Child(node, "compare"))
        {
            case null:
            case YamlScalarNode { Value: "exact" }:
                break;
            case YamlMappingNode compare:
                r.CheckFields(compare, "replication.compare", "numeric");
                tolerance = r.Number(compare, "replication.compare", "numeric", 0, 1);
                if (SpecReader.Child(compare, "numeric") is null)
                {
                    r.Problem("replication.compare.numeric", "is required: the relative tolerance, e.g. 1e-9", compare);
                }

                break;
            case var other:
                r.Problem("replication.compare", $"expected exact or {{numeric: TOLERANCE}}, got {SpecReader.Describe(other)}", other);
                break;
        }

        return new ReplicationSpec { Copies = copies, Quorum = quorum, MaxCopies = maxCopies, NumericTolerance = tolerance };
    }

    private static Sweep? ReadSweep(SpecReader r, YamlMappingNode root)
    {
        var unitsNode = SpecReader.Child(root, "units");
        var sweepNode = r.Mapping(root, "", "sweep");
        if (unitsNode is not null && sweepNode is not null)
        {
            r.Problem("units", "give either units (a count) or sweep (parameters), not both", unitsNode);
            return null;
        }

        if (sweepNode is null)
        {
            if (unitsNode is null)
            {
                if (SpecReader.Child(root, "sweep") is null)
                {
                    r.Problem("units", "is required (or give a sweep)");
                }

                return null;
            }

            var count = r.Integer(unitsNode, "units", 1, long.MaxValue);
            return count is null ? null : new Sweep { Count = count.Value };
        }

        var parameters = new List<SweepParameter>();
        foreach (var (keyNode, valueNode) in sweepNode.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = $"sweep.{name}";
            if (!ParameterName().IsMatch(name) || name == "unit")
            {
                r.Problem(field, "a parameter name is a-z, 0-9 and '_', starts with a letter or '_', at most 32 characters, and is not 'unit'", keyNode);
                continue;
            }

            if (ReadParameter(r, field, name, valueNode) is { } parameter)
            {
                parameters.Add(parameter);
            }
        }

        if (parameters.Count == 0)
        {
            if (!r.HasProblems)
            {
                r.Problem("sweep", "has no parameters", sweepNode);
            }

            return null;
        }

        var sweep = new Sweep { Parameters = parameters };
        try
        {
            _ = sweep.UnitCount;
        }
        catch (OverflowException)
        {
            r.Problem("sweep", "expands to more units than can be counted", sweepNode);
            return null;
        }

        return sweep;
    }

    private static SweepParameter? ReadParameter(SpecReader r, string field, string name, YamlNode node)
    {
        if (node is YamlSequenceNode)
        {
            var values = r.StringList(node, field, nonEmpty: true);
            return values is { Count: > 0 } ? new SweepParameter { Name = name, Values = values } : null;
        }

        if (node is not YamlMappingNode range)
        {
            r.Problem(field, $"expected a list of values or a range {{from, to, step}}, got {SpecReader.Describe(node)}", node);
            return null;
        }

        r.CheckFields(range, field, "from", "to", "step");
        var from = r.Integer(range, field, "from", long.MinValue / 4, long.MaxValue / 4);
        var to = r.Integer(range, field, "to", long.MinValue / 4, long.MaxValue / 4);
        var step = r.Integer(range, field, "step", 1, long.MaxValue / 4) ?? 1;
        if (SpecReader.Child(range, "from") is null)
        {
            r.Problem($"{field}.from", "is required", range);
        }

        if (SpecReader.Child(range, "to") is null)
        {
            r.Problem($"{field}.to", "is required", range);
        }

        if (from is null || to is null)
        {
            return null;
        }

        if (to < from)
        {
            r.Problem($"{field}.to", $"{to} is less than from ({from})", range);
            return null;
        }

        return new SweepParameter { Name = name, From = from.Value, To = to.Value, Step = step };
    }

    internal static ResourceSpec? ReadResources(SpecReader r, YamlMappingNode parent, string path)
    {
        var node = r.Mapping(parent, path.Contains('.', StringComparison.Ordinal) ? path[..path.LastIndexOf('.')] : "", path.Split('.')[^1]);
        if (node is null)
        {
            return null;
        }

        r.CheckFields(node, path, "cpus", "memory", "timeout", "pids", "tmp", "container");
        var defaults = new ResourceSpec();
        var container = r.String(node, path, "container") switch
        {
            null or "fresh" => ContainerReuse.Fresh,
            "warm" when path == "resources" => ContainerReuse.Warm,
            "warm" => Refuse($"{path}.container", "warm is for the job's units; the amalgamation runs once, in a fresh container", ContainerReuse.Fresh),
            var other => Refuse($"{path}.container", $"expected fresh or warm, got '{other}'", ContainerReuse.Fresh),
        };
        return new ResourceSpec
        {
            Cpus = r.Number(node, path, "cpus", 0, 256) ?? defaults.Cpus,
            MemoryBytes = r.Bytes(node, path, "memory", 4L << 20, MaxMemoryBytes) ?? defaults.MemoryBytes,
            Timeout = r.Duration(node, path, "timeout", MaxTimeout) ?? defaults.Timeout,
            Pids = (int?)r.Integer(node, path, "pids", 1, 100_000) ?? defaults.Pids,
            TmpBytes = r.Bytes(node, path, "tmp", 1L << 20, MaxOutputBytes) ?? defaults.TmpBytes,
            Container = container,
        };

        T Refuse<T>(string field, string problem, T fallback)
        {
            r.Problem(field, problem, SpecReader.Child(node, "container"));
            return fallback;
        }
    }

    private static OutputSpec? ReadOutputs(SpecReader r, YamlMappingNode root)
    {
        var node = r.Mapping(root, "", "outputs");
        if (node is null)
        {
            return null;
        }

        r.CheckFields(node, "outputs", "max_size", "required");
        var required = r.StringList(node, "outputs", "required") ?? [];
        for (var i = 0; i < required.Count; i++)
        {
            try
            {
                Storage.StoreNames.CheckRelativePath(required[i]);
            }
            catch (ArgumentException)
            {
                r.Problem($"outputs.required[{i}]", $"'{required[i]}' is not a plain relative path under /out", node);
            }
        }

        return new OutputSpec
        {
            MaxSizeBytes = r.Bytes(node, "outputs", "max_size", 1, MaxOutputBytes) ?? new OutputSpec().MaxSizeBytes,
            Required = required,
        };
    }

    private static AmalgamationSpec? ReadAmalgamation(SpecReader r, YamlMappingNode root, string? image)
    {
        var node = r.Mapping(root, "", "amalgamate");
        if (node is null)
        {
            return null;
        }

        r.CheckFields(node, "amalgamate", "image", "command", "env", "resources");
        var command = r.StringList(node, "amalgamate", "command", required: true);
        return new AmalgamationSpec
        {
            Image = r.String(node, "amalgamate", "image") ?? image ?? "",
            Command = command ?? [],
            Environment = r.StringMap(node, "amalgamate", "env") ?? new Dictionary<string, string>(),
            Resources = ReadResources(r, node, "amalgamate.resources") ?? new ResourceSpec(),
        };
    }

    private static void CheckPlaceholders(SpecReader r, string field, IEnumerable<string> templates, HashSet<string> names, IReadOnlyList<string>? keys = null)
    {
        var i = 0;
        foreach (var template in templates)
        {
            foreach (var name in Templates.Names(template).Where(n => !names.Contains(n)))
            {
                var where = keys is null ? $"{field}[{i}]" : $"{field}.{keys[i]}";
                r.Problem(where, $"{{{{{name}}}}} is not a sweep parameter (known: {string.Join(", ", names.Order(StringComparer.Ordinal))})");
            }

            i++;
        }
    }
}
