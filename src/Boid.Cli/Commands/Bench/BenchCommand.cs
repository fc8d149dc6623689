using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands.Bench;

/// <summary>What one run measures and how much of it; <c>--smoke</c> shrinks everything to seconds.</summary>
internal sealed class BenchOptions
{
    public static readonly string[] AllSections = ["dispatch", "backlog", "containers", "worker"];

    public bool Smoke { get; init; }

    public IReadOnlySet<string> Sections { get; init; } = new HashSet<string>(AllSections);

    public IReadOnlyList<int> Workers { get; init; } = [100, 1_000, 10_000];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public long BacklogUnits { get; init; } = 1_000_000;

    public long SmallBacklog { get; init; } = 10_000;

    public int BacklogWorkers { get; init; } = 1_000;

    public int ContainerUnits { get; init; } = 20;

    public int EndToEndUnits { get; init; } = 100;

    public int Slots { get; init; } = Environment.ProcessorCount;

    public int IdleSeconds { get; init; } = 5;

    public bool Slurm { get; init; } = true;

    public string? Examples { get; init; }

    public required string Scratch { get; init; }

    public string ScratchDirectory(string name)
    {
        var path = Path.Combine(Scratch, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(path);
        return path;
    }
}

public sealed class BenchCommand(IAnsiConsole console) : AsyncCommand<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--smoke")]
        [Description("A small run of every section that needs no Slurm (seconds): for CI, to keep the harness working")]
        public bool Smoke { get; init; }

        [CommandOption("--json <FILE>")]
        [Description("Also write the results (rows, dispatch profiles, machine) as JSON to FILE")]
        public string? Json { get; init; }

        [CommandOption("--sections <LIST>")]
        [Description("Comma-separated: dispatch, backlog, containers, worker (worker = worker footprint and end to end). Default: all")]
        public string? Sections { get; init; }

        [CommandOption("--workers <LIST>")]
        [Description("Simulated worker counts for dispatch throughput (default 100,1000,10000; smoke 50)")]
        public string? Workers { get; init; }

        [CommandOption("--duration <SECONDS>")]
        [Description("Measured seconds per dispatch run, after the warm-up (default 10; smoke 1.5)")]
        public double? Duration { get; init; }

        [CommandOption("--backlog-units <N>")]
        [Description("Units of the large backlog job (default 1000000; smoke 20000)")]
        public long? BacklogUnits { get; init; }

        [CommandOption("--container-units <N>")]
        [Description("Container runs per slot in the container overhead section (default 20; smoke 2)")]
        public int? ContainerUnits { get; init; }

        [CommandOption("--e2e-units <N>")]
        [Description("Trivial units through the worker process, and Slurm array size (default 100)")]
        public int? EndToEndUnits { get; init; }

        [CommandOption("--slots <N>")]
        [Description("Worker slots for the concurrent runs (default: the number of cores)")]
        public int? Slots { get; init; }

        [CommandOption("--examples <DIR>")]
        [Description("Folder of bundled examples (each with job.yaml, protocol.yaml) to time end to end (default ./examples)")]
        public string? Examples { get; init; }

        [CommandOption("--no-slurm")]
        [Description("Do not run the Slurm comparison even when a Slurm node answers")]
        public bool NoSlurm { get; init; }

        [CommandOption("--scratch <DIR>")]
        [Description("Where the silos' data directories go (default: a new folder under the temp directory, removed afterwards)")]
        public string? Scratch { get; init; }

        public override ValidationResult Validate()
        {
            if (Sections is not null && Sections.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(s => !BenchOptions.AllSections.Contains(s)) is { } unknown)
            {
                return ValidationResult.Error($"--sections: unknown section '{unknown}' (known: {string.Join(", ", BenchOptions.AllSections)})");
            }

            if (Workers is not null && !Workers.Split(',').All(w => int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 100_000))
            {
                return ValidationResult.Error("--workers: comma-separated counts from 1 to 100000");
            }

            return Duration is <= 0 or > 600 ? ValidationResult.Error("--duration: 0 to 600 seconds")
                : BacklogUnits is < 1_000 ? ValidationResult.Error("--backlog-units: at least 1000")
                : ContainerUnits is < 1 or > 10_000 ? ValidationResult.Error("--container-units: 1 to 10000")
                : EndToEndUnits is < 1 or > 100_000 ? ValidationResult.Error("--e2e-units: 1 to 100000")
                : Slots is < 1 or > 1024 ? ValidationResult.Error("--slots: 1 to 1024")
                : ValidationResult.Success();
        }

