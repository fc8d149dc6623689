using System.Globalization;
using Boid.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Boid.Grains.Specs;

/// <summary>
/// Walks a YAML document by hand so that every problem names its field path (<c>resources.memory</c>,
/// <c>command[2]</c>) and its line. Problems are collected, so a user sees all of them at once.
/// </summary>
internal sealed class SpecReader
{
    private readonly List<string> _problems = [];
    private readonly string _documentName;

    public SpecReader(string documentName) => _documentName = documentName;

    public static YamlMappingNode Load(string text, string documentName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            throw new BoidException(BoidErrorKind.InvalidArgument,
                $"{documentName}: not valid YAML at line {exception.Start.Line}: {exception.InnerException?.Message ?? exception.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BoidException(BoidErrorKind.InvalidArgument, $"{documentName}: expected one YAML document holding a mapping of fields");
        }

        return root;
    }

    public void Problem(string field, string problem, YamlNode? node = null)
    {
        var where = node is null ? "" : $" (line {node.Start.Line})";
        _problems.Add($"{field}: {problem}{where}");
    }

    public bool HasProblems => _problems.Count > 0;

    public void ThrowIfProblems()
    {
        if (_problems.Count == 0)
        {
            return;
        }

        var first = _problems[0];
        throw new BoidException(
            BoidErrorKind.InvalidArgument,
            _problems.Count == 1 ? $"{_documentName}: {first}" : $"{_documentName}: {_problems.Count} problems:\n  " + string.Join("\n  ", _problems),
            first[..first.IndexOf(':', StringComparison.Ordinal)]);
    }

    /// <summary>Reports fields the document has that the schema does not know.</summary>
    public void CheckFields(YamlMappingNode mapping, string path, params string[] known)
    {
        foreach (var key in mapping.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
            {
                Problem(Join(path, name), $"unknown field (expected one of: {string.Join(", ", known)})", key);
            }
        }
    }

    public static YamlNode? Child(YamlMappingNode mapping, string name) =>
        mapping.Children.TryGetValue(new YamlScalarNode(name), out var node) ? node : null;

    public string? String(YamlMappingNode mapping, string path, string name, bool required = false)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            if (required)
            {
                Problem(Join(path, name), "is required");
            }

            return null;
        }

        if (node is not YamlScalarNode { Value: { } value } || IsNull(node))
        {
            Problem(Join(path, name), "expected a text value", node);
            return null;
        }

        if (required && value.Trim().Length == 0)
        {
            Problem(Join(path, name), "must not be empty", node);
            return null;
        }

        return value;
    }

    public long? Integer(YamlMappingNode mapping, string path, string name, long min, long max)
    {
        var node = Child(mapping, name);
        return node is null ? null : Integer(node, Join(path, name), min, max);
    }

    public long? Integer(YamlNode node, string field, long min, long max)
    {
        if (node is not YamlScalarNode { Value: { } text } || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Problem(field, $"expected an integer, got {Describe(node)}", node);
            return null;
        }

        if (value < min || value > max)
        {
            Problem(field, $"{value} is out of range ({min} to {max})", node);
            return null;
        }

        return value;
    }

    public double? Number(YamlMappingNode mapping, string path, string name, double minExclusive, double max)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            return null;
        }

        var field = Join(path, name);
        if (node is not YamlScalarNode { Value: { } text } || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Problem(field, $"expected a number, got {Describe(node)}", node);
            return null;
        }

        if (value <= minExclusive || value > max)
        {
            Problem(field, $"{text} is out of range (more than {minExclusive.ToString(CultureInfo.InvariantCulture)}, at most {max.ToString(CultureInfo.InvariantCulture)})", node);
            return null;
        }

        return value;
    }

    public bool? Boolean(YamlMappingNode mapping, string path, string name)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        Problem(Join(path, name), $"expected true or false, got {Describe(node)}", node);
        return null;
    }

    /// <summary>A byte size: an integer with an optional suffix Ki, Mi, Gi, Ti (powers of 1024) or k, M, G (powers of 1000).</summary>
    public long? Bytes(YamlMappingNode mapping, string path, string name, long min, long max)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            return null;
        }

        var field = Join(path, name);
        if (node is not YamlScalarNode { Value: { } text } || Quantities.ParseBytes(text) is not { } value)
        {
            Problem(field, $"expected a size such as 512Mi or 2Gi, got {Describe(node)}", node);
            return null;
        }

        if (value < min || value > max)
        {
            Problem(field, $"{text} is out of range ({Quantities.FormatBytes(min)} to {Quantities.FormatBytes(max)})", node);
            return null;
        }

        return value;
    }

    /// <summary>A duration: a number with unit ms, s, m or h (<c>90s</c>, <c>10m</c>).</summary>
    public TimeSpan? Duration(YamlMappingNode mapping, string path, string name, TimeSpan max)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            return null;
        }

        var field = Join(path, name);
        if (node is not YamlScalarNode { Value: { } text } || Quantities.ParseDuration(text) is not { } value)
        {
            Problem(field, $"expected a duration such as 90s, 10m or 2h, got {Describe(node)}", node);
            return null;
        }

        if (value <= TimeSpan.Zero || value > max)
        {
            Problem(field, $"{text} is out of range (more than 0, at most {max})", node);
            return null;
        }

        return value;
    }

    public IReadOnlyList<string>? StringList(YamlMappingNode mapping, string path, string name, bool required = false)
    {
        var node = Child(mapping, name);
        var field = Join(path, name);
        if (node is null)
        {
            if (required)
            {
                Problem(field, "is required");
            }

            return null;
        }

        return StringList(node, field, required);
    }

    public IReadOnlyList<string>? StringList(YamlNode node, string field, bool nonEmpty)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Problem(field, $"expected a list, got {Describe(node)}", node);
            return null;
        }

        var items = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlScalarNode { Value: { } value } && !IsNull(sequence.Children[i]))
            {
                items.Add(value);
            }
            else
            {
                Problem($"{field}[{i}]", $"expected a text value, got {Describe(sequence.Children[i])}", sequence.Children[i]);
            }
        }

        if (nonEmpty && items.Count == 0)
        {
            Problem(field, "must not be empty", node);
        }

        return items;
    }

    public IReadOnlyDictionary<string, string>? StringMap(YamlMappingNode mapping, string path, string name)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            return null;
        }

        var field = Join(path, name);
        if (node is not YamlMappingNode map)
        {
            Problem(field, $"expected a mapping of names to values, got {Describe(node)}", node);
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var keyText = (key as YamlScalarNode)?.Value ?? "";
            if (value is YamlScalarNode { Value: { } text } && !IsNull(value))
            {
                result[keyText] = text;
            }
            else
            {
                Problem(Join(field, keyText), $"expected a text value, got {Describe(value)}", value);
            }
        }

        return result;
    }

    public YamlMappingNode? Mapping(YamlMappingNode mapping, string path, string name)
    {
        var node = Child(mapping, name);
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode map)
        {
            return map;
        }

        Problem(Join(path, name), $"expected a mapping of fields, got {Describe(node)}", node);
        return null;
    }

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an unsupported node",
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };
}
