namespace Boid.Storage;

/// <summary>
/// A small file store: byte streams at slash-separated paths, relative to the store's root. Backends:
/// <see cref="Local.LocalBlobStore"/> (a directory) and <see cref="WebHdfs.WebHdfsBlobStore"/> (HDFS over
/// WebHDFS REST). Every operation streams; none buffers a whole file. Failures are
/// <see cref="StorageException"/>s of a small set of kinds (<see cref="StorageErrorKind"/>).
/// </summary>
/// <remarks>
/// Paths: <c>"jobs/j1/units/u1/out.txt"</c>; <c>""</c> is the root. Segments may not be empty, <c>.</c> or
/// <c>..</c>, and may not contain <c>\</c> or <c>:</c> (see <see cref="StorePath"/>).
/// </remarks>
public interface IBlobStore
{
    /// <summary>A short name of the backend and where it points, for logs and messages. Holds no secret.</summary>
    string Description { get; }

    /// <summary>
    /// Writes <paramref name="content"/> (read to its end, never buffered whole) to <paramref name="path"/>,
    /// creating parent directories. Returns the length and SHA-256 of the bytes written.
    /// </summary>
    /// <exception cref="StorageConflictException">The path exists and <paramref name="overwrite"/> is false, or it is a directory.</exception>
    Task<PutResult> PutAsync(string path, Stream content, bool overwrite = true, CancellationToken cancellationToken = default);

    /// <summary>Appends <paramref name="content"/> to an existing file.</summary>
    /// <exception cref="StorageNotFoundException">The file does not exist.</exception>
    Task AppendAsync(string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a file for reading from <paramref name="offset"/>, at most <paramref name="length"/> bytes
    /// (to the end when null). An offset at or past the end gives an empty stream.
    /// </summary>
    /// <exception cref="StorageNotFoundException">The file does not exist.</exception>
    Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default);

    /// <summary>Describes a file or directory; null when nothing is there.</summary>
    Task<BlobInfo?> StatAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Lists the direct children of a directory in ordinal name order, page by page where the backend pages.</summary>
    /// <exception cref="StorageNotFoundException">The directory does not exist.</exception>
    /// <exception cref="StorageInvalidArgumentException">The path is a file.</exception>
    IAsyncEnumerable<BlobInfo> ListAsync(string directory, CancellationToken cancellationToken = default);

    /// <summary>Creates a directory and its parents. Succeeds when it exists already.</summary>
    /// <exception cref="StorageConflictException">The path, or one of its parents, is a file.</exception>
    Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file or directory. Returns false when nothing was there.</summary>
    /// <exception cref="StorageConflictException">A non-empty directory and <paramref name="recursive"/> is false.</exception>
    Task<bool> DeleteAsync(string path, bool recursive = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a file or directory to <paramref name="destination"/>, creating the destination's parent
    /// directories. Never overwrites and never moves into an existing directory.
    /// </summary>
    /// <exception cref="StorageNotFoundException">The source does not exist.</exception>
    /// <exception cref="StorageConflictException">The destination exists.</exception>
    Task RenameAsync(string source, string destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// The backend's own checksum of a file: SHA-256 for the local store, HDFS's composite
    /// <c>MD5-of-…CRC32C</c> for WebHDFS. Equal content gives an equal checksum within one backend;
    /// compare across backends with <see cref="ContentHash"/> instead.
    /// </summary>
    /// <exception cref="StorageNotFoundException">The file does not exist.</exception>
    Task<BlobChecksum> GetChecksumAsync(string path, CancellationToken cancellationToken = default);
}

/// <summary>Whether an entry is a file or a directory.</summary>
public enum BlobKind
{
    File,
    Directory,
}

/// <summary>A file or directory: its store path, last segment, kind, length (0 for directories) and modification time.</summary>
public sealed record BlobInfo(string Path, string Name, BlobKind Kind, long Length, DateTimeOffset? LastModified)
{
    public bool IsDirectory => Kind == BlobKind.Directory;
}

/// <summary>What a put wrote: the path, length and SHA-256 (lower-case hex) of the bytes.</summary>
public sealed record PutResult(string Path, long Length, string Sha256);

/// <summary>A backend checksum: its algorithm name (e.g. <c>SHA-256</c>, <c>MD5-of-0MD5-of-512CRC32C</c>) and value in lower-case hex.</summary>
public sealed record BlobChecksum(string Algorithm, string Value);
