namespace Boid.Containers;

/// <summary>Reasons are one line: whatever an engine, the kernel or .NET said, folded and bounded.</summary>
internal static class Text
{
    private const int MaxLength = 500;

    public static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > MaxLength ? line[..MaxLength] + "…" : line;
    }
}
