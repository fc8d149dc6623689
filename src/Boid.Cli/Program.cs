using System.Runtime.InteropServices;
using Boid.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

using var cancellation = new CancellationTokenSource();

// Ctrl+C or SIGTERM: cancel gracefully (roles shut down and release their units, watches stop).
// A second Ctrl+C falls through to the default hard exit.
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

try
{
    return await BoidApp.Create(AnsiConsole.Console).RunAsync(args, cancellation.Token);
}
catch (CommandAppException exception)
{
    // A command line that does not parse (unknown option, missing argument): one line, exit 2, no stack trace.
    AnsiConsole.Console.MarkupLineInterpolated($"[red]error:[/] {exception.Message} (see boid --help)");
    return 2;
}
