using System.Security.Claims;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Ids;
using Boid.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boid.Silo.Gateway;

/// <summary>
/// A lease's outputs: each file streamed to disk while hashed (never buffered), within the unit's cap; then a manifest
/// that must name exactly the staged files commits them as the attempt's outputs.
/// </summary>
internal static class OutputHandlers
{
    public static async Task<Results<Ok<ManifestFile>, ProblemHttpResult>> UploadAsync(
        string job, string unit, string lease, string path, HttpContext http, [AsParameters] GatewayServices services, UploadStaging uploads)
    {
        var owned = await services.RequireOpenLeaseAsync(http.User.GatewaySession().Account, job, unit, lease);
        var log = services.Log();
        if (!GatewayProtocol.IsSafeRelativePath(path))
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.InvalidArgument, $"output path '{path}' is not a safe relative path");
        }

        var expected = http.Request.Headers[GatewayProtocol.Sha256Header].ToString();
        if (expected.Length != 64 || !expected.All(char.IsAsciiHexDigitLower))
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.InvalidArgument, $"header {GatewayProtocol.Sha256Header}: the file's SHA-256 in lower-case hex");
        }

        if (http.Request.ContentLength is not { } length)
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.InvalidArgument, "uploads need a Content-Length", StatusCodes.Status411LengthRequired);
        }

        var staged = uploads.StagedBytes(lease, path);
        if (staged + length > owned.OutputCapBytes)
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.LimitExceeded,
                $"outputs of one unit are at most {owned.OutputCapBytes} bytes ({staged} staged, {length} more offered)", StatusCodes.Status413PayloadTooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = length;
        }

        var (ok, problem) = await uploads.WriteAsync(lease, path, http.Request.Body, length, expected, http.RequestAborted);
        return ok
            ? TypedResults.Ok(new ManifestFile { Path = path, Length = length, Sha256 = expected })
            : GatewayProblem.Refuse(http, log, BoidErrorKind.InvalidArgument, problem, problem.StartsWith("hash", StringComparison.Ordinal) ? StatusCodes.Status422UnprocessableEntity : null);
    }

    public static async Task<Ok<Manifest>> CommitAsync(
        string job, string unit, string lease, HttpRequest request, ClaimsPrincipal user, [AsParameters] GatewayServices services, UploadStaging uploads, IResultStore store)
    {
        await services.RequireOpenLeaseAsync(user.GatewaySession().Account, job, unit, lease);
        var manifest = await GatewayBody.ReadJsonAsync<Manifest>(request, services.Limits().MaxRequestBytes);
        var directory = uploads.Check(lease, manifest);
        await store.PutAttemptAsync(new AttemptKey(job, unit, lease), directory, request.HttpContext.RequestAborted);
        uploads.Discard(lease);
        return TypedResults.Ok(manifest);
    }
}
