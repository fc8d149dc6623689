using System.ComponentModel;
using System.Globalization;
using Boid.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

public sealed class SubmitCommand(IAnsiConsole console) : ApiCommand<SubmitCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("Job spec file (YAML)")]
        public string Spec { get; init; } = "";

        [CommandOption("--watch")]
        [Description("Follow the job until it ends, then print its result")]
        public bool Watch { get; init; }

        public override ValidationResult Validate() =>
            File.Exists(Spec) ? base.Validate() : ValidationResult.Error($"SPEC: no file '{Spec}'");
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        var job = await client.SubmitJobAsync(await File.ReadAllTextAsync(settings.Spec, cancellationToken), cancellationToken);
        if (settings.Json && !settings.Watch)
        {
            Output.WriteJson(Console, job);
            return ExitCodes.Ok;
        }

        Console.MarkupLineInterpolated($"submitted [bold]{job.Id}[/]: {job.Progress.Total:N0} units of {job.Image}");
        if (!settings.Watch)
        {
            return ExitCodes.Ok;
        }

        var finished = await JobWatcher.WatchAsync(Console, client, job.Id, cancellationToken);
        return await Output.PrintOutcomeAsync(Console, client, finished, cancellationToken);
    }
}

public sealed class StatusCommand(IAnsiConsole console) : ApiCommand<StatusCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "[JOB]")]
        [Description("Job id; without it, the most recent jobs are listed")]
        public string? Job { get; init; }
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Job is { } id)
        {
            var job = await client.GetJobAsync(id, cancellationToken);
            if (settings.Json)
            {
                Output.WriteJson(Console, job);
                return ExitCodes.Ok;
            }

            Output.PrintJob(Console, job);
            return ExitCodes.Ok;
        }

        var jobs = await client.ListJobsAsync(50, cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(Console, jobs);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("job", "name", "protocol", "state", "done", "failed", "running", "total", "submitted");
        foreach (var job in jobs)
        {
            table.AddRow(job.Id, job.Name, job.Protocol, job.State.ToString(), N(job.Progress.Accepted), N(job.Progress.Failed),
                N(job.Progress.Running), N(job.Progress.Total), job.SubmittedAt.ToString("u", CultureInfo.InvariantCulture));
        }

        Console.Write(table);
        return ExitCodes.Ok;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

public sealed class WatchCommand(IAnsiConsole console) : ApiCommand<WatchCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<JOB>")]
        [Description("Job id")]
        public string Job { get; init; } = "";
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        var job = await JobWatcher.WatchAsync(Console, client, settings.Job, cancellationToken);
        return await Output.PrintOutcomeAsync(Console, client, job, cancellationToken);
    }
}

public sealed class ResultsCommand(IAnsiConsole console) : ApiCommand<ResultsCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<JOB>")]
        [Description("Job id")]
        public string Job { get; init; } = "";

        [CommandOption("-o|--output <DIR>")]
        [Description("Directory to write the result into (created if missing)")]
        public string Output { get; init; } = "";

        public override ValidationResult Validate() =>
            Output.Length == 0 ? ValidationResult.Error("-o|--output: give the directory to write the result into") : base.Validate();
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        var files = await client.DownloadResultAsync(settings.Job, settings.Output, cancellationToken);
        foreach (var file in files)
        {
            Console.MarkupLineInterpolated($"{Path.Combine(settings.Output, file.RelativePath)}  {file.Length:N0} bytes  sha256 {file.Sha256[..16]}…");
        }

        Console.MarkupLineInterpolated($"{files.Count} files written to {settings.Output}");
        return ExitCodes.Ok;
    }
}

