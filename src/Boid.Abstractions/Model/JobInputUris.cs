namespace Boid.Abstractions.Model;

/// <summary>
/// <c>job:</c> input URIs: files a job keeps in the result store, by job id — <c>job:{job}/units/</c> (every accepted
/// unit's outputs, as <c>{unit}/…</c>), <c>job:{job}/result/</c> (its amalgamated result) or one file under either. A URI
/// ending in <c>/</c> names a folder: every file under it is staged, below the input's path.
/// </summary>
public static class JobInputUris
{
    public const string Scheme = "job";

    public static string AcceptedUnits(string jobId) => $"{Scheme}:{jobId}/units/";

    public static string Result(string jobId) => $"{Scheme}:{jobId}/result/";

    /// <summary>Splits <c>job:{job}/{units|result}/{path}</c>; false for anything else.</summary>
    public static bool TryParse(string uri, out string jobId, out bool result, out string path)
    {
        ArgumentNullException.ThrowIfNull(uri);
        (jobId, result, path) = ("", false, "");
        if (!uri.StartsWith(Scheme + ":", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = uri[(Scheme.Length + 1)..].Split('/', 3);
        if (parts.Length < 3 || parts[0].Length == 0 || parts[1] is not ("units" or "result"))
        {
            return false;
        }

        (jobId, result, path) = (parts[0], parts[1] == "result", parts[2]);
        return true;
    }
}
