using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boid.Silo.Gateway;

/// <summary>The anonymous calls: who this dispatcher is, and the signed session exchange that gives a worker its token.</summary>
internal static class SessionHandlers
{
    public static Ok<GatewayInfo> GetInfo([AsParameters] GatewayServices services, GatewayTokens tokens)
    {
        var limits = services.Limits();
        return TypedResults.Ok(new GatewayInfo
        {
            DispatcherId = tokens.DispatcherId,
            ServerTime = services.Time.GetUtcNow(),
            TokenTtl = limits.TokenTtl,
            ClockSkew = limits.ClockSkew,
            MaxConcurrentLeases = limits.MaxConcurrentLeases,
            DailyQuota = limits.DailyQuota,
            MaxUploadBytes = limits.MaxUploadBytes,
        });
    }

    /// <summary>
    /// Register: a signed session request (<see cref="SessionVerifier"/>) from an admitted account (403 otherwise) whose key
    /// is the one bound to the account on first use (401 otherwise) gets a session token.
    /// </summary>
    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> OpenSessionAsync(
        HttpContext http, [AsParameters] GatewayServices services, SessionVerifier verifier, GatewayTokens tokens)
    {
        var limits = services.Limits();
        var log = services.Log();
        if (await GatewayBody.ReadAsync(http.Request, limits.MaxRequestBytes) is not { } body)
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.LimitExceeded, $"a request body is at most {limits.MaxRequestBytes} bytes", StatusCodes.Status413PayloadTooLarge);
        }

        var check = verifier.Verify(body, http.Request.Headers[GatewayProtocol.SignatureHeader].ToString());
        if (!check.Verified)
        {
            return GatewayProblem.Refuse(http, log, check.Kind, check.Problem);
        }

        var (request, key) = (check.Request, check.Key);
        if (!await services.Admission.AdmittedAsync(request.Account))
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.Forbidden, $"account '{request.Account}' is not admitted: no protocol is open to remote workers or lists it as approved (remote_workers.approved)");
        }

        var contributor = services.Contributor(request.Account);
        if (!await contributor.BindKeyAsync(key.ToString()))
        {
            return GatewayProblem.Refuse(http, log, BoidErrorKind.Unauthorized, $"account '{request.Account}' is registered with a different key");
        }

        var caps = request.Capabilities;
        await contributor.RegisterAsync(new WorkerRegistration
        {
            WorkerId = request.Account,
            Cores = caps.Cores,
            MemoryBytes = caps.MemoryBytes,
            Slots = caps.Slots,
            Architecture = caps.Architecture,
            Gpus = caps.Gpus,
        });
        var token = tokens.Issue(request.Account, caps, out var expires);
        GatewayLog.SessionOpened(log, request.Account, caps.Architecture, caps.Cores);
        return TypedResults.Ok(new SessionResponse
        {
            Token = token,
            ExpiresAt = expires,
            Trusted = await services.Admission.TrustedAsync(request.Account),
            MaxConcurrentLeases = limits.MaxConcurrentLeases,
            DailyQuotaLeft = await contributor.TakeDailyQuotaAsync(0, limits.DailyQuota),
        });
    }
}
