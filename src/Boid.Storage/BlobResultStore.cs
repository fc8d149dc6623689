using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Boid.Abstractions.Ids;
using Boid.Storage.Local;

namespace Boid.Storage;

/// <summary>
/// The result store on any <see cref="IBlobStore"/> (a local directory or HDFS over WebHDFS), in the protocol's
/// data directory layout:
/// <code>
/// {datadir}/{job}/attempts/{unit}-{lease}/…     outputs waiting for acceptance
/// {datadir}/{job}/units/{unit}/…                accepted outputs of a unit (promoted by rename)
/// {datadir}/{job}/result/…                      the amalgamated result
/// {datadir}/{job}/manifests/…                   file lists with SHA-256 (no re-reading to list or compare)
/// {datadir}/{job}/records/{name}.sha256         hashes of the job's records, kept in cas/
/// index/jobs/{job}                              the job's data directory (written at submit)
/// cas/sha256/{ab}/{hash}                        content-addressed job records
/// </code>
/// A job whose data directory was never set lives under <see cref="DefaultDataDirectory"/>.
/// </summary>
public sealed class BlobResultStore : IResultStore
{
    /// <summary>Where jobs go when their protocol names no data directory.</summary>
    public const string DefaultDataDirectory = "jobs";

    private const string IndexDirectory = "index/jobs";
    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, string> _jobRoots = new(StringComparer.Ordinal);

    public BlobResultStore(IBlobStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        Records = new ContentAddressedStore(store);
    }

    public IBlobStore Store { get; }

    /// <summary>Where job records are kept (<c>cas/</c> of the same store).</summary>
    public ContentAddressedStore Records { get; }

    /// <summary>The store path of a data directory: <c>/protocols/pi</c> → <c>protocols/pi</c>; empty → <see cref="DefaultDataDirectory"/>.</summary>
    public static string DataDirectoryPath(string? dataDirectory) =>
        string.IsNullOrWhiteSpace(dataDirectory) || dataDirectory.Trim('/').Length == 0 ? DefaultDataDirectory : StorePath.Normalize(dataDirectory.Trim());

