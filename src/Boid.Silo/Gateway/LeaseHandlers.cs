using System.Security.Claims;
using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Boid.Silo.Gateway;

/// <summary>A lease's life at the gateway: asked for (within the account's caps), started, renewed, reported.</summary>
internal static class LeaseHandlers
{
    /// <summary>How long a worker holding its cap of leases waits before asking again.</summary>
    private static readonly TimeSpan AtLeaseCapRetry = TimeSpan.FromSeconds(2);

    public static async Task<Results<Ok<LeaseResponse>, ProblemHttpResult>> LeaseAsync(HttpContext http, [AsParameters] GatewayServices services)
    {
        var session = http.User.GatewaySession();
        var account = session.Account;
        var limits = services.Limits();
        var request = await GatewayBody.ReadJsonAsync<LeaseRequest>(http.Request, limits.MaxRequestBytes);
        var holding = services.Leases.CountFor(account);
        if (holding >= limits.MaxConcurrentLeases)
        {
            return GatewayProblem.TooMany(http, services.Log(), $"{account} holds {holding} leases: at most {limits.MaxConcurrentLeases} at once", AtLeaseCapRetry);
        }

        var contributor = services.Contributor(account);
        var left = await contributor.TakeDailyQuotaAsync(0, limits.DailyQuota);
        if (left == 0)
        {
            var now = services.Time.GetUtcNow();
            return GatewayProblem.TooMany(http, services.Log(), $"daily quota: {account} leased its {limits.DailyQuota} units for today (UTC)", now.Date.AddDays(1) - now.UtcDateTime);
        }

        var want = Math.Min(Math.Min(Math.Clamp(request.Max, 0, 64), limits.MaxConcurrentLeases - holding), left);
        if (want == 0)
        {
            return TypedResults.Ok(new LeaseResponse());
        }

        var fit = await FitAsync(session, services.Admission);
        var leases = await services.Grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool).LeaseAsync(account, want, fit);
        if (leases.Count > 0)
        {
            await contributor.TakeDailyQuotaAsync(leases.Count, limits.DailyQuota);
            foreach (var assignment in leases)
            {
                services.Leases.Add(account, assignment.JobId, assignment.UnitKey, assignment.LeaseId, Math.Min(assignment.Outputs.MaxSizeBytes, limits.MaxUploadBytes));
            }

            GatewayLog.Leased(services.Log(), leases.Count, account);
        }

        return TypedResults.Ok(new LeaseResponse { Leases = leases });
    }

    public static async Task<Ok<LeaseAnswer>> StartedAsync(string job, string unit, string lease, ClaimsPrincipal user, [AsParameters] GatewayServices services)
    {
        var owned = await services.Leases.OwnedAsync(user.GatewaySession().Account, job, unit, lease);
        return TypedResults.Ok(new LeaseAnswer { Current = owned is { Open: true } && await services.Unit(job, unit).StartedAsync(lease) });
    }

    public static async Task<Ok<LeaseAnswer>> RenewAsync(string job, string unit, string lease, ClaimsPrincipal user, [AsParameters] GatewayServices services)
    {
        var owned = await services.Leases.OwnedAsync(user.GatewaySession().Account, job, unit, lease);
        var current = owned is { Open: true } && await services.Unit(job, unit).RenewAsync(lease);
        if (current)
        {
            services.Leases.Renewed(lease);
        }
        else if (owned is not null)
        {
            // Only the holder's own renewal drops the entry: another account's call must not evict it.
            services.Leases.Forget(lease);
        }

        return TypedResults.Ok(new LeaseAnswer { Current = current });
    }

    /// <summary>The attempt's report; the lease id makes a repeat harmless. A lease of another account is not found.</summary>
    public static async Task<Ok<ReportAnswer>> ReportAsync(
        string job, string unit, string lease, HttpRequest request, [AsParameters] GatewayServices services, UploadStaging uploads)
    {
        var report = await GatewayBody.ReadJsonAsync<UnitReport>(request, services.Limits().MaxRequestBytes);
        if (report.JobId != job || report.UnitKey != unit || report.LeaseId != lease)
        {
            throw BoidException.Invalid("report", "the report's job, unit and lease must match the path");
        }

        if (await services.Leases.OwnedAsync(request.HttpContext.User.GatewaySession().Account, job, unit, lease) is null)
        {
            throw BoidException.NotFound($"no lease {lease} of unit {job}/{unit} for this account");
        }

        var disposition = await services.Unit(job, unit).ReportAsync(report);
        services.Leases.Forget(lease);
        uploads.Discard(lease);
        return TypedResults.Ok(new ReportAnswer { Disposition = disposition });
    }

    /// <summary>What the dispatch grain matches jobs against: the session's advertised machine and adaptive replication's verdict.</summary>
    private static async Task<WorkerFit> FitAsync(GatewaySession session, GatewayAdmission admission) => new()
    {
        Architecture = session.Capabilities.Architecture,
        Cores = session.Capabilities.Cores,
        MemoryBytes = session.Capabilities.MemoryBytes,
        Gpus = session.Capabilities.Gpus,
        Remote = true,
        Trusted = await admission.TrustedAsync(session.Account),
    };
}
