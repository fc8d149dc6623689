namespace Boid.Storage;

/// <summary>
/// Checks the identifiers that become path segments. Job ids, unit keys and lease ids are made by the
/// dispatcher, but a store must never let one escape its folder, whoever made it.
/// </summary>
public static class StoreNames
{
    public static string Check(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > 128)
        {
            throw new ArgumentException($"{what} must be 1 to 128 characters", what);
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"{what} '{value}' has a character other than a-z, 0-9, '-', '_', '.'", what);
            }
        }

        if (value is "." or "..")
        {
            throw new ArgumentException($"{what} cannot be '{value}'", what);
        }

        return value;
    }

    /// <summary>Checks a relative file path inside an area: no rooted paths, no '..', no empty segments.</summary>
    public static string CheckRelativePath(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var normalized = relativePath.Replace('\\', '/');
        if (normalized.Length == 0 || normalized.StartsWith('/') || normalized.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"path '{relativePath}' is not a plain relative path", nameof(relativePath));
        }

        return normalized;
    }
}
