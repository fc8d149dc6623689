using System.ComponentModel;
using Boid.Worker.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary><c>boid keys new --out FILE</c>: a K1 key pair for a contributor account, in a file only its owner can read.</summary>
public sealed class KeysNewCommand(IAnsiConsole console) : Command<KeysNewCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <FILE>")]
        [Description("Where to write the private key (created with mode 0600; an existing file is never overwritten)")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out FILE is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            var publicKey = KeyFiles.CreateNew(settings.Out!);
            console.MarkupLineInterpolated($"wrote a new key to [bold]{settings.Out}[/] (mode 0600)");
            console.MarkupLineInterpolated($"public key: [bold]{publicKey.ToString()}[/]");
            console.MarkupLine("[grey]keep the file private; give the public key to the protocol owner if the protocol admits approved accounts only[/]");
            return ExitCodes.Ok;
        }
        catch (IOException exception) when (File.Exists(settings.Out))
        {
            console.MarkupLineInterpolated($"[red]{settings.Out} exists: refusing to overwrite a key ({exception.GetType().Name})[/]");
            return 2; // invalid argument
        }
    }
}
