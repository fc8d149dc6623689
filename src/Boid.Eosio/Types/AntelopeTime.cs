using System.Globalization;

namespace Boid.Eosio;

/// <summary>
/// Antelope's time types and their text forms: <c>time_point</c> (µs since 1970, text with milliseconds),
/// <c>time_point_sec</c> (seconds since 1970) and <c>block_timestamp_type</c> (half-second slots since 2000-01-01).
/// Texts are UTC without a zone suffix, e.g. <c>2026-11-28T19:11:00.500</c>.
/// </summary>
public static class AntelopeTime
{
    /// <summary>The epoch of <c>block_timestamp_type</c>: 2000-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset BlockTimestampEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Parses an Antelope time text (UTC; a trailing <c>Z</c> or offset is accepted).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The instant.</returns>
    /// <exception cref="AntelopeFormatException">Not an ISO-8601 date and time.</exception>
    public static DateTimeOffset Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value))
        {
            return value;
        }

        throw new AntelopeFormatException($"Time '{text}' is not in the form yyyy-MM-ddTHH:mm:ss[.fff].");
    }

    /// <summary>Formats with milliseconds, as nodeos prints <c>time_point</c>.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>For example <c>2026-11-28T19:11:00.500</c>.</returns>
    public static string FormatMilliseconds(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>Formats with whole seconds, as nodeos prints <c>time_point_sec</c>.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>For example <c>2026-11-28T19:11:00</c>.</returns>
    public static string FormatSeconds(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    internal static long ToMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
}
