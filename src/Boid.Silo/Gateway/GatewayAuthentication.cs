using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;

namespace Boid.Silo.Gateway;

/// <summary>
/// How a volunteer proves who it is on every call after the signed session exchange: an ASP.NET Core authentication
/// scheme (<see cref="GatewayTokenHandler"/>) that reads <c>Authorization: Bearer {session token}</c>, and the
/// authorization policy the gateway's worker routes require. The scheme is never the default one: the researcher API
/// keeps its own bearer token, and a gateway token opens nothing outside <c>/gateway/v1</c>.
/// </summary>
internal static class GatewayAuthentication
{
    public const string Scheme = "BoidGatewayToken";

    public const string Policy = "BoidGatewayWorker";

    public static IServiceCollection AddBoidGatewayAuthentication(this IServiceCollection services)
    {
        // Not AddAuthentication(): that also adds data protection, whose hosted service creates a key ring in the home
        // directory at every start; this scheme encrypts nothing.
        services.AddAuthenticationCore(o => o.AddScheme<GatewayTokenHandler>(Scheme, "Boid gateway session token"));
        services.AddWebEncoders();
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>The session of a caller the gateway's policy let through.</summary>
    public static GatewaySession GatewaySession(this ClaimsPrincipal user) =>
        user.Identities.OfType<GatewayIdentity>().FirstOrDefault()?.Session
        ?? throw new InvalidOperationException("this endpoint is not behind the gateway's authorization policy");

    /// <summary>The account of an authenticated gateway caller; null for anyone else (researchers, anonymous calls).</summary>
    public static string? GatewayAccount(this ClaimsPrincipal user) =>
        user.Identities.OfType<GatewayIdentity>().FirstOrDefault()?.Session.Account;
}
