using System.Runtime.CompilerServices;

namespace Boid.Storage;

/// <summary>Helpers every backend gets: recursive listing, file upload and verified download.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Lists every file below a directory, depth first, in ordinal order.</summary>
    public static async IAsyncEnumerable<BlobInfo> ListFilesRecursiveAsync(this IBlobStore store, string directory,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await foreach (var entry in store.ListAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            if (entry.IsDirectory)
            {
                await foreach (var child in store.ListFilesRecursiveAsync(entry.Path, cancellationToken).ConfigureAwait(false))
                {
                    yield return child;
                }
            }
            else
            {
                yield return entry;
            }
        }
    }

    /// <summary>Uploads a local file.</summary>
    public static async Task<PutResult> UploadFileAsync(this IBlobStore store, string localFile, string path, bool overwrite = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stream = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            return await store.PutAsync(path, stream, overwrite, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Downloads a file to <paramref name="localFile"/> through a temporary file, checking its SHA-256 when
    /// <paramref name="expectedSha256"/> is given. The local file appears only when complete and verified.
    /// </summary>
    /// <exception cref="StorageException">Kind <see cref="StorageErrorKind.Integrity"/> when the hash does not match.</exception>
    public static async Task<PutResult> DownloadToFileAsync(this IBlobStore store, string path, string localFile,
        string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var full = Path.GetFullPath(localFile);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".partial-" + Guid.NewGuid().ToString("N");
        try
        {
            var source = await store.OpenReadAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            var hashing = new HashingStream(source, expectedSha256);
            await using (hashing.ConfigureAwait(false))
            {
                var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await using (output.ConfigureAwait(false))
                {
                    await hashing.CopyToAsync(output, 81920, cancellationToken).ConfigureAwait(false);
                }

                File.Move(temporary, full, overwrite: true);
                return new PutResult(path, hashing.BytesRead, hashing.Sha256);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
