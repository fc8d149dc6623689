using System.Collections.Concurrent;
using Boid.Storage.Local;

namespace Boid.Storage;

/// <summary>How job-input URIs map to stores. Bound from <c>Boid:Storage:Uris</c>.</summary>
public sealed class StorageUriOptions
{
    public const string SectionName = "Boid:Storage:Uris";

    /// <summary>
    /// Local directories that <c>file://</c> URIs may name. Empty (the default) refuses every <c>file://</c>
    /// URI, so a job cannot read arbitrary files of the machine it runs on.
    /// </summary>
    public IList<string> AllowedFileRoots { get; } = [];

    /// <summary>
    /// The WebHDFS address of an HDFS namenode, keyed by the <c>host:port</c> (or <c>host</c>) of its
    /// <c>hdfs://</c> RPC address, e.g. <c>"namenode:8020" → http://namenode:9870</c>.
    /// </summary>
    public IDictionary<string, Uri> HdfsNamenodes { get; } = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The HTTP port assumed for an <c>hdfs://host/…</c> not in <see cref="HdfsNamenodes"/>.</summary>
    /// <value>Default 9870 (Hadoop 3's <c>dfs.namenode.http-address</c>).</value>
    public int DefaultNamenodeHttpPort { get; set; } = 9870;

    /// <summary>The namenode for URIs without a host (<c>hdfs:///data/x</c>, <c>webhdfs:///data/x</c>); such URIs are refused when null.</summary>
    public Uri? DefaultNamenode { get; set; }
}

/// <summary>A resolved URI: the store that holds it and the path inside that store.</summary>
public sealed record StorageLocation(string Uri, IBlobStore Store, string Path);

/// <summary>
/// Resolves the URIs a job names its inputs by:
/// <list type="bullet">
/// <item><c>store:jobs/j1/input.bin</c> (or <c>store:///…</c>): the cluster's own store.</item>
/// <item><c>file:///srv/data/x.csv</c>: a local file under one of <see cref="StorageUriOptions.AllowedFileRoots"/>.</item>
/// <item><c>webhdfs://namenode:9870/data/x</c> (<c>swebhdfs://</c> for HTTPS): HDFS through that WebHDFS address.</item>
/// <item><c>hdfs://namenode:8020/data/x</c>: HDFS; the RPC address is mapped to its WebHDFS address.</item>
/// </list>
/// </summary>
public sealed class StorageUriResolver
{
    public const string StoreScheme = "store";

    private readonly IBlobStore _store;
    private readonly StorageUriOptions _options;
    private readonly Func<Uri, IBlobStore>? _webHdfsFactory;
    private readonly ConcurrentDictionary<string, IBlobStore> _stores = new(StringComparer.Ordinal);

    /// <param name="store">The cluster's own store (<c>store:</c> URIs).</param>
    /// <param name="options">File roots and namenode mapping.</param>
    /// <param name="webHdfsFactory">Makes a store rooted at <c>/</c> for a namenode's HTTP address; HDFS URIs are refused when null.</param>
    public StorageUriResolver(IBlobStore store, StorageUriOptions options, Func<Uri, IBlobStore>? webHdfsFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _webHdfsFactory = webHdfsFactory;
    }

    /// <exception cref="StorageInvalidArgumentException">The URI is malformed, of an unknown scheme, or outside what is allowed.</exception>
    public StorageLocation Resolve(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? uri[..colon].ToLowerInvariant() : "";
        switch (scheme)
        {
            case StoreScheme:
                return new StorageLocation(uri, _store, StorePath.Normalize(System.Uri.UnescapeDataString(uri[(colon + 1)..])));
            case "file":
                return ResolveFile(uri, Parse(uri));
            case "webhdfs" or "swebhdfs":
            {
                var parsed = Parse(uri);
                var namenode = parsed.Authority.Length == 0
                    ? _options.DefaultNamenode ?? throw Invalid(uri, "it names no host and no default namenode is configured (Boid:Storage:Uris:DefaultNamenode)")
                    : new Uri($"{(scheme == "swebhdfs" ? "https" : "http")}://{parsed.Authority}/");
                return Hdfs(uri, parsed, namenode);
            }

            case "hdfs":
            {
                var parsed = Parse(uri);
                return Hdfs(uri, parsed, NamenodeFor(uri, parsed));
            }

            default:
                throw Invalid(uri, "its scheme is not one of store:, file://, hdfs://, webhdfs://, swebhdfs://");
        }
    }

    private Uri NamenodeFor(string text, Uri uri)
    {
        if (uri.Authority.Length == 0)
        {
            return _options.DefaultNamenode ?? throw Invalid(text, "it names no host and no default namenode is configured (Boid:Storage:Uris:DefaultNamenode)");
        }

        if (_options.HdfsNamenodes.TryGetValue(uri.Authority, out var mapped) || _options.HdfsNamenodes.TryGetValue(uri.Host, out mapped))
        {
            return mapped;
        }

        return new Uri($"http://{uri.Host}:{_options.DefaultNamenodeHttpPort}/");
    }

    private StorageLocation Hdfs(string text, Uri uri, Uri namenode)
    {
        if (_webHdfsFactory is null)
        {
            throw Invalid(text, "no HDFS is configured on this machine");
        }

        var store = _stores.GetOrAdd("hdfs|" + namenode.GetLeftPart(UriPartial.Authority), _ => _webHdfsFactory(namenode));
        return new StorageLocation(text, store, StorePath.Normalize(System.Uri.UnescapeDataString(uri.AbsolutePath)));
    }

    private StorageLocation ResolveFile(string text, Uri uri)
    {
        if (!string.IsNullOrEmpty(uri.Host) && uri.Host != "localhost")
        {
            throw Invalid(text, "a file:// URI must name a local path (file:///…)");
        }

        var full = Path.GetFullPath(uri.LocalPath);
        foreach (var allowed in _options.AllowedFileRoots)
        {
            var root = Path.GetFullPath(allowed).TrimEnd(Path.DirectorySeparatorChar);
            if (full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                var store = _stores.GetOrAdd("file|" + root, r => new LocalBlobStore(r[5..]));
                return new StorageLocation(text, store, StorePath.Normalize(Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/')));
            }
        }

        throw Invalid(text, _options.AllowedFileRoots.Count == 0
            ? "file:// inputs are off (Boid:Storage:Uris:AllowedFileRoots is empty)"
            : "it is outside Boid:Storage:Uris:AllowedFileRoots");
    }

    private static Uri Parse(string text) =>
        System.Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw Invalid(text, "it is not a well-formed URI");

    private static StorageInvalidArgumentException Invalid(string uri, string why) => new($"cannot use input URI '{uri}': {why}");
}
