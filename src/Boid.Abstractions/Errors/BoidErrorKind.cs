namespace Boid.Abstractions.Errors;

/// <summary>
/// The small fixed set of error kinds, shared by the dispatcher, the client and the CLI. Each maps once to an HTTP
/// status and a CLI exit code (<see cref="BoidErrors"/>); the numbers are part of the wire format (RFC 7807 <c>kind</c>
/// carries the name) and never change.
/// </summary>
public enum BoidErrorKind
{
    InvalidArgument = 1,
    NotFound = 2,
    Conflict = 3,
    Unavailable = 4,
    LimitExceeded = 5,
    /// <summary>No credentials, or wrong ones (a bad token, a key the account is not bound to).</summary>
    Unauthorized = 6,
    /// <summary>Known, but not allowed (a volunteer no protocol admits yet).</summary>
    Forbidden = 7,
}
