using System.Security.Claims;

namespace Boid.Silo.Gateway;

/// <summary>The identity a valid session token gives its caller: named by the account, carrying the session it signed.</summary>
internal sealed class GatewayIdentity(GatewaySession session)
    : ClaimsIdentity([new Claim(ClaimTypes.Name, session.Account)], GatewayAuthentication.Scheme)
{
    public GatewaySession Session { get; } = session;
}
