using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Boid.Storage.WebHdfs;

/// <summary>
/// HDFS over the WebHDFS REST API (<c>/webhdfs/v1</c>) on <see cref="HttpClient"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>CREATE and APPEND are two steps: an empty request to the namenode, which answers 307 with the
/// datanode's Location, then the body to that Location. The body never goes to the namenode.</item>
/// <item>OPEN and GETFILECHECKSUM follow the namenode's redirect (up to <see cref="WebHdfsOptions.MaxRedirects"/>,
/// refusing loops). Bodies stream both ways in <see cref="WebHdfsOptions.BufferSize"/> pieces.</item>
/// <item>Errors come from the RemoteException JSON; only transient ones (connection refused, 502/503/504,
/// StandbyException, RetriableException, SafeModeException) are retried, with exponential backoff and jitter.
/// An upload is retried only while none of its bytes were sent, or when a CREATE's source can seek back.</item>
/// <item>The <see cref="HttpClient"/> must not follow redirects itself (it would send the body to the
/// namenode): build it with <see cref="CreateHttpHandler"/>, and give it an infinite timeout.</item>
/// </list>
/// </remarks>
public sealed class WebHdfsBlobStore : IBlobStore
{
    private const string ApiPrefix = "webhdfs/v1";
    private readonly HttpClient _http;
    private readonly WebHdfsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Uri _namenode;
    private readonly string _root;
    private readonly string _auth;
    private volatile bool _batchListingMissing;

    public WebHdfsBlobStore(HttpClient httpClient, WebHdfsOptions options, ILogger<WebHdfsBlobStore>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        WebHdfsOptionsValidator.ThrowIfInvalid(options);
        _http = httpClient;
        _options = options;
        _logger = logger ?? NullLogger<WebHdfsBlobStore>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        var baseUri = options.NamenodeUri!.ToString();
        _namenode = new Uri(baseUri.EndsWith('/') ? baseUri : baseUri + "/");
        _root = options.RootPath.TrimEnd('/');
        _auth = !string.IsNullOrEmpty(options.DelegationToken) ? "delegation=" + Uri.EscapeDataString(options.DelegationToken)
            : !string.IsNullOrEmpty(options.User) ? "user.name=" + Uri.EscapeDataString(options.User)
            : "";
    }

    public string Description => $"webhdfs:{_namenode.Authority}{(_root.Length == 0 ? "/" : _root)}";

    /// <summary>A handler fit for WebHDFS: redirects are not followed (this client follows them itself), no cookies.</summary>
    public static SocketsHttpHandler CreateHttpHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>An <see cref="HttpClient"/> on <see cref="CreateHttpHandler"/> (or <paramref name="handler"/>) with no overall timeout.</summary>
    public static HttpClient CreateHttpClient(HttpMessageHandler? handler = null) =>
        new(handler ?? CreateHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The absolute HDFS path of a store path.</summary>
    public string GetHdfsPath(string path)
    {
        var normalized = StorePath.Normalize(path, allowRoot: true);
        return normalized.Length == 0 ? (_root.Length == 0 ? "/" : _root) : _root + "/" + normalized;
    }

    public async Task<PutResult> PutAsync(string path, Stream content, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var normalized = StorePath.Normalize(path);
        var query = "overwrite=" + (overwrite ? "true" : "false");
        if (_options.Replication is { } replication)
        {
            query += "&replication=" + replication.ToString(CultureInfo.InvariantCulture);
        }

        if (_options.BlockSize is { } blockSize)
        {
            query += "&blocksize=" + blockSize.ToString(CultureInfo.InvariantCulture);
        }

        if (_options.Permission is { } permission)
        {
            query += "&permission=" + permission;
        }

        var sent = await WriteAsync(HttpMethod.Put, "CREATE", normalized, query, content, cancellationToken).ConfigureAwait(false);
        return new PutResult(normalized, sent.BytesRead, sent.Sha256);
    }

    public async Task AppendAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await WriteAsync(HttpMethod.Post, "APPEND", StorePath.Normalize(path), null, content, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "length cannot be negative");
        }

