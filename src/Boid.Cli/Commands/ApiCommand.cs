using System.ComponentModel;
using Boid.Abstractions.Errors;
using Boid.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary>Settings every researcher command shares: which dispatcher, and its token.</summary>
public class ApiSettings : CommandSettings
{
    [CommandOption("--api <URL>")]
    [Description("Dispatcher API address (default: $BOID_API, else http://127.0.0.1:5080)")]
    public string? Api { get; init; }

    [CommandOption("--token-file <FILE>")]
    [Description("File holding the bearer token for mutating calls (default: $BOID_TOKEN_FILE; $BOID_TOKEN also works)")]
    public string? TokenFile { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON for scripts instead of tables")]
    public bool Json { get; init; }

    public BoidClient CreateClient()
    {
        var api = Api ?? Environment.GetEnvironmentVariable("BOID_API") ?? "http://127.0.0.1:5080";
        var tokenFile = TokenFile ?? Environment.GetEnvironmentVariable("BOID_TOKEN_FILE");
        var token = tokenFile is { Length: > 0 } ? File.ReadLines(tokenFile).FirstOrDefault()?.Trim() : Environment.GetEnvironmentVariable("BOID_TOKEN");
        return new BoidClient(new Uri(api.EndsWith('/') ? api : api + "/"), token);
    }

    public override ValidationResult Validate()
    {
        var api = Api ?? Environment.GetEnvironmentVariable("BOID_API");
        if (api is not null && !Uri.TryCreate(api, UriKind.Absolute, out _))
        {
            return ValidationResult.Error($"--api: '{api}' is not an absolute URL");
        }

        return TokenFile is not null && !File.Exists(TokenFile)
            ? ValidationResult.Error($"--token-file: no file '{TokenFile}'")
            : ValidationResult.Success();
    }
}

/// <summary>
/// A command that talks to a dispatcher. Maps failures to one line on stderr and an exit code, once:
/// 2 invalid argument, 3 not found, 4 conflict, 5 unavailable, 6 limit exceeded, 7 unauthorized, 130 cancelled.
/// </summary>
public abstract class ApiCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings>
    where TSettings : ApiSettings
{
    protected IAnsiConsole Console { get; } = console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var client = settings.CreateClient();
        try
        {
            return await RunAsync(client, settings, cancellationToken);
        }
        catch (BoidApiException exception)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return ExitCodes.For(exception);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }

    protected abstract Task<int> RunAsync(BoidClient client, TSettings settings, CancellationToken cancellationToken);
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Cancelled = 130;

    public static int For(BoidApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Kind is { } kind ? BoidErrors.ExitCodeOf(kind) : Failed;
    }
}