public sealed class LogsCommand(IAnsiConsole console) : ApiCommand<LogsCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<JOB>")]
        [Description("Job id")]
        public string Job { get; init; } = "";

        [CommandArgument(1, "<UNIT>")]
        [Description("Unit index, or 'amalgamate'")]
        public string Unit { get; init; } = "";
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        var unit = await client.GetUnitAsync(settings.Job, settings.Unit, cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(Console, unit);
            return ExitCodes.Ok;
        }

        Console.MarkupLineInterpolated($"unit [bold]{unit.UnitKey}[/] of {unit.JobId}: {unit.Status}  {string.Join(' ', unit.Parameters.Select(p => $"{p.Key}={p.Value}"))}");
        var table = new Table().AddColumns("attempt", "worker", "outcome", "exit", "run time", "reason");
        foreach (var attempt in unit.Attempts)
        {
            table.AddRow(attempt.Attempt.ToString(CultureInfo.InvariantCulture), attempt.Worker, attempt.Outcome ?? "(running)",
                attempt.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "", $"{attempt.RunTimeMicroseconds / 1000.0:N1} ms", Markup.Escape(attempt.Reason));
        }

        Console.Write(table);
        Console.Write(new Rule("stdout (tail)").LeftJustified());
        Console.WriteLine(unit.StdoutTail);
        Console.Write(new Rule("stderr (tail)").LeftJustified());
        Console.WriteLine(unit.StderrTail);
        return ExitCodes.Ok;
    }
}

public sealed class CancelCommand(IAnsiConsole console) : ApiCommand<CancelCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<JOB>")]
        [Description("Job id")]
        public string Job { get; init; } = "";
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        var job = await client.CancelJobAsync(settings.Job, cancellationToken);
        Console.MarkupLineInterpolated($"{job.Id} is {job.State}: {job.Progress.Accepted:N0} units done, {job.Progress.Failed:N0} failed");
        return ExitCodes.Ok;
    }
}

public sealed class ProtocolAddCommand(IAnsiConsole console) : ApiCommand<ProtocolAddCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("Protocol file (YAML)")]
        public string File { get; init; } = "";

        public override ValidationResult Validate() =>
            System.IO.File.Exists(File) ? base.Validate() : ValidationResult.Error($"FILE: no file '{File}'");
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        var protocol = await client.AddProtocolAsync(await System.IO.File.ReadAllTextAsync(settings.File, cancellationToken), cancellationToken);
        Console.MarkupLineInterpolated($"protocol [bold]{protocol.Name}[/] saved: {protocol.Title} (images: {string.Join(", ", protocol.Images)})");
        return ExitCodes.Ok;
    }
}

public sealed class ProtocolListCommand(IAnsiConsole console) : ApiCommand<ApiSettings>(console)
{
    protected override async Task<int> RunAsync(BoidClient client, ApiSettings settings, CancellationToken cancellationToken)
    {
        var protocols = await client.ListProtocolsAsync(cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(Console, protocols);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("name", "title", "researcher", "sponsor", "images", "fund", "worker rate/h");
        foreach (var p in protocols)
        {
            table.AddRow(p.Name, Markup.Escape(p.Title), p.Researcher, p.Sponsor, Markup.Escape(string.Join(", ", p.Images)), p.Fund,
                p.WorkerRatePerHour.ToString(CultureInfo.InvariantCulture));
        }

        Console.Write(table);
        return ExitCodes.Ok;
    }
}

public sealed class WorkersCommand(IAnsiConsole console) : ApiCommand<ApiSettings>(console)
{
    protected override async Task<int> RunAsync(BoidClient client, ApiSettings settings, CancellationToken cancellationToken)
    {
        var workers = await client.ListWorkersAsync(cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(Console, workers);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("account", "role", "cores", "slots", "running", "units", "container time", "last seen");
        foreach (var w in workers)
        {
            table.AddRow(w.Account, w.Role, w.Cores.ToString(CultureInfo.InvariantCulture), w.Slots.ToString(CultureInfo.InvariantCulture),
                w.RunningUnits.ToString(CultureInfo.InvariantCulture), w.UnitsAccepted.ToString("N0", CultureInfo.InvariantCulture),
                TimeSpan.FromMicroseconds(w.ContributedMicroseconds).ToString(@"hh\:mm\:ss\.f", CultureInfo.InvariantCulture),
                w.LastSeen?.ToString("u", CultureInfo.InvariantCulture) ?? "never");
        }

        Console.Write(table);
        return ExitCodes.Ok;
    }
}
