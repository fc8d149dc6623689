using System.Collections.Concurrent;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Model;
using Boid.Worker.Inputs;

namespace Boid.Silo.Gateway;

/// <summary>
/// What a remote volunteer's lease reads under <c>/in</c>: the files its inputs resolve to on the dispatcher's side (the
/// same <see cref="StoreInputSource"/> a worker silo uses, so a job's own inputs and the amalgamation step's accepted
/// outputs come alike), fetched once into the gateway's own content-addressed cache and served from there with ranges.
/// Many volunteers reading one input cost one fetch from the store.
/// </summary>
internal sealed class GatewayInputs(StoreInputSource source, InputCache cache)
{
    private const int RememberedLeases = 4096;
    private readonly ConcurrentDictionary<string, Task<Manifest>> _manifests = new(StringComparer.Ordinal);

    /// <summary>The lease's input files with their hashes (resolved and cached once per lease).</summary>
    public Task<Manifest> ManifestAsync(UnitAssignment lease)
    {
        if (_manifests.Count > RememberedLeases)
        {
            _manifests.Clear(); // a bound, not a cache policy: a forgotten lease is resolved again
        }

        return _manifests.GetOrAdd(lease.LeaseId, _ => BuildAsync(lease));
    }

    /// <summary>The cached file behind one path of the lease's manifest.</summary>
    /// <exception cref="BoidException">NotFound: the lease has no such input.</exception>
    public async Task<string> FileAsync(UnitAssignment lease, string path)
    {
        var manifest = await ManifestAsync(lease);
        var file = manifest.Files.FirstOrDefault(f => f.Path == path)
            ?? throw BoidException.NotFound($"no input '{path}' for unit {lease.UnitKey}");
        if (cache.PathIfCached(file.Sha256) is { } cached)
        {
            return cached;
        }

        // Evicted since the manifest was made: fetch it again, by its hash.
        var resolved = new InputFile(file.Path, file.Path, file.Sha256, file.Length);
        var original = (await source.ResolveAsync(lease, CancellationToken.None)).First(f => f.Path == path);
        using var entry = await cache.GetAsync(resolved, (target, token) => source.DownloadAsync(lease, original, target, token), CancellationToken.None);
        return entry.Path;
    }

    private async Task<Manifest> BuildAsync(UnitAssignment lease)
    {
        try
        {
            var files = new List<ManifestFile>();
            foreach (var file in await source.ResolveAsync(lease, CancellationToken.None))
            {
                using var entry = await cache.GetAsync(file, (target, token) => source.DownloadAsync(lease, file, target, token), CancellationToken.None);
                files.Add(new ManifestFile { Path = file.Path, Length = new FileInfo(entry.Path).Length, Sha256 = entry.Sha256 });
            }

            return new Manifest { Files = files };
        }
        catch (InputStagingException exception)
        {
            _manifests.TryRemove(lease.LeaseId, out _);
            throw new BoidException(exception.Retryable ? BoidErrorKind.Unavailable : BoidErrorKind.NotFound, exception.Message);
        }
    }
}
