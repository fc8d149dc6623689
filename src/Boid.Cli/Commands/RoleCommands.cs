using System.ComponentModel;
using System.Globalization;
using Boid.Client;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary>Settings of the commands that run a silo. Multi-machine options: ClusterSettings.cs.</summary>
public partial class RoleSettings : CommandSettings
{
    [CommandOption("--data <DIR>")]
    [Description("Data directory: state.db (grain state), results/, work/ (default: ./.boid)")]
    public string Data { get; init; } = ".boid";

    [CommandOption("--silo-port <PORT>")]
    [Description("Orleans silo port (default 11111)")]
    public int SiloPort { get; init; } = 11111;

    [CommandOption("--gateway-port <PORT>")]
    [Description("Orleans gateway port (default 30000)")]
    public int GatewayPort { get; init; } = 30000;

    [CommandOption("--lease-ttl <SECONDS>")]
    [Description("Seconds a lease lives without renewal before its unit is dispatched again (default 30)")]
    public int? LeaseTtlSeconds { get; init; }

    [CommandOption("-v|--verbose")]
    [Description("Log at Information level (Orleans included)")]
    public bool Verbose { get; init; }

    public virtual Dictionary<string, string?> ToConfiguration()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Boid:DataDirectory"] = Data,
            ["Boid:Silo:Port"] = SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Boid:Silo:GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
        };
        if (LeaseTtlSeconds is { } ttl)
        {
            settings["Boid:Dispatch:LeaseTtl"] = TimeSpan.FromSeconds(ttl).ToString("c", CultureInfo.InvariantCulture);
        }

        AddClusterConfiguration(settings);
        return settings;
    }

    public override ValidationResult Validate() =>
        SiloPort is < 1 or > 65535 ? ValidationResult.Error("--silo-port: 1 to 65535")
        : GatewayPort is < 1 or > 65535 ? ValidationResult.Error("--gateway-port: 1 to 65535")
        : LeaseTtlSeconds is < 1 or > 3600 ? ValidationResult.Error("--lease-ttl: 1 to 3600 seconds")
        : ValidateCluster();
}

public class DispatcherSettings : RoleSettings
{
    [CommandOption("--api <URL>")]
    [Description("Where the HTTP API listens (default http://127.0.0.1:5080; beyond loopback it needs Boid__Api__Token or --api-token-file)")]
    public string Api { get; init; } = "http://127.0.0.1:5080";

    [CommandOption("--api-token-file <FILE>")]
    [Description("File holding the bearer token mutating API calls must carry")]
    public string? ApiTokenFile { get; init; }

    public override Dictionary<string, string?> ToConfiguration()
    {
        var settings = base.ToConfiguration();
        settings["Boid:Api:Url"] = Api;
        if (ApiTokenFile is not null)
        {
            settings["Boid:Api:TokenFile"] = ApiTokenFile;
        }

        return settings;
    }
}

public partial class WorkerSettings : RoleSettings
{
    [CommandOption("--slots <N>")]
    [Description("Units run at once (default: the number of cores)")]
    public int? Slots { get; init; }

    [CommandOption("--worker-id <ACCOUNT>")]
    [Description("The contributor account credited for this worker's units (default localworker)")]
    public string? WorkerId { get; init; }

    [CommandOption("--dispatcher-silo <HOST:PORT>")]
    [Description("Silo endpoint of the dispatcher to join (worker role only; default 127.0.0.1:11111)")]
    public string DispatcherSilo { get; init; } = "127.0.0.1:11111";

    public override Dictionary<string, string?> ToConfiguration()
    {
        var settings = base.ToConfiguration();
        if (Slots is { } slots)
        {
            settings["Boid:Worker:Slots"] = slots.ToString(CultureInfo.InvariantCulture);
        }

        if (WorkerId is not null)
        {
            settings["Boid:Worker:Id"] = WorkerId;
        }

        return settings;
    }
}

public sealed class DispatcherCommand(IAnsiConsole console) : AsyncCommand<DispatcherSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DispatcherSettings settings, CancellationToken cancellationToken) =>
        RoleRunner.RunAsync(console, SiloRoles.Dispatcher, settings, settings.Verbose, null, cancellationToken);
}

