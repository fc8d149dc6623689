using System.Security.Cryptography;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;

namespace Boid.Silo.Gateway;

/// <summary>Uploaded output files of leases not yet committed: <c>{root}/{lease}/…</c>, streamed to disk while hashed.</summary>
internal sealed class UploadStaging(string root)
{
    public long StagedBytes(string leaseId, string exceptPath)
    {
        var directory = Path.Combine(root, leaseId);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var except = Path.Combine(directory, exceptPath);
        return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => f != except && !f.EndsWith(".part", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
    }

    public async Task<(bool Ok, string Problem)> WriteAsync(string leaseId, string path, Stream body, long length, string sha256, CancellationToken cancellationToken)
    {
        var target = Path.Combine(root, leaseId, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var part = target + "." + Guid.NewGuid().ToString("N") + ".part";
        long written = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var output = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    written += read;
                    if (written > length)
                    {
                        return (false, $"the body is longer than its Content-Length ({length})");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (written != length)
            {
                return (false, $"the body ended after {written} of {length} bytes");
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != sha256)
            {
                return (false, $"hash mismatch: the body's SHA-256 is {actual}, the header said {sha256}");
            }

            File.Move(part, target, overwrite: true);
            return (true, "");
        }
        finally
        {
            if (File.Exists(part))
            {
                File.Delete(part);
            }
        }
    }

    /// <summary>Checks the staged files are exactly the manifest's and returns their directory.</summary>
    public string Check(string leaseId, Manifest manifest)
    {
        var directory = Path.Combine(root, leaseId);
        Directory.CreateDirectory(directory);
        var staged = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".part", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), f => f, StringComparer.Ordinal);
        if (staged.Count != manifest.Files.Count || manifest.Files.Any(f => !staged.ContainsKey(f.Path) || new FileInfo(staged[f.Path]).Length != f.Length))
        {
            throw BoidException.Invalid("manifest", $"the uploaded files ({string.Join(", ", staged.Keys.Order(StringComparer.Ordinal))}) are not the manifest's");
        }

        return directory;
    }

    public void Discard(string leaseId)
    {
        var directory = Path.Combine(root, leaseId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
