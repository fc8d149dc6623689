using System.Net;

namespace Boid.Abstractions.Errors;

/// <summary>The one place where an error kind becomes an HTTP status or a CLI exit code, and a status becomes a kind again.</summary>
public static class BoidErrors
{
    public static HttpStatusCode StatusOf(BoidErrorKind kind) => kind switch
    {
        BoidErrorKind.InvalidArgument => HttpStatusCode.BadRequest,
        BoidErrorKind.NotFound => HttpStatusCode.NotFound,
        BoidErrorKind.Conflict => HttpStatusCode.Conflict,
        BoidErrorKind.LimitExceeded => HttpStatusCode.UnprocessableEntity,
        BoidErrorKind.Unauthorized => HttpStatusCode.Unauthorized,
        BoidErrorKind.Forbidden => HttpStatusCode.Forbidden,
        _ => HttpStatusCode.ServiceUnavailable,
    };

    /// <summary>The kind of a refusal that carried no <c>kind</c> of its own (a proxy, a rate limiter).</summary>
    public static BoidErrorKind KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => BoidErrorKind.InvalidArgument,
        HttpStatusCode.NotFound => BoidErrorKind.NotFound,
        HttpStatusCode.Conflict => BoidErrorKind.Conflict,
        HttpStatusCode.UnprocessableEntity or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestEntityTooLarge => BoidErrorKind.LimitExceeded,
        HttpStatusCode.Unauthorized => BoidErrorKind.Unauthorized,
        HttpStatusCode.Forbidden => BoidErrorKind.Forbidden,
        _ => BoidErrorKind.Unavailable,
    };

    /// <summary>The <c>boid</c> command's exit code: 2 invalid input, 3 not found, 4 conflict, 5 unavailable, 6 limit exceeded, 7 unauthorized or forbidden.</summary>
    public static int ExitCodeOf(BoidErrorKind kind) => kind switch
    {
        BoidErrorKind.InvalidArgument => 2,
        BoidErrorKind.NotFound => 3,
        BoidErrorKind.Conflict => 4,
        BoidErrorKind.Unavailable => 5,
        BoidErrorKind.LimitExceeded => 6,
        BoidErrorKind.Unauthorized or BoidErrorKind.Forbidden => 7,
        _ => 1,
    };
}
