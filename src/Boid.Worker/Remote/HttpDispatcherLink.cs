using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Model;
using Boid.Worker.Inputs;
using Microsoft.Extensions.Logging;

namespace Boid.Worker.Remote;

/// <summary>
/// The remote worker's link: outbound HTTP(S) requests to the dispatcher's gateway only (no inbound port, no
/// cluster membership). It signs a session request with the account's K1 key and then carries the short-lived
/// token the dispatcher returns, renewing it before it expires or when the dispatcher forgot it. Network
/// failures and 5xx answers surface as <see cref="HttpRequestException"/>, which the engine retries.
/// </summary>
public sealed partial class HttpDispatcherLink : IDispatcherLink, IInputSource, IDisposable
{
    private readonly HttpClient _http;
    private readonly RemoteWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sessionLock = new(1, 1);
    private WorkerCapabilities? _capabilities;
    private SessionResponse? _session;
    private string? _dispatcherId;
    private DateTimeOffset _leaseBackoffUntil;

    public HttpDispatcherLink(RemoteWorkerOptions options, TimeProvider time, ILogger<HttpDispatcherLink> logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = options.Dispatcher,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The last session's answer (trust, limits), for the status line.</summary>
    public SessionResponse? Session => _session;

    public async Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _capabilities = new WorkerCapabilities
        {
            Cores = registration.Cores,
            MemoryBytes = registration.MemoryBytes,
            Architecture = GatewayProtocol.CurrentArchitecture(),
            Gpus = _options.Gpus,
            Slots = registration.Slots,
        };
        await NewSessionAsync(null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow() < _leaseBackoffUntil)
        {
            return [];
        }

        try
        {
            var answer = await SendJsonAsync<LeaseResponse>(HttpMethod.Post, "leases", new LeaseRequest { Max = max }, cancellationToken).ConfigureAwait(false);
            return answer.Leases;
        }
        catch (GatewayLimitException limit)
        {
            // Quota, concurrent leases or rate: ask again when the dispatcher says, without hammering it.
            _leaseBackoffUntil = _time.GetUtcNow() + limit.RetryAfter;
            LogLimited(_logger, limit.Message, limit.RetryAfter.TotalSeconds);
            return [];
        }
    }

    public async Task<bool> StartedAsync(UnitAssignment lease, CancellationToken cancellationToken) =>
        (await SendJsonAsync<LeaseAnswer>(HttpMethod.Post, LeasePath(lease, "started"), null, cancellationToken).ConfigureAwait(false)).Current;

    public async Task<bool> RenewAsync(UnitAssignment lease, CancellationToken cancellationToken) =>
        (await SendJsonAsync<LeaseAnswer>(HttpMethod.Post, LeasePath(lease, "renew"), null, cancellationToken).ConfigureAwait(false)).Current;

    /// <summary>A volunteer reaches no store: the gateway lists a lease's input files (with their hashes) and serves them.</summary>
    public IInputSource Inputs => this;

    async Task<IReadOnlyList<InputFile>> IInputSource.ResolveAsync(UnitAssignment lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Manifest manifest;
        try
        {
            manifest = await SendJsonAsync<Manifest>(HttpMethod.Get, LeasePath(lease, "inputs"), null, cancellationToken).ConfigureAwait(false);
        }
        catch (BoidException exception) when (exception.Kind == BoidErrorKind.NotFound)
        {
            // The lease is gone, or an input is missing on the dispatcher's side: another attempt would meet the same.
            throw new InputStagingException(exception.Message, retryable: false, exception);
        }
        catch (HttpRequestException exception)
        {
            throw new InputStagingException($"the dispatcher could not list the inputs: {exception.Message}", retryable: true, exception);
        }

        return [.. manifest.Files.Select(file => GatewayProtocol.IsSafeRelativePath(file.Path)
            ? new InputFile(file.Path, file.Path, file.Sha256, file.Length)
            : throw new InputStagingException($"the dispatcher listed an unsafe input path '{file.Path}'", retryable: true))];
    }

