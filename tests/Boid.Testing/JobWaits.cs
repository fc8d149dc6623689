using System.Diagnostics;
using Boid.Client;

namespace Boid.Testing;

/// <summary>Waiting for a job through the HTTP API.</summary>
public static class JobWaits
{
    /// <summary>The default wait for a job of an end-to-end test.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Polls the job until <paramref name="condition"/> holds and returns it. Answers that fail because the dispatcher is
    /// (re)starting are retried. The timeout says what was awaited, the job's last state, and <paramref name="diagnostics"/>.
    /// </summary>
    public static async Task<Job> WaitUntilAsync(this BoidClient client, string jobId, Func<Job, bool> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        Job? job = null;
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                job = await client.GetJobAsync(jobId);
                last = null;
                if (condition(job))
                {
                    return job;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or BoidApiException or TaskCanceledException)
            {
                last = exception; // the dispatcher may be restarting
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(Wait.Message(limit, $"job {jobId} to {what}; last seen: {job?.State} {job?.Progress} {last?.Message}", diagnostics));
    }

    /// <summary>Waits until the job has ended (done, failed or cancelled).</summary>
    public static Task<Job> WaitUntilFinishedAsync(this BoidClient client, string jobId, TimeSpan? timeout = null, Func<string>? diagnostics = null) =>
        client.WaitUntilAsync(jobId, j => j.IsFinished, "finish", timeout, diagnostics);
}