        var normalized = StorePath.Normalize(path);
        var query = offset > 0 ? "offset=" + offset.ToString(CultureInfo.InvariantCulture) : null;
        if (length is { } count)
        {
            query = (query is null ? "" : query + "&") + "length=" + count.ToString(CultureInfo.InvariantCulture);
        }

        HttpResponseMessage response;
        try
        {
            response = await GetFollowingRedirectsAsync("OPEN", normalized, query, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (offset > 0 && e.Kind is StorageErrorKind.InvalidArgument or StorageErrorKind.Protocol)
        {
            // HDFS refuses an offset past the end; the contract here is an empty stream.
            if (await StatAsync(normalized, cancellationToken).ConfigureAwait(false) is { Kind: BlobKind.File } file && offset >= file.Length)
            {
                return Stream.Null;
            }

            throw;
        }

        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            Stream owned = new ResponseStream(response, body);
            return length is { } limit ? new RangeStream(owned, limit) : owned;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<BlobInfo?> StatAsync(string path, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path, allowRoot: true);
        try
        {
            using var document = await JsonAsync(HttpMethod.Get, "GETFILESTATUS", normalized, null, cancellationToken).ConfigureAwait(false);
            return Parse("GETFILESTATUS", normalized, () => ToInfo(document.RootElement.GetProperty("FileStatus"), normalized, self: true));
        }
        catch (StorageNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(directory, allowRoot: true);
        string? startAfter = null;
        var first = true;
        while (true)
        {
            var (entries, remaining) = await ListPageAsync(normalized, startAfter, cancellationToken).ConfigureAwait(false);
            if (first && entries.Count == 1 && entries[0].Name.Length == 0)
            {
                throw new StorageInvalidArgumentException($"'{normalized}' is a file, not a directory");
            }

            first = false;
            foreach (var entry in entries)
            {
                yield return entry;
            }

            if (remaining <= 0 || entries.Count == 0)
            {
                yield break;
            }

            startAfter = entries[^1].Name;
        }
    }

    public async Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path, allowRoot: true);
        var query = _options.Permission is { } permission ? "permission=" + permission : null;
        using var document = await JsonAsync(HttpMethod.Put, "MKDIRS", normalized, query, cancellationToken).ConfigureAwait(false);
        if (!Parse("MKDIRS", normalized, () => document.RootElement.GetProperty("boolean").GetBoolean()))
        {
            throw new StorageConflictException($"WebHDFS MKDIRS '{normalized}' was refused (a file is in the way?)");
        }
    }