    async Task<(string Sha256, long Length)> IInputSource.DownloadAsync(UnitAssignment lease, InputFile file, string localPath, CancellationToken cancellationToken)
    {
        try
        {
            await DownloadAsync(lease, new ManifestFile { Path = file.Uri, Length = file.Length ?? 0, Sha256 = file.Sha256 ?? "" }, localPath, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException exception)
        {
            throw new InputStagingException($"input {file.Path}: {exception.Message}", retryable: true, exception);
        }

        return (file.Sha256!, new FileInfo(localPath).Length);
    }

    public async Task UploadOutputsAsync(UnitAssignment lease, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var files = new List<ManifestFile>();
        foreach (var path in Directory.EnumerateFiles(outputDirectory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(outputDirectory, path).Replace('\\', '/');
            string hash;
            long length;
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                length = stream.Length;
                hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            }

            files.Add(new ManifestFile { Path = relative, Length = length, Sha256 = hash });
            await SendAsync(HttpMethod.Put, LeasePath(lease, "outputs/" + string.Join('/', relative.Split('/').Select(Uri.EscapeDataString))), () =>
            {
                var content = new StreamContent(File.OpenRead(path), 81920);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.ContentLength = length;
                content.Headers.Add(GatewayProtocol.Sha256Header, hash);
                return content;
            }, cancellationToken).ConfigureAwait(false);
        }

        await SendJsonAsync<Manifest>(HttpMethod.Post, LeasePath(lease, "outputs"), new Manifest { Files = files }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReportDisposition> ReportAsync(UnitReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var path = $"jobs/{Uri.EscapeDataString(report.JobId)}/units/{Uri.EscapeDataString(report.UnitKey)}/leases/{Uri.EscapeDataString(report.LeaseId)}/report";
        return (await SendJsonAsync<ReportAnswer>(HttpMethod.Post, path, report, cancellationToken).ConfigureAwait(false)).Disposition;
    }

    public Task HeartbeatAsync(string workerId, int runningUnits, CancellationToken cancellationToken) =>
        SendJsonAsync<LeaseAnswer>(HttpMethod.Post, "heartbeat", new HeartbeatRequest { Running = runningUnits }, cancellationToken);

    /// <summary>This account as the dispatcher records it: accepted units, contributed time, reputation.</summary>
    public Task<ContributorView> GetContributorAsync(CancellationToken cancellationToken) =>
        SendJsonAsync<ContributorView>(HttpMethod.Get, "me", null, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        _sessionLock.Dispose();
    }

    private static string LeasePath(UnitAssignment lease, string action) =>
        $"jobs/{Uri.EscapeDataString(lease.JobId)}/units/{Uri.EscapeDataString(lease.UnitKey)}/leases/{Uri.EscapeDataString(lease.LeaseId)}/{action}";

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body is null ? null : () => JsonContent.Create(body, body.GetType(), options: GatewayProtocol.Json), cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(GatewayProtocol.Json, cancellationToken).ConfigureAwait(false)
                ?? throw new HttpRequestException("the dispatcher sent an empty answer");
        }
        catch (JsonException exception)
        {
            throw new HttpRequestException($"the dispatcher sent an unreadable answer: {exception.Message}", exception);
        }
    }

    /// <summary>Sends with the session token; a 401 (expired token, restarted dispatcher with a new secret) gets one fresh session and a retry.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken, RangeHeaderValue? range = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, GatewayProtocol.Prefix.TrimStart('/') + "/" + path) { Content = content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
            request.Headers.Range = range;
            var response = await SendRawAsync(request, content is not null && method == HttpMethod.Put, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                response.Dispose();
                await NewSessionAsync(session, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
    }

    /// <summary>Turns a timeout into a transient failure the engine retries (an <see cref="OperationCanceledException"/> would read as a shutdown).</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, bool streamingBody, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!streamingBody)
        {
            timeout.CancelAfter(_options.RequestTimeout);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{request.Method} {request.RequestUri} timed out", exception);
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var message = $"{(int)response.StatusCode} {response.ReasonPhrase}: {detail}";
        var retryAfter = RetryAfter(response);
        response.Dispose();
        throw status switch
        {
            401 or 403 => new GatewayRefusedException(status, message),
            429 => new GatewayLimitException(message, retryAfter),
            400 or 413 or 422 => new BoidException(BoidErrorKind.InvalidArgument, message),
            404 => BoidException.NotFound(message),
            409 => new BoidException(BoidErrorKind.Conflict, message),
            _ => new HttpRequestException(message, null, response.StatusCode),
        };
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } delta ? delta : TimeSpan.FromSeconds(1);

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? text : text;
        }
        catch (JsonException)
        {
            return "(no details)";
        }
    }

