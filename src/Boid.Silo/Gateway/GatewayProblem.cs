using System.Globalization;
using Boid.Abstractions.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Boid.Silo.Gateway;

/// <summary>
/// A refusal as an RFC 7807 problem whose <c>kind</c> is a <see cref="BoidErrorKind"/>, logged once. The status is the
/// kind's (<see cref="BoidErrors"/>) unless the protocol names a more precise one: 413 for a body over its cap, 429 for a
/// limit the worker waits out (with <c>Retry-After</c>), 411 for an upload without a length.
/// </summary>
internal static class GatewayProblem
{
    public static ProblemHttpResult Refuse(HttpContext http, ILogger logger, BoidErrorKind kind, string detail, int? status = null, TimeSpan? retryAfter = null)
    {
        var code = status ?? (int)BoidErrors.StatusOf(kind);
        GatewayLog.Refused(logger, http.Request.Path, http.Connection.RemoteIpAddress?.ToString() ?? "?", code, detail);
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: code, title: kind.ToString(), detail: detail, extensions: new Dictionary<string, object?> { ["kind"] = kind.ToString() });
    }

    /// <summary>429: a limit the worker waits out; it asks again after <paramref name="retryAfter"/>.</summary>
    public static ProblemHttpResult TooMany(HttpContext http, ILogger logger, string detail, TimeSpan retryAfter) =>
        Refuse(http, logger, BoidErrorKind.LimitExceeded, detail, StatusCodes.Status429TooManyRequests, retryAfter);
}
