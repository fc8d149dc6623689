using System.Text.RegularExpressions;

namespace Boid.Grains.Specs;

/// <summary><c>{{name}}</c> placeholders in commands and environment values.</summary>
public static partial class Templates
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Placeholder();

    public static IEnumerable<string> Names(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value);

    public static string Substitute(string template, IReadOnlyDictionary<string, string> values) =>
        template.Contains("{{", StringComparison.Ordinal)
            ? Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value)
            : template;
}
