using System.Diagnostics;

namespace Boid.Testing;

/// <summary>Polling for what a test waits on in another process or thread. Every timeout says what it waited for.</summary>
public static class Wait
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> throws a <see cref="TimeoutException"/>
    /// "waited N s for <paramref name="what"/>", followed by <paramref name="diagnostics"/> when given.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException(Message(timeout, what, diagnostics));
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, TimeSpan, string, Func{string}?, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, diagnostics, interval);

    /// <summary>The message of a timeout: what was awaited, for how long, and what the test knows about why not.</summary>
    public static string Message(TimeSpan timeout, string what, Func<string>? diagnostics = null) =>
        $"waited {timeout.TotalSeconds:0.#} s for {what}" + (diagnostics is null ? "" : "\n" + diagnostics());
}
