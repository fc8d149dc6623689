using System.Security.Claims;
using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boid.Silo.Gateway;

/// <summary>
/// A lease's inputs, listed (path, length, SHA-256) and served with <c>Range</c> support from the gateway's cache
/// (<see cref="GatewayInputs"/>): a job's own inputs and the amalgamation step's accepted unit outputs alike.
/// </summary>
internal static class InputHandlers
{
    public static async Task<Ok<Manifest>> ListAsync(
        string job, string unit, string lease, ClaimsPrincipal user, [AsParameters] GatewayServices services, GatewayInputs inputs) =>
        TypedResults.Ok(await inputs.ManifestAsync(await RequireLeaseAsync(job, unit, lease, user, services)));

    public static async Task<PhysicalFileHttpResult> DownloadAsync(
        string job, string unit, string lease, string path, ClaimsPrincipal user, [AsParameters] GatewayServices services, GatewayInputs inputs)
    {
        var assignment = await RequireLeaseAsync(job, unit, lease, user, services);
        return TypedResults.PhysicalFile(await inputs.FileAsync(assignment, path), "application/octet-stream", enableRangeProcessing: true);
    }

    /// <summary>The lease this account holds, as its unit made it (its inputs among the rest).</summary>
    private static async Task<UnitAssignment> RequireLeaseAsync(string job, string unit, string lease, ClaimsPrincipal user, GatewayServices services)
    {
        await services.RequireOpenLeaseAsync(user.GatewaySession().Account, job, unit, lease);
        return await services.Grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(job, unit)).GetLeaseAsync(lease)
            ?? throw BoidException.NotFound($"no current lease {lease} of unit {job}/{unit}");
    }
}
