using System.Collections.Concurrent;
using System.Security.Cryptography;
using Boid.Abstractions.Gateway;
using Boid.Storage;

namespace Boid.Silo.Gateway;

/// <summary>The amalgamation step's inputs (every accepted unit's outputs), materialised once per job and served with ranges.</summary>
internal sealed class InputCache(string root)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<(string Directory, Manifest Manifest)>>> _jobs = new(StringComparer.Ordinal);

    public async Task<string> DirectoryAsync(IResultStore store, string job) => (await GetAsync(store, job)).Directory;

    public async Task<Manifest> ManifestAsync(IResultStore store, string job) => (await GetAsync(store, job)).Manifest;

    private Task<(string Directory, Manifest Manifest)> GetAsync(IResultStore store, string job) =>
        _jobs.GetOrAdd(job, _ => new Lazy<Task<(string, Manifest)>>(() => BuildAsync(store, job))).Value;

    private async Task<(string, Manifest)> BuildAsync(IResultStore store, string job)
    {
        var scratch = Path.Combine(root, job);
        var directory = await store.MaterializeAcceptedUnitsAsync(job, scratch);
        var files = new List<ManifestFile>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            files.Add(new ManifestFile
            {
                Path = Path.GetRelativePath(directory, file).Replace('\\', '/'),
                Length = stream.Length,
                Sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)),
            });
        }

        return (directory, new Manifest { Files = files });
    }
}
