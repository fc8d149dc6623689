using Boid.Abstractions.Gateway;

namespace Boid.Silo.Gateway;

/// <summary>What a valid session token says: the account and the machine it advertised when it signed the session.</summary>
internal sealed record GatewaySession(string Account, WorkerCapabilities Capabilities, DateTimeOffset ExpiresAt);