    public async Task<bool> DeleteAsync(string path, bool recursive = false, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path);
        using var document = await JsonAsync(HttpMethod.Delete, "DELETE", normalized, "recursive=" + (recursive ? "true" : "false"), cancellationToken).ConfigureAwait(false);
        return Parse("DELETE", normalized, () => document.RootElement.GetProperty("boolean").GetBoolean());
    }

    public async Task RenameAsync(string source, string destination, CancellationToken cancellationToken = default)
    {
        var from = StorePath.Normalize(source);
        var to = StorePath.Normalize(destination);
        if (to.StartsWith(from + "/", StringComparison.Ordinal))
        {
            throw new StorageInvalidArgumentException($"cannot rename '{from}' into itself ('{to}')");
        }

        // HDFS' RENAME moves into an existing directory and answers false over an existing file; this
        // contract is "never overwrite, never move into": check first, then explain a false.
        if (await StatAsync(to, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new StorageConflictException($"cannot rename '{from}' to '{to}': the destination exists");
        }

        if (await StatAsync(from, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new StorageNotFoundException($"'{from}' does not exist");
        }

        var parent = StorePath.Parent(to);
        if (parent.Length > 0)
        {
            await CreateDirectoryAsync(parent, cancellationToken).ConfigureAwait(false);
        }

        using var document = await JsonAsync(HttpMethod.Put, "RENAME", from, "destination=" + Uri.EscapeDataString(GetHdfsPath(to)), cancellationToken).ConfigureAwait(false);
        if (Parse("RENAME", from, () => document.RootElement.GetProperty("boolean").GetBoolean()))
        {
            return;
        }

        if (await StatAsync(from, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new StorageNotFoundException($"'{from}' does not exist");
        }

        throw new StorageConflictException($"cannot rename '{from}' to '{to}': HDFS refused (the destination exists?)");
    }

    public async Task<BlobChecksum> GetChecksumAsync(string path, CancellationToken cancellationToken = default)
    {
        var normalized = StorePath.Normalize(path);
        using var response = await GetFollowingRedirectsAsync("GETFILECHECKSUM", normalized, null, cancellationToken).ConfigureAwait(false);
        using var document = await ReadJsonAsync(response, "GETFILECHECKSUM", normalized, cancellationToken).ConfigureAwait(false);
        return Parse("GETFILECHECKSUM", normalized, () =>
        {
            var checksum = document.RootElement.GetProperty("FileChecksum");
            return new BlobChecksum(checksum.GetProperty("algorithm").GetString()!, checksum.GetProperty("bytes").GetString()!.ToLowerInvariant());
        });
    }

    private async Task<(List<BlobInfo> Entries, long Remaining)> ListPageAsync(string directory, string? startAfter, CancellationToken cancellationToken)
    {
        if (_options.UseListStatusBatch && !_batchListingMissing)
        {
            try
            {
                var query = startAfter is null ? null : "startAfter=" + Uri.EscapeDataString(startAfter);
                using var document = await JsonAsync(HttpMethod.Get, "LISTSTATUS_BATCH", directory, query, cancellationToken).ConfigureAwait(false);
                return Parse("LISTSTATUS_BATCH", directory, () =>
                {
                    var listing = document.RootElement.GetProperty("DirectoryListing");
                    var statuses = listing.GetProperty("partialListing").GetProperty("FileStatuses").GetProperty("FileStatus");
                    return (statuses.EnumerateArray().Select(s => ToInfo(s, directory, self: false)).ToList(), listing.GetProperty("remainingEntries").GetInt64());
                });
            }
            catch (StorageInvalidArgumentException e) when (startAfter is null && e.Message.Contains("LISTSTATUS_BATCH", StringComparison.Ordinal))
            {
                _batchListingMissing = true;
                Log.NoBatchListing(_logger, _namenode.Authority);
            }
        }

        using var all = await JsonAsync(HttpMethod.Get, "LISTSTATUS", directory, null, cancellationToken).ConfigureAwait(false);
        return Parse("LISTSTATUS", directory, () => (all.RootElement.GetProperty("FileStatuses").GetProperty("FileStatus").EnumerateArray()
            .Select(s => ToInfo(s, directory, self: false)).OrderBy(e => e.Name, StringComparer.Ordinal).ToList(), 0L));
    }

    private static BlobInfo ToInfo(JsonElement status, string basePath, bool self)
    {
        var suffix = status.GetProperty("pathSuffix").GetString() ?? "";
        var path = self || suffix.Length == 0 ? basePath : StorePath.Combine(basePath, suffix);
        var kind = status.GetProperty("type").GetString() == "DIRECTORY" ? BlobKind.Directory : BlobKind.File;
        var length = status.TryGetProperty("length", out var l) ? l.GetInt64() : 0;
        DateTimeOffset? modified = status.TryGetProperty("modificationTime", out var m) && m.GetInt64() > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(m.GetInt64())
            : null;
        return new BlobInfo(path, self ? StorePath.Name(path) : suffix, kind, kind == BlobKind.Directory ? 0 : length, modified);
    }

    private static T Parse<T>(string operation, string path, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or JsonException)
        {
            throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': the reply does not have the documented JSON shape", e);
        }
    }

    private Uri NamenodeUrl(string path, string operation, string? query)
    {
        var hdfsPath = GetHdfsPath(path);
        var escaped = string.Join('/', hdfsPath.Split('/').Select(Uri.EscapeDataString));
        var text = $"{ApiPrefix}{escaped}?op={operation}";
        if (_auth.Length > 0)
        {
            text += "&" + _auth;
        }

        if (!string.IsNullOrEmpty(query))
        {
            text += "&" + query;
        }

        return new Uri(_namenode, text);
    }

    /// <summary>A namenode request answered with JSON (metadata operations), retried when transient.</summary>
    private Task<JsonDocument> JsonAsync(HttpMethod method, string operation, string path, string? query, CancellationToken cancellationToken) =>
        RunAsync(operation, path, async token =>
        {
            using var timeout = NewTimeout();
            using var request = new HttpRequestMessage(method, NamenodeUrl(path, operation, query));
            using var response = await SendAsync(request, operation, path, timeout, token).ConfigureAwait(false);
            await ThrowIfErrorAsync(response, operation, path, token).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode))
            {
                throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': unexpected redirect (HTTP {(int)response.StatusCode})");
            }

            return await ReadJsonAsync(response, operation, path, token).ConfigureAwait(false);
        }, static () => true, cancellationToken);

    /// <summary>A GET to the namenode that follows its redirects to a datanode (OPEN, GETFILECHECKSUM).</summary>
    private Task<HttpResponseMessage> GetFollowingRedirectsAsync(string operation, string path, string? query, CancellationToken cancellationToken) =>
        RunAsync(operation, path, async token =>
        {
            using var timeout = NewTimeout();
            var uri = NamenodeUrl(path, operation, query);
            var visited = new HashSet<Uri> { uri };
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                var response = await SendAsync(request, operation, path, timeout, token).ConfigureAwait(false);
                try
                {
                    await ThrowIfErrorAsync(response, operation, path, token).ConfigureAwait(false);
                    if (!IsRedirect(response.StatusCode))
                    {
                        Log.Completed(_logger, operation, path, (int)response.StatusCode);
                        return response;
                    }

                    var next = RedirectTarget(response, uri, operation, path);
                    if (!visited.Add(next))
                    {
                        throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': redirect loop (a Location repeats)");
                    }

                    if (hop + 1 >= _options.MaxRedirects + 1)
                    {
                        throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': more than {_options.MaxRedirects} redirects");
                    }

                    Log.Redirected(_logger, operation, path, next.Authority);
                    uri = next;
                }
                finally
                {
                    if (IsRedirect(response.StatusCode) || !response.IsSuccessStatusCode)
                    {
                        response.Dispose();
                    }
                }
            }
        }, static () => true, cancellationToken);

    /// <summary>CREATE or APPEND: the empty namenode step, then the body to the datanode it names.</summary>
    private async Task<HashingStream> WriteAsync(HttpMethod method, string operation, string path, string? query, Stream content, CancellationToken cancellationToken)
    {
        var start = content.CanSeek ? content.Position : -1;
        HashingStream? sent = null;
        await RunAsync(operation, path, async token =>
        {
            if (sent is { BytesRead: > 0 })
            {
                content.Position = start;
            }

            if (sent is not null)
            {
                await sent.DisposeAsync().ConfigureAwait(false);
            }

            sent = new HashingStream(content, leaveOpen: true);
            Uri location;
            using (var timeout = NewTimeout())
            {
                var url = NamenodeUrl(path, operation, query);
                using var request = new HttpRequestMessage(method, url);
                using var response = await SendAsync(request, operation, path, timeout, token).ConfigureAwait(false);
                await ThrowIfErrorAsync(response, operation, path, token).ConfigureAwait(false);
                location = RedirectTarget(response, url, operation, path);
            }

            Log.Redirected(_logger, operation, path, location.Authority);
            using var data = new HttpRequestMessage(method, location) { Content = new StreamContent(sent, _options.BufferSize) };
            data.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var reply = await SendAsync(data, operation, path, null, token).ConfigureAwait(false);
            await ThrowIfErrorAsync(reply, operation, path, token).ConfigureAwait(false);
            if (IsRedirect(reply.StatusCode))
            {
                throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': the datanode redirected again (redirect loop); the data was not stored");
            }

            if (!sent.Completed)
            {
                throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': the datanode answered {(int)reply.StatusCode} before reading the whole body");
            }

            Log.Completed(_logger, operation, path, (int)reply.StatusCode);
            return true;
        }, () => sent is null || sent.BytesRead == 0 || (operation == "CREATE" && start >= 0), cancellationToken).ConfigureAwait(false);
        return sent!;
    }

    private static Uri RedirectTarget(HttpResponseMessage response, Uri requestUri, string operation, string path)
    {
        if (!IsRedirect(response.StatusCode))
        {
            throw new StorageException(StorageErrorKind.Protocol,
                $"WebHDFS {operation} '{path}': expected a 307 redirect to a datanode, got HTTP {(int)response.StatusCode}");
        }

        var location = response.Headers.Location
            ?? throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': HTTP {(int)response.StatusCode} without a Location header");
        if (!location.IsAbsoluteUri)
        {
            location = new Uri(requestUri, location);
        }

        if (location.Scheme is not ("http" or "https"))
        {
            throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': redirect to a {location.Scheme} URL");
        }

        if (location == requestUri)
        {
            throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': redirect loop (the Location is the request itself)");
        }

        return location;
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private CancellationTokenSource? NewTimeout() =>
        _options.RequestTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(_options.RequestTimeout, _time);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string operation, string path, CancellationTokenSource? timeout, CancellationToken cancellationToken)
    {
        var sent = request.RequestUri!;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && timeout is { IsCancellationRequested: true })
        {
            throw new StorageUnavailableException($"WebHDFS {operation} '{path}': no answer from {sent.Authority} within {_options.RequestTimeout}", e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new TransientFailure(new StorageUnavailableException($"WebHDFS {operation} '{path}': cannot connect to {sent.Authority}: {e.Message}", e), null);
        }
        catch (HttpRequestException e)
        {
            throw new StorageUnavailableException($"WebHDFS {operation} '{path}': exchange with {sent.Authority} failed: {e.Message}", e);
        }

        if (response.RequestMessage?.RequestUri is { } final && final != sent)
        {
            response.Dispose();
            throw new StorageException(StorageErrorKind.Protocol,
                $"WebHDFS {operation} '{path}': the HttpClient followed a redirect itself; build it on WebHdfsBlobStore.CreateHttpHandler() (AllowAutoRedirect = false)");
        }

        return response;
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, string operation, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode || IsRedirect(response.StatusCode))
        {
            return;
        }

        var error = await WebHdfsErrors.FromResponseAsync(response, operation, path, cancellationToken).ConfigureAwait(false);
        if (error.IsTransient)
        {
            throw new TransientFailure(error, response.Headers.RetryAfter?.Delta);
        }

        throw error;
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, string operation, string path, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException e)
        {
            throw new StorageException(StorageErrorKind.Protocol, $"WebHDFS {operation} '{path}': the reply is not JSON", e);
        }
    }

    private async Task<T> RunAsync<T>(string operation, string path, Func<CancellationToken, Task<T>> attempt, Func<bool> canReplay, CancellationToken cancellationToken)
    {
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFailure failure) when (number < _options.MaxAttempts && canReplay())
            {
                var delay = Backoff(number, failure.RetryAfter);
                Log.Retrying(_logger, operation, path, number, _options.MaxAttempts, (long)delay.TotalMilliseconds, failure.Error.Message);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFailure failure)
            {
                Log.Failed(_logger, operation, path, failure.Error.Kind, failure.Error.RemoteExceptionClass, failure.Error.Message);
                throw failure.Error;
            }
        }
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } hint && hint >= TimeSpan.Zero && hint <= _options.RetryMaxDelay)
        {
            return hint;
        }

        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    /// <summary>A failure worth another attempt; carries the error to throw when attempts run out.</summary>
    private sealed class TransientFailure(StorageException error, TimeSpan? retryAfter) : Exception(error.Message, error)
    {
        public StorageException Error { get; } = error;

        public TimeSpan? RetryAfter { get; } = retryAfter;
    }

    /// <summary>A response body that disposes its response with it.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.Content.Headers.ContentLength ?? throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
