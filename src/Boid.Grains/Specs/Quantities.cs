using System.Globalization;

namespace Boid.Grains.Specs;

/// <summary>Parses and prints the sizes and durations specs use: <c>512Mi</c>, <c>2G</c>, <c>90s</c>, <c>10m</c>.</summary>
public static class Quantities
{
    private static readonly (string Suffix, long Factor)[] ByteSuffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("k", 1_000), ("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000), ("", 1),
    ];

    private static readonly (string Suffix, double Seconds)[] DurationSuffixes =
        [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    public static long? ParseBytes(string text)
    {
        text = text.Trim();
        foreach (var (suffix, factor) in ByteSuffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                try
                {
                    return checked(value * factor);
                }
                catch (OverflowException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        foreach (var (suffix, seconds) in DurationSuffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value * seconds < TimeSpan.MaxValue.TotalSeconds)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        return null;
    }

    public static string FormatBytes(long bytes)
    {
        foreach (var (suffix, factor) in ByteSuffixes.Take(4).Reverse())
        {
            if (bytes >= factor && bytes % factor == 0)
            {
                return (bytes / factor).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
