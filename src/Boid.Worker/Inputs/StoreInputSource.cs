using System.Globalization;
using Boid.Abstractions.Model;
using Boid.Storage;

namespace Boid.Worker.Inputs;

/// <summary>
/// Inputs read straight from where they are kept: <c>store:</c>, <c>file://</c> and HDFS URIs through the
/// <see cref="StorageUriResolver"/>, <c>job:</c> URIs (a job's accepted units or result) through the result store. Used by
/// worker silos, which may reach the stores, and by the gateway, which serves the same files to remote volunteers.
/// </summary>
public sealed class StoreInputSource(StorageUriResolver resolver, IResultStore results) : IInputSource
{
    public async Task<IReadOnlyList<InputFile>> ResolveAsync(UnitAssignment lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var files = new List<InputFile>();
        foreach (var input in lease.Inputs)
        {
            try
            {
                files.AddRange(JobInputUris.TryParse(input.Uri, out var jobId, out var result, out var path)
                    ? await ResolveJobAsync(input, jobId, result, path, cancellationToken).ConfigureAwait(false)
                    : await ResolveStoreAsync(input, cancellationToken).ConfigureAwait(false));
            }
            catch (StorageException exception)
            {
                throw Failed(input.Uri, exception);
            }
        }

        return files;
    }

    public async Task<(string Sha256, long Length)> DownloadAsync(UnitAssignment lease, InputFile file, string localPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            if (JobInputUris.TryParse(file.Uri, out var jobId, out var result, out var path))
            {
                return await CopyJobFileAsync(file, jobId, result, path, localPath, cancellationToken).ConfigureAwait(false);
            }

            var location = Resolve(file.Uri);
            var put = await location.Store.DownloadToFileAsync(location.Path, localPath, file.Sha256, cancellationToken).ConfigureAwait(false);
            return (put.Sha256, put.Length);
        }
        catch (StorageException exception)
        {
            throw Failed(file.Uri, exception);
        }
        catch (FileNotFoundException exception)
        {
            throw new InputStagingException($"input {file.Uri}: not found", retryable: false, exception);
        }
    }

    private async Task<IEnumerable<InputFile>> ResolveStoreAsync(JobInput input, CancellationToken cancellationToken)
    {
        var location = Resolve(input.Uri);
        if (!input.Uri.EndsWith('/'))
        {
            var info = await location.Store.StatAsync(location.Path, cancellationToken).ConfigureAwait(false) switch
            {
                null => throw new InputStagingException($"input {input.Uri}: not found", retryable: false),
                { IsDirectory: true } => throw new InputStagingException($"input {input.Uri}: is a folder; end the URI with '/' to stage every file in it", retryable: false),
                var file => file,
            };
            return [new InputFile(input.Uri, input.Path, input.Sha256, info.Length, Version(location, info))];
        }

        var files = new List<InputFile>();
        await foreach (var info in location.Store.ListFilesRecursiveAsync(location.Path, cancellationToken).ConfigureAwait(false))
        {
            var relative = info.Path[(location.Path.Length + 1)..];
            files.Add(new InputFile(input.Uri + relative, Under(input.Path, relative), null, info.Length, Version(location, info)));
        }

        return files;
    }

    private async Task<IEnumerable<InputFile>> ResolveJobAsync(JobInput input, string jobId, bool result, string path, CancellationToken cancellationToken)
    {
        var stored = result
            ? await results.ListResultAsync(jobId, cancellationToken).ConfigureAwait(false)
            : await results.ListAcceptedUnitsAsync(jobId, cancellationToken).ConfigureAwait(false);
        var prefix = input.Uri[..^path.Length]; // job:{job}/{units|result}/
        if (path.Length == 0 || path.EndsWith('/'))
        {
            return stored.Where(f => f.RelativePath.StartsWith(path, StringComparison.Ordinal))
                .Select(f => new InputFile(prefix + f.RelativePath, Under(input.Path, f.RelativePath[path.Length..]), f.Sha256, f.Length));
        }

        var file = stored.FirstOrDefault(f => f.RelativePath == path)
            ?? throw new InputStagingException($"input {input.Uri}: job '{jobId}' has no such file", retryable: false);
        if (input.Sha256 is { } expected && !expected.Equals(file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InputStagingException($"input {input.Uri}: content hash mismatch: expected sha256 {expected}, stored {file.Sha256}", retryable: false);
        }

        return [new InputFile(input.Uri, input.Path, file.Sha256, file.Length)];
    }

    private async Task<(string Sha256, long Length)> CopyJobFileAsync(InputFile file, string jobId, bool result, string path, string localPath, CancellationToken cancellationToken)
    {
        var (area, relative) = result ? (ResultArea.Result, path) : (ResultArea.Unit(path[..path.IndexOf('/', StringComparison.Ordinal)]), path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        var source = results.OpenRead(jobId, area, relative);
        await using (source.ConfigureAwait(false))
        {
            var hashing = new HashingStream(source, leaveOpen: true);
            await using (hashing.ConfigureAwait(false))
            {
                var target = new FileStream(localPath, FileMode.CreateNew, FileAccess.Write);
                await using (target.ConfigureAwait(false))
                {
                    await hashing.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                }

                if (file.Sha256 is { } expected && !expected.Equals(hashing.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InputStagingException($"input {file.Uri}: content hash mismatch: expected sha256 {expected}, read {hashing.Sha256}", retryable: false);
                }

                return (hashing.Sha256, hashing.BytesRead);
            }
        }
    }

    private StorageLocation Resolve(string uri)
    {
        try
        {
            return resolver.Resolve(uri);
        }
        catch (StorageInvalidArgumentException exception)
        {
            throw new InputStagingException(exception.Message, retryable: false, exception);
        }
    }

    private static string Version(StorageLocation location, BlobInfo info) => string.Create(CultureInfo.InvariantCulture,
        $"{location.Store.Description}|{info.Path}|{info.Length}|{info.LastModified?.ToUnixTimeMilliseconds()}");

    private static string Under(string directory, string relative) => directory.Length == 0 ? relative : directory.TrimEnd('/') + "/" + relative;

    private static InputStagingException Failed(string uri, StorageException exception) => exception.Kind switch
    {
        StorageErrorKind.Integrity => new InputStagingException($"input {uri}: {exception.Message}", retryable: false, exception),
        StorageErrorKind.NotFound => new InputStagingException($"input {uri}: not found ({exception.Message})", retryable: false, exception),
        StorageErrorKind.PermissionDenied or StorageErrorKind.InvalidArgument => new InputStagingException($"input {uri}: {exception.Message}", retryable: false, exception),
        _ => new InputStagingException($"input {uri}: {exception.Message}", retryable: true, exception),
    };
}
