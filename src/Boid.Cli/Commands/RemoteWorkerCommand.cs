using System.ComponentModel;
using System.Net;
using Boid.Eosio;
using Boid.Worker;
using Boid.Worker.Remote;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary>The options of <c>boid worker --join URL</c>: a remote (volunteer) worker over the dispatcher's gateway.</summary>
public partial class WorkerSettings
{
    [CommandOption("--join <URL>")]
    [Description("Join a dispatcher as a remote worker over HTTPS (outbound only; no cluster membership): https://DISPATCHER")]
    public string? Join { get; init; }

    [CommandOption("--key <FILE>")]
    [Description("With --join: the account's K1 key file (boid keys new --out FILE)")]
    public string? KeyFile { get; init; }

    [CommandOption("--account <NAME>")]
    [Description("With --join: the Antelope account credited (same as --worker-id)")]
    public string? Account { get; init; }

    [CommandOption("--gpus <N>")]
    [Description("With --join: GPUs this machine offers to jobs that ask for them (default 0)")]
    public int Gpus { get; init; }

    [CommandOption("--allow-http")]
    [Description("With --join: allow plain http to a non-loopback dispatcher (tests and trusted LANs only)")]
    public bool AllowHttp { get; init; }

    public override ValidationResult Validate() =>
        RemoteProblem() is { } problem ? ValidationResult.Error(problem) : base.Validate();

    internal string? RemoteProblem()
    {
        if (Join is null)
        {
            return null;
        }

        if (!Uri.TryCreate(Join, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "--join: an https:// URL of the dispatcher";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !AllowHttp && !uri.IsLoopback && !(IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)))
        {
            return "--join: use https:// (plain http is allowed on loopback, or with --allow-http)";
        }

        return KeyFile is null ? "--join needs --key FILE (create one with boid keys new --out FILE)"
            : (Account ?? WorkerId) is null ? "--join needs --account NAME (the Antelope account credited)"
            : Gpus is < 0 or > 64 ? "--gpus: 0 to 64"
            : null;
    }
}

/// <summary>Runs <see cref="RemoteWorker"/> for <c>boid worker --join</c>.</summary>
internal static class RemoteWorkerCommand
{
    public static async Task<int> RunAsync(IAnsiConsole console, WorkerSettings settings, CancellationToken cancellationToken)
    {
        PrivateKey key;
        try
        {
            key = KeyFiles.Load(settings.KeyFile!);
        }
        catch (AntelopeException exception)
        {
            console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            return 2;
        }

        using (key)
        {
            var account = settings.Account ?? settings.WorkerId!;
            var worker = new WorkerOptions
            {
                Id = account,
                Slots = settings.Slots ?? Environment.ProcessorCount,
                WorkDirectory = Path.Combine(Path.GetFullPath(settings.Data), "work"),
            };
            var remote = new RemoteWorkerOptions { Dispatcher = new Uri(settings.Join!), Account = account, Key = key, Gpus = settings.Gpus };
            console.MarkupLineInterpolated($"remote worker [bold]{account}[/] ({key.PublicKey.ToString()}) joining {settings.Join}, {worker.Slots} slots; Ctrl+C finishes or releases its units");
            var code = await RemoteWorker.RunAsync(remote, worker, logging => logging
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
                .SetMinimumLevel(settings.Verbose ? LogLevel.Information : LogLevel.Warning), Console.Out, cancellationToken).ConfigureAwait(false);
            return cancellationToken.IsCancellationRequested && code == RemoteWorker.ExitOk ? ExitCodes.Cancelled : code;
        }
    }
}
