using System.Security.Claims;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boid.Silo.Gateway;

/// <summary>The worker as a contributor: liveness, and its own record (credit, reputation).</summary>
internal static class WorkerHandlers
{
    public static async Task<Ok<LeaseAnswer>> HeartbeatAsync(HttpRequest request, [AsParameters] GatewayServices services)
    {
        var body = await GatewayBody.ReadJsonAsync<HeartbeatRequest>(request, services.Limits().MaxRequestBytes);
        await services.Contributor(request.HttpContext.User.GatewaySession().Account).HeartbeatAsync(Math.Max(0, body.Running));
        return TypedResults.Ok(new LeaseAnswer { Current = true });
    }

    public static async Task<Ok<ContributorView>> GetMeAsync(ClaimsPrincipal user, [AsParameters] GatewayServices services) =>
        TypedResults.Ok(await services.Contributor(user.GatewaySession().Account).GetAsync());
}
