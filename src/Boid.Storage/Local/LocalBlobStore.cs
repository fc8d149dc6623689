using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Boid.Storage.Local;

/// <summary>
/// A store in a local directory. Puts write a temporary file next to the target and move it into place,
/// so readers see a whole file or none. Checksums are SHA-256.
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    /// <summary>Prefix of the temporary files a put writes; such names are never listed.</summary>
    public const string TemporaryPrefix = ".boid-tmp-";

    private const int BufferSize = 81920;
    private readonly string _root;

    public LocalBlobStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        _root = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(_root);
    }

    public string RootDirectory => _root;

    public string Description => $"local:{_root}";

    /// <summary>The local file system path of a store path (for mounting read-only into containers).</summary>
    public string GetFullPath(string path)
    {
        var normalized = StorePath.Normalize(path, allowRoot: true);
        return normalized.Length == 0 ? _root : Path.Combine(_root, normalized.Replace('/', Path.DirectorySeparatorChar));
    }

    public async Task<PutResult> PutAsync(string path, Stream content, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var normalized = StorePath.Normalize(path);
        var target = GetFullPath(normalized);
        if (Directory.Exists(target))
        {
            throw new StorageConflictException($"'{normalized}' is a directory");
        }

        if (!overwrite && File.Exists(target))
        {
            throw new StorageConflictException($"'{normalized}' exists");
        }

        var directory = Path.GetDirectoryName(target)!;
        Guard(() => Directory.CreateDirectory(directory), normalized);
        var temporary = Path.Combine(directory, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            var output = Guard(() => new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true), normalized);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (overwrite)
            {
                Guard(() => File.Move(temporary, target, overwrite: true), normalized);
            }
            else
            {
                try
                {
                    File.Move(temporary, target, overwrite: false);
                }
                catch (IOException e) when (File.Exists(target))
                {
                    throw new StorageConflictException($"'{normalized}' exists", e);
                }
            }

            return new PutResult(normalized, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public async Task AppendAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var normalized = StorePath.Normalize(path);
        var target = GetFullPath(normalized);
        if (!File.Exists(target))
        {
            throw new StorageNotFoundException($"'{normalized}' does not exist");
        }

        var output = Guard(() => new FileStream(target, FileMode.Append, FileAccess.Write, FileShare.None, BufferSize, useAsync: true), normalized);
        await using (output.ConfigureAwait(false))
        {
            await content.CopyToAsync(output, BufferSize, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "length cannot be negative");
        }

        var normalized = StorePath.Normalize(path);
        var target = GetFullPath(normalized);
        if (!File.Exists(target))
        {
            throw new StorageNotFoundException($"'{normalized}' does not exist");
        }

        var stream = Guard(() => new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true), normalized);
        var start = Math.Min(offset, stream.Length);
        stream.Seek(start, SeekOrigin.Begin);
        var available = stream.Length - start;
        return Task.FromResult<Stream>(length is null || length >= available ? stream : new RangeStream(stream, length.Value));
    }

    public Task<BlobInfo?> StatAsync(string path, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path, allowRoot: true);
        var target = GetFullPath(normalized);

        // One stat for the common answers (a file, or nothing), not File.Exists then Directory.Exists: the
        // dispatcher asks this for every unit it accepts.
        var file = new FileInfo(target);
        if (file.Exists)
        {
            return Task.FromResult<BlobInfo?>(Describe(normalized, file));
        }

        var attributes = file.Attributes;
        return Task.FromResult((int)attributes != -1 && attributes.HasFlag(FileAttributes.Directory) ? Describe(normalized, new DirectoryInfo(target)) : null);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(directory, allowRoot: true);
        var target = GetFullPath(normalized);
        if (File.Exists(target))
        {
            throw new StorageInvalidArgumentException($"'{normalized}' is a file, not a directory");
        }

        if (!Directory.Exists(target))
        {
            throw new StorageNotFoundException($"directory '{normalized}' does not exist");
        }

        var entries = Guard(() => new DirectoryInfo(target).EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList(), normalized);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Describe(StorePath.Combine(normalized, entry.Name), entry);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path, allowRoot: true);
        var target = GetFullPath(normalized);
        try
        {
            Directory.CreateDirectory(target);
        }
        catch (IOException e)
        {
            throw new StorageConflictException($"cannot create directory '{normalized}': a file is in the way", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StorageAccessDeniedException($"cannot create directory '{normalized}': {e.Message}", e);
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string path, bool recursive = false, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path);
        var target = GetFullPath(normalized);
        if (File.Exists(target))
        {
            Guard(() => File.Delete(target), normalized);
            return Task.FromResult(true);
        }

        if (!Directory.Exists(target))
        {
            return Task.FromResult(false);
        }

        if (!recursive && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new StorageConflictException($"directory '{normalized}' is not empty");
        }

        Guard(() => Directory.Delete(target, recursive), normalized);
        return Task.FromResult(true);
    }

    public Task RenameAsync(string source, string destination, CancellationToken cancellationToken = default)
    {
        var from = StorePath.Normalize(source);
        var to = StorePath.Normalize(destination);
        var fromPath = GetFullPath(from);
        var toPath = GetFullPath(to);
        var isFile = File.Exists(fromPath);
        if (!isFile && !Directory.Exists(fromPath))
        {
            throw new StorageNotFoundException($"'{from}' does not exist");
        }

        if (File.Exists(toPath) || Directory.Exists(toPath))
        {
            throw new StorageConflictException($"cannot rename '{from}' to '{to}': the destination exists");
        }

        if (to.StartsWith(from + "/", StringComparison.Ordinal))
        {
            throw new StorageInvalidArgumentException($"cannot rename '{from}' into itself ('{to}')");
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(toPath)!);
            if (isFile)
            {
                File.Move(fromPath, toPath, overwrite: false);
            }
            else
            {
                Directory.Move(fromPath, toPath);
            }
        }
        catch (IOException e) when (File.Exists(toPath) || Directory.Exists(toPath))
        {
            throw new StorageConflictException($"cannot rename '{from}' to '{to}': the destination exists", e);
        }
        catch (IOException e)
        {
            throw new StorageConflictException($"cannot rename '{from}' to '{to}': {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StorageAccessDeniedException($"cannot rename '{from}' to '{to}': {e.Message}", e);
        }

        return Task.CompletedTask;
    }

    public async Task<BlobChecksum> GetChecksumAsync(string path, CancellationToken cancellationToken = default)
    {
        var stream = await OpenReadAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return new BlobChecksum(ContentHash.Algorithm, await ContentHash.ComputeSha256Async(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private static BlobInfo Describe(string path, FileSystemInfo entry) => entry is FileInfo file
        ? new BlobInfo(path, StorePath.Name(path), BlobKind.File, file.Length, file.LastWriteTimeUtc)
        : new BlobInfo(path, StorePath.Name(path), BlobKind.Directory, 0, entry.LastWriteTimeUtc);

    private static void Guard(Action action, string path) => Guard<object?>(() =>
    {
        action();
        return null;
    }, path);

    private static T Guard<T>(Func<T> action, string path)
    {
        try
        {
            return action();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StorageAccessDeniedException($"access to '{path}' denied: {e.Message}", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new StorageNotFoundException($"'{path}' does not exist", e);
        }
        catch (FileNotFoundException e)
        {
            throw new StorageNotFoundException($"'{path}' does not exist", e);
        }
        catch (IOException e) when (e is not PathTooLongException)
        {
            throw new StorageConflictException($"'{path}': {e.Message}", e);
        }
    }
}
