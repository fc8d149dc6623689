using Boid.Abstractions.Gateway;

namespace Boid.Silo.Gateway;

/// <summary>The signed part of a session token (JSON): the account, the expiry in Unix seconds and the advertised capabilities.</summary>
internal sealed record GatewayTokenPayload(string Account, long Expires, WorkerCapabilities Capabilities);
