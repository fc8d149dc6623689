using Boid.Abstractions.Model;
using Boid.Storage;
using YamlDotNet.RepresentationModel;

namespace Boid.Grains.Specs;

/// <summary>The <c>inputs:</c> field of a job spec (docs/job-spec.md, "Inputs").</summary>
public static partial class JobSpecParser
{
    /// <summary>Most inputs one job may name.</summary>
    public const int MaxInputs = 256;

    private static readonly string[] InputSchemes = ["store", "file", "hdfs", "webhdfs", "swebhdfs", JobInputUris.Scheme];

    /// <summary>
    /// Reads <c>inputs:</c>: a list whose items are a URI, or <c>{uri, path, sha256}</c>. URIs and paths may use the
    /// job's placeholders (<c>{{unit}}</c>, sweep parameters); <c>path</c> defaults to the URI's last segment.
    /// Whether a <c>file://</c> root is allowed, or an HDFS is reachable, is the worker's to say.
    /// </summary>
    private static IReadOnlyList<JobInput>? ReadInputs(SpecReader r, YamlMappingNode root, Sweep? sweep)
    {
        var node = SpecReader.Child(root, "inputs");
        if (node is null)
        {
            return null;
        }

        if (node is not YamlSequenceNode list)
        {
            r.Problem("inputs", $"expected a list of URIs or {{uri, path, sha256}}, got {SpecReader.Describe(node)}", node);
            return null;
        }

        if (list.Children.Count > MaxInputs)
        {
            r.Problem("inputs", $"{list.Children.Count} inputs; at most {MaxInputs}", node);
            return null;
        }

        var names = (sweep?.Parameters.Select(p => p.Name) ?? []).Append("unit").ToHashSet(StringComparer.Ordinal);
        var inputs = new List<JobInput>();
        var paths = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var field = $"inputs[{i}]";
            var item = list.Children[i];
            string? uri;
            string? path = null;
            string? sha256 = null;
            var at = item;
            switch (item)
            {
                case YamlScalarNode { Value: { Length: > 0 } value }:
                    uri = value;
                    break;
                case YamlMappingNode mapping:
                    r.CheckFields(mapping, field, "uri", "path", "sha256");
                    uri = r.String(mapping, field, "uri", required: true);
                    path = r.String(mapping, field, "path");
                    sha256 = r.String(mapping, field, "sha256");
                    at = SpecReader.Child(mapping, "uri") ?? mapping;
                    break;
                default:
                    r.Problem(field, $"expected a URI or {{uri, path, sha256}}, got {SpecReader.Describe(item)}", item);
                    continue;
            }

            if (uri is null)
            {
                continue;
            }

            if (!CheckInputUri(r, $"{field}.uri", uri, names, at))
            {
                continue;
            }

            path ??= DefaultInputPath(uri);
            if (CheckInputPath(r, $"{field}.path", path, names, item) is false)
            {
                continue;
            }

            if (sha256 is not null && uri.EndsWith('/'))
            {
                r.Problem($"{field}.sha256", $"'{uri}' names a folder (it ends in '/'); a sha256 checks one file", item);
                continue;
            }

            if (sha256 is not null)
            {
                if (!ContentHash.IsSha256(sha256.ToLowerInvariant()))
                {
                    r.Problem($"{field}.sha256", $"'{sha256}' is not a SHA-256 hash (64 hex characters)", item);
                    continue;
                }

                sha256 = sha256.ToLowerInvariant();
            }

            if (paths.TryGetValue(path, out var earlier))
            {
                r.Problem($"{field}.path", $"'{path}' is also the path of inputs[{earlier}]", item);
                continue;
            }

            paths[path] = i;
            inputs.Add(new JobInput { Uri = uri, Path = path, Sha256 = sha256 });
        }

        return inputs.Count == 0 && !r.HasProblems ? null : inputs;
    }

    private static bool CheckInputUri(SpecReader r, string field, string uri, HashSet<string> names, YamlNode node)
    {
        if (UnknownPlaceholder(uri, names) is { } unknown)
        {
            r.Problem(field, $"{{{{{unknown}}}}} is not a sweep parameter (known: {string.Join(", ", names.Order(StringComparer.Ordinal))})", node);
            return false;
        }

        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? uri[..colon].ToLowerInvariant() : "";
        if (!InputSchemes.Contains(scheme))
        {
            r.Problem(field, $"'{uri}': the scheme must be one of store:, job:, file://, hdfs://, webhdfs://, swebhdfs://", node);
            return false;
        }

        // Placeholders stand for plain values: check the shape with a sample in their place.
        var sample = Templates.Substitute(uri, names.ToDictionary(n => n, _ => "0", StringComparer.Ordinal));
        try
        {
            if (scheme == "store")
            {
                StorePath.Normalize(Uri.UnescapeDataString(sample[(colon + 1)..]));
            }
            else if (scheme == JobInputUris.Scheme)
            {
                if (!JobInputUris.TryParse(sample, out var jobId, out _, out var path))
                {
                    r.Problem(field, $"'{uri}': expected job:JOB/result/… or job:JOB/units/… (a folder when it ends in '/')", node);
                    return false;
                }

                StoreNames.Check(jobId, "job id");
                if (path.Length > 0)
                {
                    StoreNames.CheckRelativePath(path.TrimEnd('/'));
                }
            }
            else if (!Uri.TryCreate(sample, UriKind.Absolute, out var parsed) || parsed.AbsolutePath.Trim('/').Length == 0)
            {
                r.Problem(field, $"'{uri}' is not a well-formed URI naming a file", node);
                return false;
            }
            else
            {
                StorePath.Normalize(Uri.UnescapeDataString(parsed.AbsolutePath));
            }
        }
        catch (Exception exception) when (exception is StorageInvalidArgumentException or ArgumentException)
        {
            r.Problem(field, $"'{uri}': {exception.Message}", node);
            return false;
        }

        return true;
    }

    private static bool CheckInputPath(SpecReader r, string field, string path, HashSet<string> names, YamlNode node)
    {
        if (UnknownPlaceholder(path, names) is { } unknown)
        {
            r.Problem(field, $"{{{{{unknown}}}}} is not a sweep parameter", node);
            return false;
        }

        try
        {
            StoreNames.CheckRelativePath(Templates.Substitute(path, names.ToDictionary(n => n, _ => "0", StringComparer.Ordinal)));
            return true;
        }
        catch (ArgumentException)
        {
            r.Problem(field, $"'{path}' is not a plain relative path under /in", node);
            return false;
        }
    }

    private static string? UnknownPlaceholder(string template, HashSet<string> names) =>
        Templates.Names(template).FirstOrDefault(n => !names.Contains(n));

    private static string DefaultInputPath(string uri)
    {
        var withoutQuery = uri.Split('?', '#')[0].TrimEnd('/');
        var slash = Math.Max(withoutQuery.LastIndexOf('/'), withoutQuery.IndexOf(':', StringComparison.Ordinal));
        return Uri.UnescapeDataString(withoutQuery[(slash + 1)..]);
    }

    /// <summary>A job's inputs for one unit: placeholders in URIs and paths replaced by the unit's values.</summary>
    public static IReadOnlyList<JobInput> InputsFor(JobSpec spec, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Inputs is not { Count: > 0 } inputs
            ? []
            : inputs.Select(i => i with { Uri = Templates.Substitute(i.Uri, parameters), Path = Templates.Substitute(i.Path, parameters) }).ToArray(); // an array: stored in unit state as JSON (see JobGrain.Template)
    }
}
