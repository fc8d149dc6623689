using System.Security.Claims;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Ids;
using Boid.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boid.Silo.Gateway;

/// <summary>
/// The amalgamation step's inputs (every accepted unit's outputs, from <see cref="InputCache"/>), listed and served with
/// <c>Range</c> support; every other unit has none. Kept apart, as it was, until the amalgamation step's inputs are staged
/// by the same path as every other input (issue 14, item 3): then this file and <see cref="InputCache"/> go.
/// </summary>
internal static class AmalgamationInputHandlers
{
    public static async Task<Ok<Manifest>> ListAsync(
        string job, string unit, string lease, ClaimsPrincipal user, [AsParameters] GatewayServices services, InputCache inputs, IResultStore store)
    {
        await services.RequireOpenLeaseAsync(user.GatewaySession().Account, job, unit, lease);
        return TypedResults.Ok(unit == AttemptKey.AmalgamationUnitKey ? await inputs.ManifestAsync(store, job) : new Manifest());
    }

    public static async Task<PhysicalFileHttpResult> DownloadAsync(
        string job, string unit, string lease, string path, ClaimsPrincipal user, [AsParameters] GatewayServices services, InputCache inputs, IResultStore store)
    {
        await services.RequireOpenLeaseAsync(user.GatewaySession().Account, job, unit, lease);
        if (unit != AttemptKey.AmalgamationUnitKey || !GatewayProtocol.IsSafeRelativePath(path))
        {
            throw BoidException.NotFound($"no input '{path}' for unit {unit}");
        }

        var root = await inputs.DirectoryAsync(store, job);
        var file = Path.Combine(root, path);
        return File.Exists(file)
            ? TypedResults.PhysicalFile(file, "application/octet-stream", enableRangeProcessing: true)
            : throw BoidException.NotFound($"no input '{path}'");
    }
}