    public async Task SetJobLocationAsync(string jobId, string dataDirectory, CancellationToken cancellationToken = default)
    {
        var root = StorePath.Combine(DataDirectoryPath(dataDirectory), StoreNames.Check(jobId, "job id"));
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(root), writable: false);
        await Store.PutAsync(IndexPath(jobId), content, overwrite: true, cancellationToken).ConfigureAwait(false);
        _jobRoots[jobId] = root;
    }

    /// <summary>The store path of a job's folder: <c>{datadir}/{job}</c>.</summary>
    public async Task<string> JobRootAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (_jobRoots.TryGetValue(jobId, out var known))
        {
            return known;
        }

        string root;
        try
        {
            var stream = await Store.OpenReadAsync(IndexPath(jobId), cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                root = StorePath.Normalize((await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim());
            }
        }
        catch (StorageNotFoundException)
        {
            root = StorePath.Combine(DefaultDataDirectory, jobId);
        }

        return _jobRoots.GetOrAdd(jobId, root);
    }

    public async Task<string> PutJobRecordAsync(string jobId, string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var address = await Records.PutAsync(content, cancellationToken).ConfigureAwait(false);
        var pointer = StorePath.Combine(await JobRootAsync(jobId, cancellationToken).ConfigureAwait(false), "records", StoreNames.Check(name, "record name") + ".sha256");
        using var text = new MemoryStream(Encoding.UTF8.GetBytes(address.Sha256), writable: false);
        await Store.PutAsync(pointer, text, overwrite: true, cancellationToken).ConfigureAwait(false);
        return address.Sha256;
    }

    public async Task<IReadOnlyList<StoredFile>> PutAttemptAsync(AttemptKey attempt, string sourceDirectory, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(attempt.JobId, cancellationToken).ConfigureAwait(false);
        var target = AttemptPath(root, attempt);
        var files = new List<StoredFile>();
        if (!SafeFiles(sourceDirectory).Any())
        {
            // Nothing written: an attempt without a folder lists as empty, so store nothing. Many units
            // write no file (their result is the exit code, or goes to the ledger), and at thousands of units
            // a second the folder, manifest and renames would cost more than the rest of the dispatch path.
            await Store.DeleteAsync(target, recursive: true, cancellationToken).ConfigureAwait(false); // a repeated upload replaces
            return files;
        }

        var staging = target + ".partial";
        await Store.DeleteAsync(staging, recursive: true, cancellationToken).ConfigureAwait(false);

        foreach (var (local, relative) in SafeFiles(sourceDirectory))
        {
            var put = await Store.UploadFileAsync(local, StorePath.Combine(staging, relative), overwrite: true, cancellationToken).ConfigureAwait(false);
            files.Add(new StoredFile(relative, put.Length, put.Sha256));
        }

        await Store.CreateDirectoryAsync(staging, cancellationToken).ConfigureAwait(false);
        await WriteManifestAsync(AttemptManifest(root, attempt), files, cancellationToken).ConfigureAwait(false);
        await Store.DeleteAsync(target, recursive: true, cancellationToken).ConfigureAwait(false);
        await Store.RenameAsync(staging, target, cancellationToken).ConfigureAwait(false);
        return files;
    }

    public async Task PromoteAttemptAsync(AttemptKey attempt, ResultArea target, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(attempt.JobId, cancellationToken).ConfigureAwait(false);
        var source = AttemptPath(root, attempt);
        var (targetPath, targetManifest) = target.UnitKey is { } unit
            ? (UnitPath(root, unit), UnitManifest(root, unit))
            : (StorePath.Combine(root, "result"), StorePath.Combine(root, "manifests", "result.json"));
        // No source: promoted already (a repeated call after a crash; its manifest may still need moving), or an
        // attempt that wrote no file (stored as nothing, see PutAttemptAsync). Either way the target stays.
        if (await Store.StatAsync(source, cancellationToken).ConfigureAwait(false) is not null)
        {
            await Store.DeleteAsync(targetPath, recursive: true, cancellationToken).ConfigureAwait(false);
            await Store.RenameAsync(source, targetPath, cancellationToken).ConfigureAwait(false);
        }

        var sourceManifest = AttemptManifest(root, attempt);
        if (await Store.StatAsync(sourceManifest, cancellationToken).ConfigureAwait(false) is not null)
        {
            await Store.DeleteAsync(targetManifest, recursive: false, cancellationToken).ConfigureAwait(false);
            await Store.RenameAsync(sourceManifest, targetManifest, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DiscardAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(attempt.JobId, cancellationToken).ConfigureAwait(false);
        await Store.DeleteAsync(AttemptPath(root, attempt), recursive: true, cancellationToken).ConfigureAwait(false);
        await Store.DeleteAsync(AttemptPath(root, attempt) + ".partial", recursive: true, cancellationToken).ConfigureAwait(false);
        await Store.DeleteAsync(AttemptManifest(root, attempt), recursive: false, cancellationToken).ConfigureAwait(false);
    }

    public Stream OpenAttemptRead(AttemptKey attempt, string relativePath) =>
        Open(StorePath.Combine(AttemptPath(JobRoot(attempt.JobId), attempt), StoreNames.CheckRelativePath(relativePath)),
            $"attempt {attempt.LeaseId} of unit '{attempt.UnitKey}' has no file '{relativePath}'");

    public async Task<IReadOnlyList<StoredFile>> ListAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(attempt.JobId, cancellationToken).ConfigureAwait(false);
        return await ListAsync(AttemptPath(root, attempt), AttemptManifest(root, attempt), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredFile>> ListAcceptedUnitsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(jobId, cancellationToken).ConfigureAwait(false);
        var units = StorePath.Combine(root, "units");
        if (await Store.StatAsync(units, cancellationToken).ConfigureAwait(false) is not { IsDirectory: true })
        {
            return [];
        }

        var files = new List<StoredFile>();
        await foreach (var unit in Store.ListAsync(units, cancellationToken).ConfigureAwait(false))
        {
            if (unit.IsDirectory)
            {
                var listed = await ListAsync(unit.Path, UnitManifest(root, unit.Name), cancellationToken).ConfigureAwait(false);
                files.AddRange(listed.Select(f => f with { RelativePath = unit.Name + "/" + f.RelativePath }));
            }
        }

        return files;
    }

    public async Task<IReadOnlyList<StoredFile>> ListResultAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(jobId, cancellationToken).ConfigureAwait(false);
        return await ListAsync(StorePath.Combine(root, "result"), StorePath.Combine(root, "manifests", "result.json"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredFile>> ListUnitAsync(string jobId, string unitKey, CancellationToken cancellationToken = default)
    {
        var root = await JobRootAsync(jobId, cancellationToken).ConfigureAwait(false);
        return await ListAsync(UnitPath(root, unitKey), UnitManifest(root, unitKey), cancellationToken).ConfigureAwait(false);
    }

    public Stream OpenRead(string jobId, ResultArea area, string relativePath)
    {
        var root = JobRoot(jobId);
        var directory = area.UnitKey is null ? StorePath.Combine(root, "result") : UnitPath(root, area.UnitKey);
        return Open(StorePath.Combine(directory, StoreNames.CheckRelativePath(relativePath)), $"job '{jobId}' has no file '{relativePath}'");
    }

    public async Task DeleteJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await Store.DeleteAsync(await JobRootAsync(jobId, cancellationToken).ConfigureAwait(false), recursive: true, cancellationToken).ConfigureAwait(false);
        await Store.DeleteAsync(IndexPath(jobId), recursive: false, cancellationToken).ConfigureAwait(false);
        _jobRoots.TryRemove(jobId, out _);
    }

    /// <summary>
    /// The regular files of an output folder with their store-relative paths. Refused (the store's own check, besides the
    /// container runner's): symbolic links anywhere, and names that are not plain store paths (<c>..</c>, <c>\</c>, <c>:</c>, control characters).
    /// </summary>
    /// <exception cref="StorageInvalidArgumentException">An entry is unsafe; the message names it.</exception>
    public static IEnumerable<(string LocalPath, string RelativePath)> SafeFiles(string sourceDirectory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        var entries = new DirectoryInfo(sourceDirectory).EnumerateFileSystemInfos("*", options).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
        {
            var relative = Path.GetRelativePath(sourceDirectory, entry.FullName).Replace('\\', '/');
            if (entry.LinkTarget is not null)
            {
                throw new StorageInvalidArgumentException($"unsafe output: '{relative}' is a symbolic link");
            }

            string normalized;
            try
            {
                normalized = StorePath.Normalize(relative);
            }
            catch (StorageInvalidArgumentException exception)
            {
                throw new StorageInvalidArgumentException($"unsafe output: {exception.Message}", exception);
            }

            if (entry is FileInfo)
            {
                yield return (entry.FullName, normalized);
            }
        }
    }

    private string JobRoot(string jobId) =>
        _jobRoots.TryGetValue(jobId, out var root) ? root : JobRootAsync(jobId).GetAwaiter().GetResult();

    private Stream Open(string path, string notFound)
    {
        if (Store is LocalBlobStore local)
        {
            var full = local.GetFullPath(path);
            return File.Exists(full)
                ? new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true)
                : throw new FileNotFoundException(notFound);
        }

        try
        {
            // One metadata round trip (the OPEN redirect); the body then streams.
            return Store.OpenReadAsync(path).GetAwaiter().GetResult();
        }
        catch (StorageNotFoundException exception)
        {
            throw new FileNotFoundException(notFound, exception);
        }
    }

    private async Task<IReadOnlyList<StoredFile>> ListAsync(string directory, string manifest, CancellationToken cancellationToken)
    {
        if (await Store.StatAsync(directory, cancellationToken).ConfigureAwait(false) is not { IsDirectory: true })
        {
            return [];
        }

        try
        {
            var stream = await Store.OpenReadAsync(manifest, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<List<StoredFile>>(stream, ManifestJson, cancellationToken).ConfigureAwait(false) ?? [];
            }
        }
        catch (StorageNotFoundException)
        {
            // No manifest (written by an older version, or lost): hash what is there.
        }

        var files = new List<StoredFile>();
        await foreach (var file in Store.ListFilesRecursiveAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            var stream = await Store.OpenReadAsync(file.Path, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var hashing = new HashingStream(stream, leaveOpen: true);
                await using (hashing.ConfigureAwait(false))
                {
                    await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                    files.Add(new StoredFile(file.Path[(directory.Length + 1)..], hashing.BytesRead, hashing.Sha256));
                }
            }
        }

        return files;
    }

    private async Task WriteManifestAsync(string path, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(files, ManifestJson), writable: false);
        await Store.PutAsync(path, content, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private static string IndexPath(string jobId) => StorePath.Combine(IndexDirectory, StoreNames.Check(jobId, "job id"));

    private static string UnitPath(string root, string unitKey) => StorePath.Combine(root, "units", StoreNames.Check(unitKey, "unit key"));

    private static string UnitManifest(string root, string unitKey) => StorePath.Combine(root, "manifests", "units", StoreNames.Check(unitKey, "unit key") + ".json");

    private static string AttemptName(AttemptKey attempt) =>
        StoreNames.Check(attempt.UnitKey, "unit key") + "-" + StoreNames.Check(attempt.LeaseId, "lease id");

    private static string AttemptPath(string root, AttemptKey attempt) => StorePath.Combine(root, "attempts", AttemptName(attempt));

    private static string AttemptManifest(string root, AttemptKey attempt) => StorePath.Combine(root, "manifests", "attempts", AttemptName(attempt) + ".json");
}
