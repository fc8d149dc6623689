using System.Security.Cryptography;
using Boid.Abstractions.Ids;

namespace Boid.Storage.Local;

/// <summary>
/// The embedded cluster's result store: a folder on the dispatcher's disk. Attempts are copied in
/// with their SHA-256 computed on the way; acceptance is an atomic directory rename.
/// </summary>
public sealed class LocalResultStore : IResultStore
{
    private readonly string _root;

    public LocalResultStore(string rootDirectory)
    {
        _root = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(_root);
    }

    public string RootDirectory => _root;

    public async Task<IReadOnlyList<StoredFile>> PutAttemptAsync(AttemptKey attempt, string sourceDirectory, CancellationToken cancellationToken = default)
    {
        var target = AttemptDirectory(attempt);
        var staging = target + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var files = new List<StoredFile>();
        foreach (var source in Directory.EnumerateFiles(sourceDirectory, "*", SearchOption.AllDirectories))
        {
            var relative = StoreNames.CheckRelativePath(Path.GetRelativePath(sourceDirectory, source));
            var destination = Path.Combine(staging, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            files.Add(await CopyWithHashAsync(source, destination, relative, cancellationToken).ConfigureAwait(false));
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(staging, target);
        return files;
    }

    public Task PromoteAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default)
    {
        var source = AttemptDirectory(attempt);
        var target = attempt.IsAmalgamation ? ResultDirectory(attempt.JobId) : UnitDirectory(attempt.JobId, attempt.UnitKey);
        if (!Directory.Exists(source))
        {
            // Promoted already (a repeated call after a crash), or never staged: both leave the target as it is.
            if (Directory.Exists(target))
            {
                return Task.CompletedTask;
            }

            throw new DirectoryNotFoundException($"no staged outputs for unit '{attempt.UnitKey}' of job '{attempt.JobId}' (lease {attempt.LeaseId})");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(source, target);
        return Task.CompletedTask;
    }

    public Task DiscardAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default)
    {
        var directory = AttemptDirectory(attempt);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    public Stream OpenAttemptRead(AttemptKey attempt, string relativePath)
    {
        var path = Path.Combine(AttemptDirectory(attempt), StoreNames.CheckRelativePath(relativePath));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"attempt {attempt.LeaseId} of unit '{attempt.UnitKey}' has no file '{relativePath}'");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    public Task<IReadOnlyList<StoredFile>> ListAttemptAsync(AttemptKey attempt, CancellationToken cancellationToken = default) =>
        ListAsync(AttemptDirectory(attempt), cancellationToken);

    public Task<string> MaterializeAcceptedUnitsAsync(string jobId, string scratchDirectory, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(JobDirectory(jobId), "units");
        Directory.CreateDirectory(directory);
        return Task.FromResult(directory);
    }

    public Task<IReadOnlyList<StoredFile>> ListResultAsync(string jobId, CancellationToken cancellationToken = default) =>
        ListAsync(ResultDirectory(jobId), cancellationToken);

    public Task<IReadOnlyList<StoredFile>> ListUnitAsync(string jobId, string unitKey, CancellationToken cancellationToken = default) =>
        ListAsync(UnitDirectory(jobId, unitKey), cancellationToken);

    public Stream OpenRead(string jobId, ResultArea area, string relativePath)
    {
        var baseDirectory = area.UnitKey is null ? ResultDirectory(jobId) : UnitDirectory(jobId, area.UnitKey);
        var path = Path.Combine(baseDirectory, StoreNames.CheckRelativePath(relativePath));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"job '{jobId}' has no file '{relativePath}'");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    public Task DeleteJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var directory = JobDirectory(jobId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private string JobDirectory(string jobId) => Path.Combine(_root, "jobs", StoreNames.Check(jobId, "job id"));

    private string ResultDirectory(string jobId) => Path.Combine(JobDirectory(jobId), "result");

    private string UnitDirectory(string jobId, string unitKey) =>
        Path.Combine(JobDirectory(jobId), "units", StoreNames.Check(unitKey, "unit key"));

    private string AttemptDirectory(AttemptKey attempt) =>
        Path.Combine(JobDirectory(attempt.JobId), "attempts",
            StoreNames.Check(attempt.UnitKey, "unit key") + "-" + StoreNames.Check(attempt.LeaseId, "lease id"));

    private static async Task<IReadOnlyList<StoredFile>> ListAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var files = new List<StoredFile>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
                files.Add(new StoredFile(Path.GetRelativePath(directory, path).Replace('\\', '/'), stream.Length, Convert.ToHexStringLower(hash)));
            }
        }

        return files;
    }

    private static async Task<StoredFile> CopyWithHashAsync(string source, string destination, string relative, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (input.ConfigureAwait(false))
        {
            var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                long length = 0;
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }

                return new StoredFile(relative, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
            }
        }
    }
}
