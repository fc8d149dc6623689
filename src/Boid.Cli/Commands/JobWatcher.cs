using System.Diagnostics;
using System.Globalization;
using Boid.Client;
using Spectre.Console;

namespace Boid.Cli.Commands;

/// <summary>
/// Follows a job until it ends: a live progress bar on a terminal (done / running / failed, rate, ETA),
/// one line every few seconds when the output is redirected.
/// </summary>
public static class JobWatcher
{
    public static async Task<Job> WatchAsync(IAnsiConsole console, BoidClient client, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(client);
        var clock = Stopwatch.StartNew();
        var rate = new RateMeter();
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi)
        {
            return await WatchPlainAsync(console, client, jobId, clock, rate, cancellationToken);
        }

        Job? last = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(jobId, maxValue: 1);
                last = await client.WaitForJobAsync(jobId, job =>
                {
                    var done = job.Progress.Accepted + job.Progress.Failed;
                    rate.Add(clock.Elapsed, done);
                    task.MaxValue = Math.Max(1, job.Progress.Total);
                    task.Value = done;
                    task.Description = Markup.Escape(Describe(job, rate, clock.Elapsed));
                }, cancellationToken: cancellationToken);
                task.StopTask();
            });
        return last!;
    }

    private static async Task<Job> WatchPlainAsync(IAnsiConsole console, BoidClient client, string jobId, Stopwatch clock, RateMeter rate, CancellationToken cancellationToken)
    {
        var lastLine = "";
        var lastPrinted = TimeSpan.FromSeconds(-10);
        return await client.WaitForJobAsync(jobId, job =>
        {
            rate.Add(clock.Elapsed, job.Progress.Accepted + job.Progress.Failed);
            var line = Describe(job, rate, clock.Elapsed);
            var changed = StripTimes(line) != StripTimes(lastLine);
            if ((changed && clock.Elapsed - lastPrinted >= TimeSpan.FromSeconds(2)) || job.IsFinished)
            {
                console.WriteLine(line);
                lastLine = line;
                lastPrinted = clock.Elapsed;
            }
        }, cancellationToken: cancellationToken);
    }

    private static string StripTimes(string line) => line.Split('|')[0];

    internal static string Describe(Job job, RateMeter rate, TimeSpan elapsed)
    {
        var p = job.Progress;
        var perSecond = rate.PerSecond;
        var remaining = p.Total - p.Accepted - p.Failed;
        var eta = perSecond > 0 && remaining > 0 ? TimeSpan.FromSeconds(remaining / perSecond).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"{job.State,-12} {p.Accepted:N0}/{p.Total:N0} done, {p.Running:N0} running, {p.Failed:N0} failed | {perSecond:0.0}/s ETA {eta} ({elapsed:mm\\:ss})");
    }

    /// <summary>Units per second over the last ten seconds of samples.</summary>
    internal sealed class RateMeter
    {
        private readonly Queue<(TimeSpan At, long Done)> _samples = new();

        public double PerSecond { get; private set; }

        public void Add(TimeSpan at, long done)
        {
            _samples.Enqueue((at, done));
            while (_samples.Count > 2 && at - _samples.Peek().At > TimeSpan.FromSeconds(10))
            {
                _samples.Dequeue();
            }

            var first = _samples.Peek();
            var seconds = (at - first.At).TotalSeconds;
            PerSecond = seconds > 0 ? (done - first.Done) / seconds : 0;
        }
    }
}
