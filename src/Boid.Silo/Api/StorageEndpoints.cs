using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Boid.Silo.Api;

/// <summary>
/// The storage role's calls (<c>boid storage</c>): register a storage contributor, then report its used bytes
/// periodically; the dispatcher credits byte-seconds to the ledger (role storage).
/// </summary>
public static class StorageEndpoints
{
    /// <summary>Body of <c>POST /api/v1/storage</c>.</summary>
    public sealed record RegisterStorageRequest(string Account, string Protocol, string Endpoint, long CapacityBytes, long UsedBytes);

    /// <summary>Body of <c>POST /api/v1/storage/{account}/report</c>.</summary>
    public sealed record StorageReportRequest(long UsedBytes);

    public static RouteGroupBuilder MapBoidStorage(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/storage", async (RegisterStorageRequest request, IGrainFactory grains) =>
        {
            if (AntelopeName.Problem(request.Account ?? "") is { } accountProblem)
            {
                throw BoidException.Invalid("account", accountProblem);
            }

            if (await grains.GetGrain<IProtocolGrain>(request.Protocol ?? "").GetAsync() is null)
            {
                throw BoidException.NotFound($"protocol: no protocol named '{request.Protocol}'");
            }

            if (!Uri.TryCreate(request.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https" or "webhdfs" or "swebhdfs" or "hdfs"))
            {
                throw BoidException.Invalid("endpoint", $"'{request.Endpoint}' is not an HDFS address (http://namenode:9870, webhdfs://…, hdfs://…)");
            }

            if (request.CapacityBytes <= 0 || request.UsedBytes < 0 || request.UsedBytes > request.CapacityBytes)
            {
                throw BoidException.Invalid("capacity", "must be > 0 and at least the used bytes");
            }

            var view = await grains.GetGrain<IContributorGrain>(request.Account!).RegisterStorageAsync(new StorageRegistration
            {
                Account = request.Account!,
                Protocol = request.Protocol!,
                Endpoint = request.Endpoint!,
                CapacityBytes = request.CapacityBytes,
                UsedBytes = request.UsedBytes,
            });
            return Results.Ok(view);
        }).WithName("RegisterStorage");

        v1.MapPost("/storage/{account}/report", (string account, StorageReportRequest request, IGrainFactory grains) =>
            request.UsedBytes < 0
                ? throw BoidException.Invalid("usedBytes", "cannot be negative")
                : grains.GetGrain<IContributorGrain>(account).ReportStorageAsync(request.UsedBytes)).WithName("ReportStorage");
        return v1;
    }
}
