namespace Boid.Abstractions.Gateway;

/// <summary>
/// <c>POST /gateway/v1/sessions</c> (register): signed with the account's key. The timestamp must be within the
/// dispatcher's clock skew, the nonce is single-use, and the dispatcher id stops a request captured at one
/// dispatcher from being replayed at another.
/// </summary>
public sealed record SessionRequest
{
    public required string Account { get; init; }
    public required string PublicKey { get; init; }
    public required string DispatcherId { get; init; }
    public long TimestampMs { get; init; }
    public required string Nonce { get; init; }
    public required WorkerCapabilities Capabilities { get; init; }
}
