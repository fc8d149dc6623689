using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Boid.Client;
using Spectre.Console;

namespace Boid.Cli.Commands;

internal static class Output
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private const int MaxPrintedBytes = 4096;

    /// <summary>
    /// Writes <paramref name="value"/> as JSON straight to the console's writer: through <c>IAnsiConsole.WriteLine</c>
    /// Spectre would wrap lines at the terminal width (80 columns when redirected) and break strings such as log tails.
    /// </summary>
    public static void WriteJson<T>(IAnsiConsole console, T value) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, Json));

    public static void PrintJob(IAnsiConsole console, Job job)
    {
        var p = job.Progress;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("job", job.Id);
        grid.AddRow("name", Markup.Escape(job.Name));
        grid.AddRow("protocol", job.Protocol);
        grid.AddRow("image", Markup.Escape(job.Image));
        grid.AddRow("state", job.State.ToString());
        grid.AddRow("units", string.Create(CultureInfo.InvariantCulture, $"{p.Total:N0} total, {p.Accepted:N0} done, {p.Running:N0} running, {p.Failed:N0} failed, {p.Pending:N0} pending ({p.FailedAttempts:N0} failed attempts)"));
        grid.AddRow("container time", TimeSpan.FromMicroseconds(job.ContainerMicroseconds).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture));
        grid.AddRow("submitted", job.SubmittedAt.ToString("u", CultureInfo.InvariantCulture));
        if (job.FinishedAt is { } finished)
        {
            grid.AddRow("finished", $"{finished.ToString("u", CultureInfo.InvariantCulture)} (wall time {(finished - job.SubmittedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        }

        if (job.Reason.Length > 0)
        {
            grid.AddRow("reason", Markup.Escape(job.Reason));
        }

        console.Write(grid);
    }

    /// <summary>Prints how a finished job ended and, when it is done, its small text result files. Returns the exit code.</summary>
    public static async Task<int> PrintOutcomeAsync(IAnsiConsole console, BoidClient client, Job job, CancellationToken cancellationToken)
    {
        PrintJob(console, job);
        if (job.State != JobState.Done)
        {
            console.MarkupLineInterpolated($"[red]job {job.Id} {job.State}[/]{(job.Reason.Length > 0 ? ": " + job.Reason : "")}");
            return ExitCodes.Failed;
        }

        if (!job.HasAmalgamation)
        {
            return ExitCodes.Ok;
        }

        foreach (var file in await client.ListResultAsync(job.Id, cancellationToken))
        {
            if (file.Length > MaxPrintedBytes || !(file.RelativePath.EndsWith(".txt", StringComparison.Ordinal) || file.RelativePath.EndsWith(".json", StringComparison.Ordinal)))
            {
                console.MarkupLineInterpolated($"[grey]result file {file.RelativePath} ({file.Length:N0} bytes): boid results {job.Id} -o DIR[/]");
                continue;
            }

            var stream = await client.OpenResultFileAsync(job.Id, file.RelativePath, cancellationToken);
            await using (stream)
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                console.Write(new Rule(Markup.Escape(file.RelativePath)).LeftJustified());
                console.WriteLine((await reader.ReadToEndAsync(cancellationToken)).TrimEnd());
            }
        }

        return ExitCodes.Ok;
    }
}
