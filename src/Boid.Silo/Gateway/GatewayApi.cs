using Boid.Abstractions.Gateway;
using Boid.Abstractions.Model;
using Boid.Storage;
using Boid.Worker;
using Boid.Worker.Inputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// The remote-worker gateway on the dispatcher's HTTP server: <c>/gateway/v1/…</c> (docs/volunteer.md). Volunteers open
/// outbound connections only; they sign a session request with their account's K1 key (<see cref="SessionHandlers"/>) and
/// then carry a short-lived token, checked by an authentication scheme (<see cref="GatewayAuthentication"/>). Flood limits
/// are the rate limiter's (<see cref="GatewayRateLimits"/>); leases are capped per contributor at once and per day
/// (<see cref="LeaseHandlers"/>); uploads are streamed, size-capped and hash-checked (<see cref="OutputHandlers"/>).
/// </summary>
public static class GatewayApi
{
    public static WebApplicationBuilder AddBoidGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddBoidGatewayAccess();
        services.AddSingleton<GatewayAdmission>();
        services.AddSingleton<LeaseBook>();
        services.AddSingleton(sp => new UploadStaging(GatewayPath(sp, "uploads")));
        services.AddSingleton(sp => new GatewayInputs(
            new StoreInputSource(sp.GetRequiredService<StorageUriResolver>(), sp.GetRequiredService<IResultStore>()),
            new InputCache(Options.Create(new WorkerOptions { CacheDirectory = GatewayPath(sp, "inputs") }), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InputCache>>())));
        return builder;
    }

    /// <summary>The route table. Every handler is a named static method; what each group requires is stated here.</summary>
    public static WebApplication MapBoidGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseBoidGatewayAccess();
        var gateway = app.MapGroup(GatewayProtocol.Prefix).WithTags("gateway");

        var anonymous = gateway.MapGroup("").RequireRateLimiting(GatewayRateLimits.PerAddress);
        anonymous.MapGet("/info", SessionHandlers.GetInfo).WithName("GatewayInfo");
        anonymous.MapPost("/sessions", SessionHandlers.OpenSessionAsync).WithName("GatewayRegister").Accepts<SessionRequest>("application/json");

        // A session token (GatewayTokenHandler); each call spends from its account's request budget (the global limiter).
        var worker = gateway.MapGroup("").RequireAuthorization(GatewayAuthentication.Policy);
        worker.MapPost("/leases", LeaseHandlers.LeaseAsync).WithName("GatewayLease");
        worker.MapPost("/heartbeat", WorkerHandlers.HeartbeatAsync).WithName("GatewayHeartbeat");
        worker.MapGet("/me", WorkerHandlers.GetMeAsync).WithName("GatewayMe");

        var lease = worker.MapGroup("/jobs/{job}/units/{unit}/leases/{lease}");
        lease.MapPost("/started", LeaseHandlers.StartedAsync).WithName("GatewayStarted");
        lease.MapPost("/renew", LeaseHandlers.RenewAsync).WithName("GatewayRenew");
        lease.MapPost("/report", LeaseHandlers.ReportAsync).WithName("GatewayReport").Accepts<UnitReport>("application/json");
        lease.MapPut("/outputs/{**path}", OutputHandlers.UploadAsync).WithName("GatewayUploadOutput")
            .RequireRateLimiting(GatewayRateLimits.UploadSlots).Accepts<Stream>("application/octet-stream");
        lease.MapPost("/outputs", OutputHandlers.CommitAsync).WithName("GatewayCommitOutputs").Accepts<Manifest>("application/json");
        lease.MapGet("/inputs", InputHandlers.ListAsync).WithName("GatewayListInputs");
        lease.MapGet("/inputs/{**path}", InputHandlers.DownloadAsync).WithName("GatewayDownloadInput");
        return app;
    }

    /// <summary>Who may call and how often: session tokens and signed-session checks, the authentication scheme, the rate limits.</summary>
    internal static IServiceCollection AddBoidGatewayAccess(this IServiceCollection services)
    {
        services.AddSingleton(sp => new GatewayTokens(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SecretFile ?? GatewayPath(sp, "secret"),
            sp.GetRequiredService<IOptions<GatewayOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NonceCache>();
        services.AddSingleton<SessionVerifier>();
        return services.AddBoidGatewayAuthentication().AddBoidGatewayRateLimits();
    }

    /// <summary>
    /// Authentication, then authorization (which sets the caller's account), then the rate limiter (which partitions by
    /// it): after routing, so each sees the endpoint's policies.
    /// </summary>
    internal static IApplicationBuilder UseBoidGatewayAccess(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization().UseRateLimiter();

    /// <summary><c>{data}/gateway/{name}</c>: the token secret, staged uploads, the amalgamation inputs.</summary>
    private static string GatewayPath(IServiceProvider services, string name) =>
        Path.Combine(Path.GetFullPath(services.GetRequiredService<IConfiguration>()["Boid:DataDirectory"] ?? ".boid"), "gateway", name);
}
