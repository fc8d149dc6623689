using System.Net.Http.Headers;
using System.Text.Json;
using Boid.Client;
using Boid.Testing.Processes;

namespace Boid.Volunteer.Tests;

/// <summary>
/// A dispatcher process (a <see cref="Deployment"/>) with its API on <see cref="Url"/>, the bearer token
/// <see cref="Token"/>, and an HTTP client for it. It can be killed and started again on the same data.
/// </summary>
public sealed class Dispatcher : IDisposable
{
    public const string Token = "volunteer-tests-token";
    private BoidProcess? _process;
    private int _starts;

    public Dispatcher(string testName, string host, IReadOnlyDictionary<string, string>? environment = null)
    {
        Deployment = new Deployment(testName, environment, apiHost: host, apiToken: Token);
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>The dispatcher's processes, its workers', and their data and logs.</summary>
    public Deployment Deployment { get; }

    public string Url => Deployment.ApiUrl;

    public HttpClient Http { get; }

    public BoidClient Client => Deployment.Client;

    /// <summary>Starts <c>boid dispatcher</c> (a short lease TTL) and waits until it serves.</summary>
    public async Task StartAsync()
    {
        _process = Deployment.StartDispatcher($"dispatcher-{++_starts}", "--lease-ttl", "10");
        await _process.WaitUntilRunningAsync();
    }

    /// <summary>kill -9: no chance to flush anything.</summary>
    public void Kill() => _process?.Kill9();

    /// <summary>A worker silo (a trusted cluster member) joined to this dispatcher.</summary>
    public BoidProcess StartWorkerSilo(string account) => Deployment.StartWorker("silo-" + account, account, slots: 2);

    public async Task<string> SubmitAsync(string yaml) => (await Client.SubmitJobAsync(yaml)).Id;

    public async Task<JsonElement> JobAsync(string id) =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri($"/api/v1/jobs/{id}", UriKind.Relative))).RootElement;

    /// <summary>Waits for the job to end (the dispatcher may be restarting meanwhile) and insists it is Done.</summary>
    public async Task<JsonElement> WaitDoneAsync(string id, TimeSpan timeout)
    {
        var job = await Deployment.WaitForJobAsync(id, j => j.IsFinished, "finish", timeout);
        Assert.True(job.State == JobState.Done, $"job {id} ended {job.State}: {job.Reason}");
        return await JobAsync(id);
    }

    public Task<string> ResultAsync(string id) => Http.GetStringAsync(new Uri($"/api/v1/jobs/{id}/result/result.json", UriKind.Relative));

    public async Task<JsonElement> WorkerAsync(string account)
    {
        var workers = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/v1/workers", UriKind.Relative))).RootElement;
        return workers.EnumerateArray().First(w => w.GetProperty("account").GetString() == account);
    }

    public void Dispose()
    {
        Deployment.Dispose();
        Http.Dispose();
    }
}
