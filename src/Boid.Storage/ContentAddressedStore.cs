namespace Boid.Storage;

/// <summary>
/// Content-addressed storage over any <see cref="IBlobStore"/>: content is named by its SHA-256 and kept
/// once, at <c>{prefix}/sha256/{first two hex}/{hash}</c>. Used for job inputs staged by hash and for full
/// job records, whose hash is what goes on chain. Reads verify the hash as the bytes go by.
/// </summary>
public sealed class ContentAddressedStore
{
    private readonly string _prefix;

    public ContentAddressedStore(IBlobStore store, string prefix = "cas")
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _prefix = StorePath.Normalize(prefix);
    }

    public IBlobStore Store { get; }

    /// <summary>The store path that holds the content with this hash.</summary>
    public string PathOf(string sha256)
    {
        var hash = ContentHash.CheckSha256(sha256);
        return $"{_prefix}/sha256/{hash[..2]}/{hash}";
    }

    /// <summary>
    /// Stores content (streamed, hashed on the way) unless content with the same hash is there already.
    /// The bytes land under a temporary name first and are renamed into place, so a reader never sees a
    /// partial object.
    /// </summary>
    public async Task<ContentAddress> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temporary = $"{_prefix}/tmp/{Guid.NewGuid():N}";
        var put = await Store.PutAsync(temporary, content, overwrite: false, cancellationToken).ConfigureAwait(false);
        var target = PathOf(put.Sha256);
        try
        {
            if (await Store.StatAsync(target, cancellationToken).ConfigureAwait(false) is not null)
            {
                return new ContentAddress(put.Sha256, put.Length, target, Created: false);
            }

            try
            {
                await Store.RenameAsync(temporary, target, cancellationToken).ConfigureAwait(false);
                return new ContentAddress(put.Sha256, put.Length, target, Created: true);
            }
            catch (StorageConflictException)
            {
                // Someone stored the same content at the same moment: theirs is ours.
                return new ContentAddress(put.Sha256, put.Length, target, Created: false);
            }
        }
        finally
        {
            await Store.DeleteAsync(temporary, recursive: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stores small content held in memory (a job record, a unit summary).</summary>
    public async Task<ContentAddress> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var stream = new MemoryStream(content.ToArray(), writable: false);
        await using (stream.ConfigureAwait(false))
        {
            return await PutAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens content by hash. The stream throws a <see cref="StorageErrorKind.Integrity"/> error at its end if the bytes do not match.</summary>
    /// <exception cref="StorageNotFoundException">No content with this hash is stored.</exception>
    public async Task<Stream> OpenReadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var hash = ContentHash.CheckSha256(sha256);
        var stream = await Store.OpenReadAsync(PathOf(hash), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new HashingStream(stream, hash);
    }

    /// <summary>True when content with this hash is stored.</summary>
    public async Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default) =>
        await Store.StatAsync(PathOf(sha256), cancellationToken).ConfigureAwait(false) is { Kind: BlobKind.File };

    /// <summary>Removes content by hash; false when it was not stored.</summary>
    public Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken = default) =>
        Store.DeleteAsync(PathOf(sha256), recursive: false, cancellationToken);
}

/// <summary>Where content lives: its hash, length, store path, and whether this put stored it (false: it was there).</summary>
public sealed record ContentAddress(string Sha256, long Length, string Path, bool Created);
