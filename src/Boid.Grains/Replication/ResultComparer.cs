using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Boid.Abstractions.Ids;
using Boid.Storage;

namespace Boid.Grains.Replication;

/// <summary>
/// Decides whether two replicated results agree: byte for byte by default (same files, same SHA-256),
/// or, with a tolerance, token by token where numbers may differ by that relative amount (numeric noise
/// from floating-point order of operations on different CPUs).
/// </summary>
public static class ResultComparer
{
    /// <summary>Files larger than this are compared by hash only.</summary>
    private const long MaxComparedFileBytes = 16L << 20;

    public static string Fingerprint(IReadOnlyList<StoredFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var text = new StringBuilder();
        foreach (var file in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            text.Append(file.RelativePath).Append('\0').Append(file.Sha256).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static async Task<bool> AgreeAsync(IResultStore store, AttemptKey first, AttemptKey second, double? tolerance)
    {
        ArgumentNullException.ThrowIfNull(store);
        var a = await store.ListAttemptAsync(first).ConfigureAwait(false);
        var b = await store.ListAttemptAsync(second).ConfigureAwait(false);
        if (Fingerprint(a) == Fingerprint(b))
        {
            return true;
        }

        if (tolerance is not { } relative || a.Count != b.Count)
        {
            return false;
        }

        var byPath = b.ToDictionary(f => f.RelativePath, StringComparer.Ordinal);
        foreach (var fileA in a)
        {
            if (!byPath.TryGetValue(fileA.RelativePath, out var fileB))
            {
                return false;
            }

            if (fileA.Sha256 == fileB.Sha256)
            {
                continue;
            }

            if (fileA.Length > MaxComparedFileBytes || fileB.Length > MaxComparedFileBytes
                || !NumericallyEqual(await ReadAsync(store, first, fileA.RelativePath).ConfigureAwait(false), await ReadAsync(store, second, fileB.RelativePath).ConfigureAwait(false), relative))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Same tokens, where two numbers match when |a-b| ≤ tolerance × max(1, |a|, |b|).</summary>
    public static bool NumericallyEqual(string first, string second, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var a = Tokens(first);
        var b = Tokens(second);
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            if (!double.TryParse(a[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                || !double.TryParse(b[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                || Math.Abs(x - y) > tolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] Tokens(string text) =>
        text.Split([' ', '\t', '\r', '\n', ',', ';', '[', ']', '{', '}', '(', ')', ':', '"'], StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string> ReadAsync(IResultStore store, AttemptKey attempt, string path)
    {
        var stream = store.OpenAttemptRead(attempt, path);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync().ConfigureAwait(false);
        }
    }
}
