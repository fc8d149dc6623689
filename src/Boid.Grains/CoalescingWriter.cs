namespace Boid.Grains;

/// <summary>
/// Serialises and coalesces the state writes of a reentrant grain. Orleans state may not be written
/// twice at once (the second write would carry a stale ETag), and one write per change would make every
/// caller wait for its own commit. Here at most one write runs; callers that change state meanwhile
/// share the next one, which starts when the running one ends and so includes all their changes.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task _running = Task.CompletedTask;
    private Task? _queued;

    /// <summary>Completes when a write that started after this call (so includes the caller's changes) is durable.</summary>
    public Task WriteAsync()
    {
        if (_queued is not null)
        {
            return _queued;
        }

        if (_running.IsCompleted)
        {
            _running = write();
            return _running;
        }

        _queued = WriteAfterAsync(_running);
        return _queued;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        // Always return to WriteAsync first, so that _queued is set before this method clears it (the
        // previous write may complete at any moment on another thread).
        await Task.Yield();
        try
        {
            await previous;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The previous write's callers saw its failure; this write is a fresh attempt.
        }

        _queued = null; // changes made from here on need the write after this one
        _running = write();
        await _running;
    }
}