        internal BenchOptions ToOptions(string scratch)
        {
            var smoke = Smoke;
            var sections = Sections?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet()
                ?? (smoke ? ["dispatch", "backlog", "containers"] : [.. BenchOptions.AllSections]);
            var backlog = BacklogUnits ?? (smoke ? 20_000 : 1_000_000);
            return new BenchOptions
            {
                Smoke = smoke,
                Sections = sections,
                Workers = Workers?.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray() ?? (smoke ? [50] : [100, 1_000, 10_000]),
                Duration = TimeSpan.FromSeconds(Duration ?? (smoke ? 1.5 : 10)),
                Warmup = TimeSpan.FromSeconds(smoke ? 0.5 : 3),
                BacklogUnits = backlog,
                SmallBacklog = Math.Min(smoke ? 2_000 : 10_000, backlog / 10),
                BacklogWorkers = smoke ? 50 : 1_000,
                ContainerUnits = ContainerUnits ?? (smoke ? 2 : 20),
                EndToEndUnits = EndToEndUnits ?? (smoke ? 6 : 100),
                Slots = Slots ?? Environment.ProcessorCount,
                IdleSeconds = smoke ? 1 : 5,
                Slurm = !NoSlurm && !smoke,
                Examples = Examples ?? (smoke ? null : Path.GetFullPath("examples")),
                Scratch = scratch,
            };
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ownScratch = settings.Scratch is null;
        var scratch = Path.GetFullPath(settings.Scratch ?? Path.Combine(Path.GetTempPath(), $"boid-bench-{Environment.ProcessId}"));
        Directory.CreateDirectory(scratch);
        var options = settings.ToOptions(scratch);
        var report = new BenchReport { Smoke = options.Smoke };
        var started = Stopwatch.GetTimestamp();
        void Say(string line) => console.MarkupLineInterpolated($"[grey]{Stats.Seconds(started),6:0.0}s {line}[/]");

        Say($"boid bench{(options.Smoke ? " --smoke" : "")} on {report.Machine}");
        var failed = false;
        var sections = new (string Name, Func<CancellationToken, Task> Run)[]
        {
            ("backlog", ct => new DispatchBench(options, report, Say).RunBacklogAsync(ct)),
            ("dispatch", ct => new DispatchBench(options, report, Say).RunThroughputAsync(ct)),
            ("containers", ct => new ContainerBench(options, report, Say).RunAsync(ct)),
            ("worker", ct => new WorkerBench(options, report, Say).RunAsync(ct)),
        };
        try
        {
            foreach (var (name, run) in sections.Where(s => options.Sections.Contains(s.Name)))
            {
                try
                {
                    await run(cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed = true;
                    report.Skipped[name] = $"failed: {exception.GetType().Name}: {exception.Message}";
                    console.MarkupLineInterpolated($"[red]{name} failed:[/] {exception}");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        finally
        {
            if (ownScratch)
            {
                TryDelete(scratch);
            }
        }

        report.WallSeconds = Math.Round(Stats.Seconds(started), 1);
        Print(report);
        if (settings.Json is { } file)
        {
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, Output.Json), cancellationToken);
            console.MarkupLineInterpolated($"[grey]wrote {Path.GetFullPath(file)}[/]");
        }

        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private void Print(BenchReport report)
    {
        // Notes go under the table, numbered, so that the table fits an 80-column terminal.
        var table = new Table().Title($"boid bench — {report.Machine}").AddColumns("section", "metric", "value", "unit", "target", "met", "n");
        var notes = new List<string>();
        foreach (var row in report.Rows)
        {
            var noteRef = "";
            if (row.Note.Length > 0)
            {
                notes.Add(row.Note);
                noteRef = notes.Count.ToString(CultureInfo.InvariantCulture);
            }

            table.AddRow(
                Markup.Escape(row.Section),
                Markup.Escape(row.Metric),
                row.Value is { } v ? v.ToString(v >= 1000 ? "N0" : "0.###", CultureInfo.InvariantCulture) : "",
                Markup.Escape(row.Unit),
                Markup.Escape(row.Target),
                row.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null => "" },
                noteRef);
        }

        console.Write(table);
        for (var i = 0; i < notes.Count; i++)
        {
            console.MarkupLineInterpolated($"[grey]{i + 1,3}. {notes[i]}[/]");
        }

        foreach (var profile in report.Profiles)
        {
            var calls = new Table().Title(Markup.Escape($"dispatch path per accepted unit — {profile.Scenario}: {profile.WritesPerUnit:0.##} durable writes, " +
                $"{profile.BytesPerUnit:N0} bytes serialized, {profile.TransactionsPerUnit:0.###} SQLite transactions ({profile.WritesPerTransaction:0.#} writes each)"))
                .AddColumns("grain call", "calls/unit", "mean ms", "p99 ms");
            foreach (var call in profile.Calls)
            {
                calls.AddRow(Markup.Escape(call.Call), call.PerUnit.ToString("0.###", CultureInfo.InvariantCulture),
                    call.MeanMilliseconds.ToString("0.###", CultureInfo.InvariantCulture), call.P99Milliseconds.ToString("0.###", CultureInfo.InvariantCulture));
            }

            foreach (var write in profile.Writes)
            {
                calls.AddRow(Markup.Escape("write " + write.State), write.PerUnit.ToString("0.###", CultureInfo.InvariantCulture),
                    "", Markup.Escape(write.MeanBytes.ToString("N0", CultureInfo.InvariantCulture) + " B each"));
            }

            console.Write(calls);
        }

        foreach (var (section, why) in report.Skipped)
        {
            console.MarkupLineInterpolated($"[yellow]{section}: {why}[/]");
        }

        console.MarkupLineInterpolated($"[grey]{report.Rows.Count} figures in {report.WallSeconds:0.0} s[/]");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
