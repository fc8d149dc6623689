namespace Boid.Abstractions.Model;

/// <summary>How one attempt ended, as the worker (or the dispatcher, for an expired lease) saw it.</summary>
public enum AttemptOutcome
{
    Succeeded = 0,
    NonZeroExit = 1,
    Crashed = 2,
    TimedOut = 3,
    OutOfMemory = 4,
    OutputTooLarge = 5,
    UnsafeOutput = 6,
    ImageMissing = 7,
    StartFailed = 8,
    Cancelled = 9,
    LeaseExpired = 10,
    MissingOutput = 11,
    WorkerError = 12,
    /// <summary>An input could not be staged: refused, unreadable, or its content did not match its hash.</summary>
    InputFailed = 13,
}
