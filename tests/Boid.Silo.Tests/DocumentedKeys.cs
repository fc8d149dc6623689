using System.Text.RegularExpressions;

namespace Boid.Silo.Tests;

/// <summary>
/// Reads the configuration keys docs/*.md names, in the forms the docs use:
/// <list type="bullet">
/// <item>a key in backticks, <c>`Boid:Dispatch:LeaseTtl`</c>, or as an environment variable, <c>`Boid__Api__Token`</c> or
/// <c>`Boid__Api__Token=…`</c> (also bare, in code blocks: <c>Boid__Api__Token=… boid dispatcher</c>);</item>
/// <item>in a table cell, option names after a key are its siblings: <c>`Boid:Tls:CertificateFile`, `KeyFile`</c>;</item>
/// <item>a table whose header names a section (<c>default (`Boid:Gateway:…`)</c>) lists options of it in that column, and a
/// table under a heading that names one (<c>## Configuration (`Boid:Ledger`)</c>) lists them in its first column.</item>
/// </list>
/// Section references (<c>`Boid:Storage:WebHdfs:*`</c>, <c>`Boid:Gateway:…`</c>) are not keys.
/// </summary>
public static partial class DocumentedKeys
{
    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Span();

    [GeneratedRegex(@"^Boid(?:(?::|__)[A-Z][A-Za-z0-9]*)+$")]
    private static partial Regex Key();

    /// <summary>A section reference: <c>Boid:Gateway:…</c>, <c>Boid:Membership:*</c>, or a key-shaped name of a section.</summary>
    [GeneratedRegex(@"^(Boid(?::[A-Z][A-Za-z0-9]*)+)(?::(?:…|\*))?$")]
    private static partial Regex Section();

    [GeneratedRegex(@"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"\bBoid(?:__[A-Z][A-Za-z0-9]*)+")]
    private static partial Regex EnvironmentVariable();

    /// <summary>Every key named in the Markdown files of <paramref name="directory"/>, with the file and line that name it.</summary>
    public static IReadOnlyList<DocumentedKey> Read(string directory)
    {
        var keys = new List<DocumentedKey>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.md").Order(StringComparer.Ordinal))
        {
            keys.AddRange(ReadFile(Path.GetRelativePath(Path.GetDirectoryName(directory)!, path), File.ReadAllLines(path)));
        }

        return keys;
    }

    /// <summary>The keys named in one Markdown text, <paramref name="file"/> naming it in the results.</summary>
    public static IReadOnlyList<DocumentedKey> ReadFile(string file, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var keys = new List<DocumentedKey>();
        var (inCode, headingSection) = (false, (string?)null);
        (int Column, string Section)? table = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            void Add(string key) => keys.Add(new DocumentedKey(key.Replace("__", ":", StringComparison.Ordinal), file, i + 1));
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue;
            }

            if (inCode)
            {
                EnvironmentVariable().Matches(line).ToList().ForEach(m => Add(m.Value));
                continue;
            }

            if (line.StartsWith('#'))
            {
                headingSection = Spans(line).Select(SectionOf).FirstOrDefault(s => s is not null);
            }

            if (!line.StartsWith('|'))
            {
                table = null;
                Spans(line).Where(s => Key().IsMatch(s)).ToList().ForEach(Add);
                continue;
            }

            var cells = line.Trim().Trim('|').Split('|');
            if (table is null)
            {
                table = TableSection(cells, headingSection);
                continue; // the header row
            }

            for (var column = 0; column < cells.Length; column++)
            {
                ReadCell(cells[column], table.Value.Column == column ? table.Value.Section : null).ForEach(Add);
            }
        }

        return keys;
    }

    /// <summary>Keys in a table cell: full keys, option names after one (its siblings), option names of the column's section.</summary>
    private static List<string> ReadCell(string cell, string? columnSection)
    {
        var keys = new List<string>();
        var parent = columnSection;
        foreach (var span in Spans(cell))
        {
            if (Key().IsMatch(span))
            {
                keys.Add(span);
                parent = span.Replace("__", ":", StringComparison.Ordinal)[..span.Replace("__", ":", StringComparison.Ordinal).LastIndexOf(':')];
            }
            else if (parent is not null && OptionName().IsMatch(span))
            {
                keys.Add($"{parent}:{span}");
            }
        }

        return keys;
    }

    /// <summary>Which column of a table names options of which section: a header cell that names one, else the first under a heading that does.</summary>
    private static (int Column, string Section)? TableSection(string[] header, string? headingSection)
    {
        for (var column = 0; column < header.Length; column++)
        {
            if (Spans(header[column]).Select(SectionOf).FirstOrDefault(s => s is not null) is { } section)
            {
                return (column, section);
            }
        }

        return headingSection is null ? (-1, "") : (0, headingSection);
    }

    private static string? SectionOf(string span) => Section().Match(span) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The backticked spans of a text; an environment assignment (<c>`Boid__Api__Token=…`</c>) counts as its name.</summary>
    private static IEnumerable<string> Spans(string text) =>
        Span().Matches(text).Select(m => m.Groups[1].Value).Select(s => s.StartsWith("Boid__", StringComparison.Ordinal) && s.Contains('=', StringComparison.Ordinal) ? s[..s.IndexOf('=', StringComparison.Ordinal)] : s);
}
