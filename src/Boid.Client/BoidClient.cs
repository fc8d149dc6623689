using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boid.Abstractions.Errors;

namespace Boid.Client;

/// <summary>
/// A researcher's handle on a Boid dispatcher: submit jobs, follow them, fetch their results. Talks
/// only to the dispatcher's HTTP API (<c>/api/v1</c>), so it works against any dispatcher of a cluster.
/// </summary>
public sealed class BoidClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a client for the dispatcher at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The dispatcher's API address, e.g. <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="token">The bearer token mutating calls need when the API listens beyond loopback; null for none.</param>
    public BoidClient(Uri baseAddress, string? token = null)
        : this(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) }, token, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client on an existing <see cref="HttpClient"/> whose <c>BaseAddress</c> is the dispatcher.</summary>
    /// <param name="http">The HTTP client; its base address must be set.</param>
    /// <param name="token">The bearer token, or null.</param>
    /// <param name="ownsHttpClient">Whether disposing this client disposes <paramref name="http"/>.</param>
    public BoidClient(HttpClient http, string? token = null, bool ownsHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _ownsHttp = ownsHttpClient;
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Submits a job spec (YAML or JSON text, see docs/job-spec.md).</summary>
    /// <returns>The submitted job.</returns>
    /// <exception cref="BoidApiException">The spec is not valid (the message names the field), or the dispatcher is unreachable.</exception>
    public Task<Job> SubmitJobAsync(string specText, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Post, "api/v1/jobs", Text(specText), cancellationToken);

    /// <summary>Gets one job.</summary>
    /// <exception cref="BoidApiException">No such job, or the dispatcher is unreachable.</exception>
    public Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Get, $"api/v1/jobs/{Uri.EscapeDataString(jobId)}", null, cancellationToken);

    /// <summary>Lists the most recent jobs, oldest first.</summary>
    /// <param name="limit">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="BoidApiException">The dispatcher is unreachable.</exception>
    public Task<IReadOnlyList<Job>> ListJobsAsync(int limit = 50, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Job>>(HttpMethod.Get, $"api/v1/jobs?limit={limit}", null, cancellationToken);

    /// <summary>Cancels a job: its running containers are stopped within seconds.</summary>
    /// <exception cref="BoidApiException">No such job, or the dispatcher is unreachable.</exception>
    public Task<Job> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Post, $"api/v1/jobs/{Uri.EscapeDataString(jobId)}/cancel", null, cancellationToken);

    /// <summary>Gets one unit of a job (by index, or <c>amalgamate</c>) with its attempts and output tails.</summary>
    /// <exception cref="BoidApiException">No such job or unit, or the dispatcher is unreachable.</exception>
    public Task<Unit> GetUnitAsync(string jobId, string unitKey, CancellationToken cancellationToken = default) =>
        SendAsync<Unit>(HttpMethod.Get, $"api/v1/jobs/{Uri.EscapeDataString(jobId)}/units/{Uri.EscapeDataString(unitKey)}", null, cancellationToken);

    /// <summary>Lists the files of a finished job's amalgamated result.</summary>
    /// <exception cref="BoidApiException">The job is not done, or does not exist.</exception>
    public Task<IReadOnlyList<ResultFile>> ListResultAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ResultFile>>(HttpMethod.Get, $"api/v1/jobs/{Uri.EscapeDataString(jobId)}/result", null, cancellationToken);

    /// <summary>Opens one result file as a stream (not buffered: large files stream through).</summary>
    /// <exception cref="BoidApiException">No such file.</exception>
    public async Task<Stream> OpenResultFileAsync(string jobId, string relativePath, CancellationToken cancellationToken = default)
    {
        var path = string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/jobs/{Uri.EscapeDataString(jobId)}/result/{path}");
        var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a finished job's result into <paramref name="directory"/>, checking each file's SHA-256.
    /// </summary>
    /// <returns>The files written.</returns>
    /// <exception cref="BoidApiException">The job has no result, or a file arrived damaged.</exception>
    public async Task<IReadOnlyList<ResultFile>> DownloadResultAsync(string jobId, string directory, CancellationToken cancellationToken = default)
    {
        var files = await ListResultAsync(jobId, cancellationToken).ConfigureAwait(false);
        var root = Path.GetFullPath(directory);
        foreach (var file in files)
        {
            var target = Path.GetFullPath(Path.Combine(root, file.RelativePath));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new BoidApiException($"result file '{file.RelativePath}' would land outside {root}");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var source = await OpenResultFileAsync(jobId, file.RelativePath, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                var output = File.Create(target);
                await using (output.ConfigureAwait(false))
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }

                if (Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
                {
                    throw new BoidApiException($"result file '{file.RelativePath}' arrived damaged (SHA-256 differs)");
                }
            }
        }

        return files;
    }

    /// <summary>Adds or replaces a protocol from its YAML description.</summary>
    /// <exception cref="BoidApiException">The description is not valid (the message names the field).</exception>
    public Task<Protocol> AddProtocolAsync(string protocolText, CancellationToken cancellationToken = default) =>
        SendAsync<Protocol>(HttpMethod.Post, "api/v1/protocols", Text(protocolText), cancellationToken);

    /// <summary>Lists the protocols.</summary>
    /// <exception cref="BoidApiException">The dispatcher is unreachable.</exception>
    public Task<IReadOnlyList<Protocol>> ListProtocolsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Protocol>>(HttpMethod.Get, "api/v1/protocols", null, cancellationToken);

    /// <summary>Lists the workers that have registered with the dispatcher.</summary>
    /// <exception cref="BoidApiException">The dispatcher is unreachable.</exception>
    public Task<IReadOnlyList<Worker>> ListWorkersAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Worker>>(HttpMethod.Get, "api/v1/workers", null, cancellationToken);

    /// <summary>Registers (or updates) a storage contributor: an HDFS endpoint offered to a protocol, with its capacity and used bytes.</summary>
    /// <exception cref="BoidApiException">Invalid account, endpoint or sizes; unknown protocol; the dispatcher is unreachable.</exception>
    public Task<StorageContributor> RegisterStorageAsync(string account, string protocol, string endpoint, long capacityBytes, long usedBytes,
        CancellationToken cancellationToken = default) =>
        SendAsync<StorageContributor>(HttpMethod.Post, "api/v1/storage",
            JsonContent.Create(new { account, protocol, endpoint, capacityBytes, usedBytes }, options: Json), cancellationToken);

    /// <summary>Reports a storage contributor's used bytes; the dispatcher credits the byte-seconds since the previous report.</summary>
    /// <exception cref="BoidApiException">The account is not a registered storage contributor; the dispatcher is unreachable.</exception>
    public Task<StorageReport> ReportStorageAsync(string account, long usedBytes, CancellationToken cancellationToken = default) =>
        SendAsync<StorageReport>(HttpMethod.Post, $"api/v1/storage/{Uri.EscapeDataString(account)}/report",
            JsonContent.Create(new { usedBytes }, options: Json), cancellationToken);

    /// <summary>
    /// The ledger's status: where contribution records go (chain or journal), how many wait, the last transaction
    /// and the last error.
    /// </summary>
    /// <exception cref="BoidApiException">The dispatcher is unreachable.</exception>
    public Task<LedgerStatus> GetLedgerAsync(CancellationToken cancellationToken = default) =>
        SendAsync<LedgerStatus>(HttpMethod.Get, "api/v1/ledger", null, cancellationToken);

    /// <summary>
    /// Polls a job until it finishes, reporting each change of its progress.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="onProgress">Called with every poll's job.</param>
    /// <param name="pollInterval">Time between polls (default 500 ms).</param>
    /// <param name="cancellationToken">Stops waiting (the job goes on).</param>
    /// <returns>The finished job.</returns>
    /// <exception cref="BoidApiException">The job does not exist, or the dispatcher stays unreachable.</exception>
    public async Task<Job> WaitForJobAsync(string jobId, Action<Job>? onProgress = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(500);
        while (true)
        {
            var job = await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            onProgress?.Invoke(job);
            if (job.IsFinished)
            {
                return job;
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static StringContent Text(string text) => new(text, Encoding.UTF8, "application/yaml");

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new BoidApiException($"{method} {path}: empty answer", response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new BoidApiException($"cannot reach the dispatcher at {_http.BaseAddress}: {exception.Message}", null, BoidErrorKind.Unavailable, null, exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
            throw new BoidApiException(problem.Detail ?? problem.Title ?? $"{(int)response.StatusCode} {response.ReasonPhrase}",
                response.StatusCode, KindOf(problem.Kind, response.StatusCode), problem.Field);
        }
    }

    private static async Task<Problem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Problem>(Json, cancellationToken).ConfigureAwait(false) ?? new Problem();
        }
        catch (JsonException)
        {
            return new Problem();
        }
    }

    /// <summary>The problem's own kind when it names one we know, else the kind its status stands for.</summary>
    private static BoidErrorKind KindOf(string? kind, HttpStatusCode status) =>
        Enum.TryParse<BoidErrorKind>(kind, out var parsed) && Enum.IsDefined(parsed) ? parsed : BoidErrors.KindOf(status);

    private sealed record Problem(string? Title = null, string? Detail = null, string? Kind = null, string? Field = null);
}