    private async Task<SessionResponse> SessionAsync(CancellationToken cancellationToken)
    {
        var session = _session;
        // Sign a new session shortly before the token expires (a 401 for an expired token also triggers one).
        if (session is not null && session.ExpiresAt - _time.GetUtcNow() > TimeSpan.FromSeconds(5))
        {
            return session;
        }

        return await NewSessionAsync(session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs a fresh session request (new timestamp and nonce: never a replay of an earlier one).</summary>
    private async Task<SessionResponse> NewSessionAsync(SessionResponse? stale, CancellationToken cancellationToken)
    {
        await _sessionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_session, stale) && _session is not null)
            {
                return _session; // another caller renewed it meanwhile
            }

            var capabilities = _capabilities ?? throw new InvalidOperationException("register before other calls");
            for (var attempt = 0; ; attempt++)
            {
                _dispatcherId ??= (await GetInfoAsync(cancellationToken).ConfigureAwait(false)).DispatcherId;
                var body = JsonSerializer.SerializeToUtf8Bytes(new SessionRequest
                {
                    Account = _options.Account,
                    PublicKey = _options.Key.PublicKey.ToString(),
                    DispatcherId = _dispatcherId,
                    TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                    Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                    Capabilities = capabilities,
                }, GatewayProtocol.Json);
                var signature = _options.Key.SignDigest(GatewayProtocol.SessionDigest(body));
                using var request = new HttpRequestMessage(HttpMethod.Post, GatewayProtocol.Prefix.TrimStart('/') + "/sessions")
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.Add(GatewayProtocol.SignatureHeader, signature.ToString());
                using var response = await SendRawAsync(request, false, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    _dispatcherId = null; // a different dispatcher (or a new secret) answers now: ask who it is, once
                    continue;
                }

                await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
                _session = await ReadJsonAsync<SessionResponse>(response, cancellationToken).ConfigureAwait(false);
                LogSession(_logger, _options.Account, _session.ExpiresAt, _session.Trusted);
                return _session;
            }
        }
        finally
        {
            _sessionLock.Release();
        }
    }

    public async Task<GatewayInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, GatewayProtocol.Prefix.TrimStart('/') + "/info");
        using var response = await SendRawAsync(request, false, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<GatewayInfo>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads one input, resuming with a range request after a dropped connection, and checks its hash.</summary>
    private async Task DownloadAsync(UnitAssignment lease, ManifestFile file, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var path = LeasePath(lease, "inputs/" + string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString)));
        for (var attempt = 0; ; attempt++)
        {
            var have = File.Exists(target) ? new FileInfo(target).Length : 0;
            if (have < file.Length)
            {
                try
                {
                    using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken, have > 0 ? new RangeHeaderValue(have, null) : null).ConfigureAwait(false);
                    var append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                    var output = new FileStream(target, append ? FileMode.Append : FileMode.Create, FileAccess.Write);
                    await using (output.ConfigureAwait(false))
                    {
                        await response.Content.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception exception) when (attempt < 5 && exception is HttpRequestException or IOException)
                {
                    LogResume(_logger, file.Path, exception.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            var stream = File.OpenRead(target);
            await using (stream.ConfigureAwait(false))
            {
                var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
                if (hash == file.Sha256)
                {
                    return;
                }
            }

            File.Delete(target);
            if (attempt >= 5)
            {
                throw new InvalidDataException($"input {file.Path}: hash mismatch after {attempt + 1} downloads");
            }
        }
    }

    [LoggerMessage(3500, LogLevel.Information, "Gateway session for {Account} until {ExpiresAt} (trusted: {Trusted})")]
    private static partial void LogSession(ILogger logger, string account, DateTimeOffset expiresAt, bool trusted);

    [LoggerMessage(3501, LogLevel.Information, "The dispatcher limits this worker: {Reason}; asking again in {Seconds} s")]
    private static partial void LogLimited(ILogger logger, string reason, double seconds);

    [LoggerMessage(3502, LogLevel.Warning, "Download of input {Path} interrupted ({Reason}); resuming")]
    private static partial void LogResume(ILogger logger, string path, string reason);
}
