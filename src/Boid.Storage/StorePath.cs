namespace Boid.Storage;

/// <summary>Store paths: slash-separated, relative to a store's root, <c>""</c> for the root itself.</summary>
public static class StorePath
{
    /// <summary>
    /// Checks and normalizes a path: leading and trailing slashes are dropped; empty, <c>.</c> and <c>..</c>
    /// segments, backslashes, colons and control characters are refused.
    /// </summary>
    /// <exception cref="StorageInvalidArgumentException">The path is not a plain store path.</exception>
    public static string Normalize(string path, bool allowRoot = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
        {
            return allowRoot ? "" : throw new StorageInvalidArgumentException("the store root is not a file path");
        }

        foreach (var segment in trimmed.Split('/'))
        {
            if (segment is "" or "." or ".." || segment.Any(c => c is '\\' or ':' || char.IsControl(c)))
            {
                throw new StorageInvalidArgumentException($"'{path}' is not a plain store path (empty, '.', '..' segments, '\\', ':' and control characters are refused)");
            }
        }

        return trimmed;
    }

    /// <summary>Joins store path segments with '/', normalizing the result.</summary>
    public static string Combine(params string[] parts) =>
        Normalize(string.Join('/', parts.Where(p => p.Length > 0)), allowRoot: true);

    /// <summary>The parent of a normalized path, <c>""</c> for a top-level entry.</summary>
    public static string Parent(string path)
    {
        var index = path.LastIndexOf('/');
        return index < 0 ? "" : path[..index];
    }

    /// <summary>The last segment of a normalized path.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];
}