public sealed class WorkerCommand(IAnsiConsole console) : AsyncCommand<WorkerCommand.Settings>
{
    public sealed class Settings : WorkerSettings
    {
        public override Dictionary<string, string?> ToConfiguration()
        {
            var settings = base.ToConfiguration();
            settings["Boid:Silo:Primary"] = DispatcherSilo;
            return settings;
        }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.Join is not null
            ? RemoteWorkerCommand.RunAsync(console, settings, cancellationToken) // a volunteer: the gateway over HTTPS (RemoteWorkerCommand.cs)
            : RoleRunner.RunAsync(console, SiloRoles.Worker, settings, settings.Verbose, null, cancellationToken);
}

public sealed class UpCommand(IAnsiConsole console) : AsyncCommand<UpCommand.Settings>
{
    public sealed class Settings : WorkerSettings
    {
        [CommandOption("--api <URL>")]
        [Description("Where the HTTP API listens (default http://127.0.0.1:5080)")]
        public string Api { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--run <SPEC>")]
        [Description("Submit this job spec, show its progress, print its result, then stop")]
        public string? Run { get; init; }

        [CommandOption("--protocol <FILE>")]
        [Description("Add this protocol first (with --run, default: protocol.yaml beside the spec)")]
        public string[] Protocols { get; init; } = [];

        public override Dictionary<string, string?> ToConfiguration()
        {
            var settings = base.ToConfiguration();
            settings["Boid:Api:Url"] = Api;
            return settings;
        }

        public override ValidationResult Validate()
        {
            if (Run is not null && !File.Exists(Run))
            {
                return ValidationResult.Error($"--run: no file '{Run}'");
            }

            var missing = Protocols.FirstOrDefault(p => !File.Exists(p));
            return missing is not null ? ValidationResult.Error($"--protocol: no file '{missing}'") : base.Validate();
        }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Run is null)
        {
            return RoleRunner.RunAsync(console, SiloRoles.Embedded, settings, settings.Verbose, null, cancellationToken);
        }

        var protocols = settings.Protocols.Length > 0
            ? settings.Protocols
            : [.. new[] { Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Run))!, "protocol.yaml") }.Where(File.Exists)];
        return RoleRunner.RunAsync(console, SiloRoles.Embedded, settings, settings.Verbose,
            (client, ct) => RunJobAsync(client, settings.Run, protocols, ct), cancellationToken);
    }

    private async Task<int> RunJobAsync(BoidClient client, string spec, IReadOnlyList<string> protocols, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var protocol in protocols)
            {
                var saved = await client.AddProtocolAsync(await File.ReadAllTextAsync(protocol, cancellationToken), cancellationToken);
                console.MarkupLineInterpolated($"protocol [bold]{saved.Name}[/]: {saved.Title}");
            }

            var job = await client.SubmitJobAsync(await File.ReadAllTextAsync(spec, cancellationToken), cancellationToken);
            console.MarkupLineInterpolated($"submitted [bold]{job.Id}[/]: {job.Progress.Total:N0} units of {job.Image}");
            var finished = await JobWatcher.WatchAsync(console, client, job.Id, cancellationToken);
            return await Output.PrintOutcomeAsync(console, client, finished, cancellationToken);
        }
        catch (BoidApiException exception)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return ExitCodes.For(exception);
        }
    }
}

/// <summary>Starts a silo for some roles, optionally runs an action against its API, and stops it on Ctrl+C.</summary>
internal static class RoleRunner
{
    public static async Task<int> RunAsync(
        IAnsiConsole console,
        SiloRoles roles,
        RoleSettings settings,
        bool verbose,
        Func<BoidClient, CancellationToken, Task<int>>? action,
        CancellationToken cancellationToken)
    {
        var configuration = settings.ToConfiguration();
        WebApplication app;
        try
        {
            app = BoidHost.Build(roles, configuration, builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
                var level = verbose ? LogLevel.Information : action is null ? LogLevel.Information : LogLevel.Warning;
                builder.Logging.SetMinimumLevel(level);
                builder.Logging.AddFilter("Orleans", verbose ? LogLevel.Information : LogLevel.Warning);
                builder.Logging.AddFilter("Microsoft", verbose ? LogLevel.Information : LogLevel.Warning);
            });
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return 2;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                console.MarkupLineInterpolated($"[red]error:[/] could not start: {exception.Message}");
                return 5;
            }

            console.MarkupLineInterpolated($"[green]boid {roles.ToString().ToLowerInvariant()}[/] running; data in {Path.GetFullPath(settings.Data)}{(roles.HasFlag(SiloRoles.Dispatcher) ? "; API " + configuration["Boid:Api:Url"] : "")}");
            var exitCode = 0;
            try
            {
                if (action is null)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                else
                {
                    using var client = new BoidClient(new Uri(configuration["Boid:Api:Url"]!.TrimEnd('/') + "/"));
                    exitCode = await action(client, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                exitCode = ExitCodes.Cancelled;
            }
            finally
            {
                // Always a graceful stop: the worker releases its units, storage drains its queue.
                using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await app.StopAsync(stopTimeout.Token);
            }

            return exitCode;
        }
    }
}
