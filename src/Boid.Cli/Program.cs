using System.Runtime.InteropServices;
using Boid.Cli;
using Spectre.Console;

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

return await BoidApp.RunAsync(AnsiConsole.Console, args, cancellation.Token);
