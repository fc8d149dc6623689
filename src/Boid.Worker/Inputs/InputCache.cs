using System.Collections.Concurrent;
using Boid.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Worker.Inputs;

/// <summary>
/// The worker's cache of job inputs, by content hash: <c>{cache}/sha256/{ab}/{hash}</c>, read-only files. Each piece of
/// content is fetched once (concurrent units that want the same input share one download), verified against its
/// expected SHA-256 when the job gives one, and evicted least-recently-used beyond <see cref="WorkerOptions.CacheMaxBytes"/>.
/// Inputs without an expected hash are known by their source's version (store, path, length, modification time) until
/// their hash is learnt. Where the bytes come from is the caller's (an <see cref="IInputSource"/>).
/// </summary>
public sealed class InputCache
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly TimeProvider _time;
    private readonly ILogger<InputCache> _logger;
    private readonly long _maxBytes;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _fetching = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _hashBySource = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _pins = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private long _downloads;
    private long _hits;
    private long _bytesDownloaded;
    private long _evictions;

    public InputCache(IOptions<WorkerOptions> options, TimeProvider time, ILogger<InputCache> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _logger = logger;
        _maxBytes = options.Value.CacheMaxBytes;
        Root = Path.GetFullPath(options.Value.CacheDirectory ?? Path.Combine(options.Value.WorkDirectory, "cache"));
        Directory.CreateDirectory(Path.Combine(Root, "sha256"));
        var temporary = Path.Combine(Root, "tmp");
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true); // downloads cut short by an earlier run
        }

        Directory.CreateDirectory(temporary);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "sha256"), "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(file);
            if (ContentHash.IsSha256(info.Name))
            {
                _entries[info.Name] = new Entry(info.Length, info.LastWriteTimeUtc);
            }
        }
    }

    public string Root { get; }

    /// <summary>Inputs fetched from their source, served from the cache, bytes fetched, entries evicted (since start).</summary>
    public (long Downloads, long Hits, long BytesDownloaded, long Evictions) Counters =>
        (Interlocked.Read(ref _downloads), Interlocked.Read(ref _hits), Interlocked.Read(ref _bytesDownloaded), Interlocked.Read(ref _evictions));

    /// <summary>Bytes held now.</summary>
    public long SizeBytes => _entries.Values.Sum(e => e.Length);

    /// <summary>
    /// Returns the cached file of an input, fetching it with <paramref name="download"/> first if needed (into a new file
    /// at the path it is given; it returns the content's hash and length). The entry is pinned (never evicted) until the
    /// returned handle is disposed, so the caller can link it into a unit's <c>/in</c>.
    /// </summary>
    /// <exception cref="InputStagingException">The input is refused, missing, unreachable, or its content does not match its hash.</exception>
    public async Task<CachedInput> GetAsync(InputFile file, Func<string, CancellationToken, Task<(string Sha256, long Length)>> download, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(download);
        string hash;
        if (file.Sha256 is { } expected)
        {
            hash = expected.ToLowerInvariant();
            if (!TryHit(hash))
            {
                await Fetch("sha256:" + hash, () => DownloadAsync(file, download), cancellationToken).ConfigureAwait(false);
            }
        }
        else if (file.Version is { } version && _hashBySource.TryGetValue(version, out var known) && TryHit(known))
        {
            hash = known;
        }
        else
        {
            hash = await Fetch("source:" + (file.Version ?? file.Uri), () => DownloadAsync(file, download), cancellationToken).ConfigureAwait(false);
            if (file.Version is not null)
            {
                _hashBySource[file.Version] = hash;
            }
        }

        _pins.AddOrUpdate(hash, 1, (_, n) => n + 1);
        var path = PathOf(hash);
        if (!File.Exists(path))
        {
            // Evicted between the fetch and the pin (another unit's download made room): fetch again, pinned now.
            Unpin(hash);
            return await GetAsync(file with { Sha256 = hash }, download, cancellationToken).ConfigureAwait(false);
        }

        Touch(hash);
        return new CachedInput(path, hash, this);
    }

    /// <summary>The cached file holding <paramref name="sha256"/>, or null when it is not cached (not pinned: the caller reads it at once).</summary>
    public string? PathIfCached(string sha256) =>
        ContentHash.IsSha256(sha256) && _entries.ContainsKey(sha256) && File.Exists(PathOf(sha256)) ? PathOf(sha256) : null;

    internal void Unpin(string hash) => _pins.AddOrUpdate(hash, 0, (_, n) => Math.Max(0, n - 1));

    private async Task<string> Fetch(string key, Func<Task<string>> download, CancellationToken cancellationToken)
    {
        // One download per key, shared by every unit that asks meanwhile; not cancelled when one of them stops.
        var fetch = _fetching.GetOrAdd(key, _ => new Lazy<Task<string>>(() => Task.Run(download, CancellationToken.None)));
        try
        {
            return await fetch.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (fetch.Value.IsCompleted)
            {
                _fetching.TryRemove(KeyValuePair.Create(key, fetch));
            }
        }
    }

    private async Task<string> DownloadAsync(InputFile file, Func<string, CancellationToken, Task<(string Sha256, long Length)>> download)
    {
        var temporary = Path.Combine(Root, "tmp", Guid.NewGuid().ToString("N"));
        try
        {
            var (sha256, length) = await download(temporary, CancellationToken.None).ConfigureAwait(false);
            var target = PathOf(sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, ReadOnly);
            }

            if (!File.Exists(target))
            {
                File.Move(temporary, target, overwrite: false);
            }

            Interlocked.Increment(ref _downloads);
            Interlocked.Add(ref _bytesDownloaded, length);
            _entries[sha256] = new Entry(length, _time.GetUtcNow().UtcDateTime);
            Log.InputFetched(_logger, file.Uri, sha256, length);
            Evict(sha256);
            return sha256;
        }
        catch (IOException exception)
        {
            throw new InputStagingException($"input {file.Uri}: could not be cached: {exception.Message}", retryable: true, exception);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private bool TryHit(string hash)
    {
        if (_entries.ContainsKey(hash) && File.Exists(PathOf(hash)))
        {
            Interlocked.Increment(ref _hits);
            return true;
        }

        return false;
    }

    private void Touch(string hash)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (_entries.TryGetValue(hash, out var entry))
        {
            _entries[hash] = entry with { LastUsed = now };
        }

        try
        {
            File.SetLastWriteTimeUtc(PathOf(hash), now); // the LRU order survives a restart
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes least-recently-used entries, never a pinned one nor <paramref name="keep"/>, until the cache fits.</summary>
    private void Evict(string keep)
    {
        lock (_evicting)
        {
            var total = SizeBytes;
            foreach (var (hash, entry) in _entries.OrderBy(e => e.Value.LastUsed).ToList())
            {
                if (total <= _maxBytes)
                {
                    break;
                }

                if (hash == keep || _pins.GetValueOrDefault(hash) > 0)
                {
                    continue;
                }

                // Units that linked this file keep their own name for it: removing ours frees the space once they end.
                File.Delete(PathOf(hash));
                _entries.TryRemove(hash, out _);
                total -= entry.Length;
                Interlocked.Increment(ref _evictions);
                Log.InputEvicted(_logger, hash, entry.Length);
            }
        }
    }

    private string PathOf(string hash) => Path.Combine(Root, "sha256", hash[..2], hash);

    private readonly record struct Entry(long Length, DateTime LastUsed);
}

/// <summary>A pinned cache entry: its read-only file and hash. Dispose to unpin.</summary>
public sealed class CachedInput(string path, string sha256, InputCache cache) : IDisposable
{
    private int _disposed;

    public string Path { get; } = path;

    public string Sha256 { get; } = sha256;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            cache.Unpin(Sha256);
        }
    }
}
