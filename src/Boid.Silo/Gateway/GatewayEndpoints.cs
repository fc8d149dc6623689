using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.RateLimiting;
using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using Boid.Eosio;
using Boid.Grains;
using Boid.Storage;
using Boid.Worker;
using Boid.Worker.Inputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// The remote-worker gateway on the dispatcher's HTTP server: <c>/gateway/v1/…</c>. Volunteers open outbound
/// connections only; they authenticate by signing a session request with their account's K1 key and then
/// carry a short-lived token. Every call is rate-limited per contributor; leases are capped per contributor
/// (at once, and per day); uploads are streamed, size-capped and hash-checked. See docs/volunteer.md.
/// </summary>
public static class GatewayEndpoints
{
    private const string PrincipalKey = "boid.gateway.principal";

    public static WebApplicationBuilder AddBoidGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration("Boid:Gateway").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var data = Path.GetFullPath(sp.GetRequiredService<IConfiguration>()["Boid:DataDirectory"] ?? ".boid");
            var leaseTtl = sp.GetRequiredService<IOptions<DispatchOptions>>().Value.LeaseTtl;
            return new GatewayState(options, leaseTtl, data, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton(sp =>
        {
            var data = Path.GetFullPath(sp.GetRequiredService<IConfiguration>()["Boid:DataDirectory"] ?? ".boid");
            var cache = new InputCache(
                Microsoft.Extensions.Options.Options.Create(new WorkerOptions { CacheDirectory = Path.Combine(data, "gateway", "inputs") }),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InputCache>>());
            var source = new StoreInputSource(sp.GetRequiredService<StorageUriResolver>(), sp.GetRequiredService<IResultStore>());
            return new GatewayInputs(source, cache);
        });
        return builder;
    }

    public static WebApplication MapBoidGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Boid.Gateway");
        var gateway = app.MapGroup(GatewayProtocol.Prefix).WithTags("gateway");

        var anonymous = gateway.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            var state = context.HttpContext.RequestServices.GetRequiredService<GatewayState>();
            var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            using var lease = state.AnonymousLimiter.AttemptAcquire(address);
            return lease.IsAcquired ? await next(context) : Refuse(context.HttpContext, logger, 429, "too many requests from this address", TimeSpan.FromSeconds(1));
        });
        anonymous.MapGet("/info", (GatewayState state, TimeProvider time) => new GatewayInfo
        {
            DispatcherId = state.Auth.DispatcherId,
            ServerTime = time.GetUtcNow(),
            TokenTtl = state.Options.TokenTtl,
            ClockSkew = state.Options.ClockSkew,
            MaxConcurrentLeases = state.Options.MaxConcurrentLeases,
            DailyQuota = state.Options.DailyQuota,
            MaxUploadBytes = state.Options.MaxUploadBytes,
        }).WithName("GatewayInfo");
        anonymous.MapPost("/sessions", (HttpContext http, GatewayState state, IGrainFactory grains, TimeProvider time) => OpenSessionAsync(http, state, grains, time, logger))
            .WithName("GatewayRegister").Accepts<SessionRequest>("application/json").Produces<SessionResponse>();

        var authed = gateway.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var state = http.RequestServices.GetRequiredService<GatewayState>();
            var header = http.Request.Headers.Authorization.ToString();
            var error = "this call needs 'Authorization: Bearer <session token>' (POST /gateway/v1/sessions)";
            var principal = header.StartsWith("Bearer ", StringComparison.Ordinal) ? state.Auth.Validate(header["Bearer ".Length..], out error) : null;
            if (principal is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"boid-gateway\", error=\"invalid_token\"";
                return Refuse(http, logger, 401, error);
            }

            using var permit = state.RequestLimiter.AttemptAcquire(principal.Account);
            if (!permit.IsAcquired)
            {
                return Refuse(http, logger, 429, $"rate limit: at most {state.Options.RequestsPerSecond} requests per second for {principal.Account}", TimeSpan.FromSeconds(1));
            }

            http.Items[PrincipalKey] = principal;
            return await next(context);
        });

        authed.MapPost("/leases", LeaseAsync).WithName("GatewayLease").Produces<LeaseResponse>();
        authed.MapPost("/heartbeat", async (HttpContext http, IGrainFactory grains) =>
        {
            var body = await ReadJsonAsync<HeartbeatRequest>(http);
            await grains.GetGrain<IContributorGrain>(Principal(http).Account).HeartbeatAsync(Math.Max(0, body.Running));
            return Results.Ok(new LeaseAnswer { Current = true });
        }).WithName("GatewayHeartbeat");
        authed.MapGet("/me", (HttpContext http, IGrainFactory grains) => grains.GetGrain<IContributorGrain>(Principal(http).Account).GetAsync()).WithName("GatewayMe");

        var lease = authed.MapGroup("/jobs/{job}/units/{unit}/leases/{lease}");
        lease.MapPost("/started", async (HttpContext http, string job, string unit, string lease, IGrainFactory grains, GatewayState state) =>
        {
            var owned = await state.Leases.OwnedAsync(grains, Principal(http).Account, job, unit, lease);
            return new LeaseAnswer { Current = owned is { Open: true } && await Unit(grains, job, unit).StartedAsync(lease) };
        }).WithName("GatewayStarted");
        lease.MapPost("/renew", async (HttpContext http, string job, string unit, string lease, IGrainFactory grains, GatewayState state) =>
        {
            var owned = await state.Leases.OwnedAsync(grains, Principal(http).Account, job, unit, lease);
            var current = owned is { Open: true } && await Unit(grains, job, unit).RenewAsync(lease);
            if (current)
            {
                state.Leases.Renewed(lease);
            }
            else
            {
                state.Leases.Forget(lease);
            }

            return new LeaseAnswer { Current = current };
        }).WithName("GatewayRenew");
        lease.MapPost("/report", ReportAsync).WithName("GatewayReport").Accepts<UnitReport>("application/json").Produces<ReportAnswer>();
        lease.MapPut("/outputs/{**path}", (HttpContext http, string job, string unit, string lease, string path, IGrainFactory grains, GatewayState state) =>
            UploadAsync(http, job, unit, lease, path, grains, state, logger))
            .WithName("GatewayUploadOutput").Accepts<Stream>("application/octet-stream");
        lease.MapPost("/outputs", CommitOutputsAsync).WithName("GatewayCommitOutputs").Accepts<Manifest>("application/json").Produces<Manifest>();
        lease.MapGet("/inputs", async (HttpContext http, string job, string unit, string lease, IGrainFactory grains, GatewayState state, GatewayInputs inputs) =>
            await inputs.ManifestAsync(await RequireLeaseAsync(http, state, grains, job, unit, lease))).WithName("GatewayListInputs").Produces<Manifest>();
        lease.MapGet("/inputs/{**path}", async (HttpContext http, string job, string unit, string lease, string path, IGrainFactory grains, GatewayState state, GatewayInputs inputs) =>
        {
            var assignment = await RequireLeaseAsync(http, state, grains, job, unit, lease);
            return Results.File(await inputs.FileAsync(assignment, path), "application/octet-stream", enableRangeProcessing: true);
        }).WithName("GatewayDownloadInput");
        return app;
    }

    private static async Task<IResult> OpenSessionAsync(HttpContext http, GatewayState state, IGrainFactory grains, TimeProvider time, ILogger logger)
    {
        var body = await ReadBodyAsync(http, state.Options.MaxRequestBytes);
        if (body is null)
        {
            return Refuse(http, logger, 413, $"a request body is at most {state.Options.MaxRequestBytes} bytes");
        }

        SessionRequest request;
        Signature signature;
        try
        {
            request = JsonSerializer.Deserialize<SessionRequest>(body, GatewayProtocol.Json) ?? throw new JsonException("empty");
            signature = Signature.Parse(http.Request.Headers[GatewayProtocol.SignatureHeader].ToString());
        }
        catch (Exception exception) when (exception is JsonException or AntelopeException or ArgumentException)
        {
            return Refuse(http, logger, 400, $"malformed session request: {exception.Message}");
        }

        var nameProblem = AntelopeName.Problem(request.Account);
        if (nameProblem is not null || !PublicKey.TryParse(request.PublicKey, out var claimed))
        {
            return Refuse(http, logger, 400, $"account or public key is not valid: {nameProblem ?? "public key"}");
        }

        if (!signature.TryRecoverPublicKey(GatewayProtocol.SessionDigest(body), out var signer) || !signer.Equals(claimed))
        {
            return Refuse(http, logger, 401, "the signature does not match the public key (wrong key, or the body was changed)");
        }

        if (request.DispatcherId != state.Auth.DispatcherId)
        {
            return Refuse(http, logger, 401, $"this request was signed for dispatcher '{request.DispatcherId}', not this one ('{state.Auth.DispatcherId}')");
        }

        var skew = (time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(request.TimestampMs)).Duration();
        if (skew > state.Options.ClockSkew)
        {
            return Refuse(http, logger, 401, $"the request's timestamp is {skew.TotalSeconds:0} s from the dispatcher's clock (at most {state.Options.ClockSkew.TotalSeconds:0} s): check the clock, or this is a replay");
        }

        if (request.Nonce.Length is < 16 or > 128 || !state.Auth.TryUseNonce(request.Account, request.Nonce))
        {
            return Refuse(http, logger, 401, "replayed request: this nonce was used already");
        }

        if (!await state.AdmittedAsync(grains, request.Account))
        {
            return Refuse(http, logger, 403, $"account '{request.Account}' is not admitted: no protocol is open to remote workers or lists it as approved (remote_workers.approved)");
        }

        var contributor = grains.GetGrain<IContributorGrain>(request.Account);
        if (!await contributor.BindKeyAsync(claimed.ToString()))
        {
            return Refuse(http, logger, 401, $"account '{request.Account}' is registered with a different key");
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
        var token = state.Auth.Issue(request.Account, caps, out var expires);
        GatewayLog.SessionOpened(logger, request.Account, caps.Architecture, caps.Cores);
        var trusted = await state.TrustedAsync(grains, request.Account, http.RequestServices);
        return Results.Ok(new SessionResponse
        {
            Token = token,
            ExpiresAt = expires,
            Trusted = trusted,
            MaxConcurrentLeases = state.Options.MaxConcurrentLeases,
            DailyQuotaLeft = await contributor.TakeDailyQuotaAsync(0, state.Options.DailyQuota),
        });
    }

    private static async Task<IResult> LeaseAsync(HttpContext http, IGrainFactory grains, GatewayState state, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Boid.Gateway");
        var principal = Principal(http);
        var request = await ReadJsonAsync<LeaseRequest>(http);
        var holding = state.Leases.CountFor(principal.Account);
        if (holding >= state.Options.MaxConcurrentLeases)
        {
            return Refuse(http, logger, 429, $"{principal.Account} holds {holding} leases: at most {state.Options.MaxConcurrentLeases} at once", TimeSpan.FromSeconds(2));
        }

        var contributor = grains.GetGrain<IContributorGrain>(principal.Account);
        var left = await contributor.TakeDailyQuotaAsync(0, state.Options.DailyQuota);
        if (left == 0)
        {
            var now = time.GetUtcNow();
            return Refuse(http, logger, 429, $"daily quota: {principal.Account} leased its {state.Options.DailyQuota} units for today (UTC)", now.Date.AddDays(1) - now.UtcDateTime);
        }

        var want = Math.Min(Math.Min(Math.Clamp(request.Max, 0, 64), state.Options.MaxConcurrentLeases - holding), left);
        if (want == 0)
        {
            return Results.Ok(new LeaseResponse());
        }

        var caps = principal.Capabilities;
        var fit = new WorkerFit
        {
            Architecture = caps.Architecture,
            Cores = caps.Cores,
            MemoryBytes = caps.MemoryBytes,
            Gpus = caps.Gpus,
            Remote = true,
            Trusted = await state.TrustedAsync(grains, principal.Account, http.RequestServices),
        };
        var leases = await grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool).LeaseAsync(principal.Account, want, fit);
        if (leases.Count > 0)
        {
            await contributor.TakeDailyQuotaAsync(leases.Count, state.Options.DailyQuota);
            foreach (var assignment in leases)
            {
                state.Leases.Add(principal.Account, assignment.JobId, assignment.UnitKey, assignment.LeaseId, Math.Min(assignment.Outputs.MaxSizeBytes, state.Options.MaxUploadBytes));
            }

            GatewayLog.Leased(logger, leases.Count, principal.Account);
        }

        return Results.Ok(new LeaseResponse { Leases = leases });
    }

    private static async Task<IResult> ReportAsync(HttpContext http, string job, string unit, string lease, IGrainFactory grains, GatewayState state)
    {
        var report = await ReadJsonAsync<UnitReport>(http);
        if (report.JobId != job || report.UnitKey != unit || report.LeaseId != lease)
        {
            throw BoidException.Invalid("report", "the report's job, unit and lease must match the path");
        }

        var owned = await state.Leases.OwnedAsync(grains, Principal(http).Account, job, unit, lease);
        if (owned is null)
        {
            throw BoidException.NotFound($"no lease {lease} of unit {job}/{unit} for this account");
        }

        var disposition = await Unit(grains, job, unit).ReportAsync(report);
        state.Leases.Forget(lease);
        state.Uploads.Discard(lease);
        return Results.Ok(new ReportAnswer { Disposition = disposition });
    }

    private static async Task<IResult> UploadAsync(HttpContext http, string job, string unit, string lease, string path, IGrainFactory grains, GatewayState state, ILogger logger)
    {
        var account = Principal(http).Account;
        var owned = await RequireOwnedAsync(http, state, grains, job, unit, lease);
        if (!GatewayProtocol.IsSafeRelativePath(path))
        {
            return Refuse(http, logger, 400, $"output path '{path}' is not a safe relative path");
        }

        var expected = http.Request.Headers[GatewayProtocol.Sha256Header].ToString();
        if (expected.Length != 64 || !expected.All(char.IsAsciiHexDigitLower))
        {
            return Refuse(http, logger, 400, $"header {GatewayProtocol.Sha256Header}: the file's SHA-256 in lower-case hex");
        }

        if (http.Request.ContentLength is not { } length)
        {
            return Refuse(http, logger, 411, "uploads need a Content-Length");
        }

        var staged = state.Uploads.StagedBytes(lease, path);
        if (staged + length > owned.OutputCapBytes)
        {
            return Refuse(http, logger, 413, $"outputs of one unit are at most {owned.OutputCapBytes} bytes ({staged} staged, {length} more offered)");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = length;
        }

        using var slot = state.UploadLimiter.AttemptAcquire(account);
        if (!slot.IsAcquired)
        {
            return Refuse(http, logger, 429, $"at most {state.Options.ConcurrentUploads} uploads at once for {account}", TimeSpan.FromSeconds(1));
        }

        var (ok, problem) = await state.Uploads.WriteAsync(lease, path, http.Request.Body, length, expected, http.RequestAborted);
        return ok ? Results.Ok(new ManifestFile { Path = path, Length = length, Sha256 = expected }) : Refuse(http, logger, problem.StartsWith("hash", StringComparison.Ordinal) ? 422 : 400, problem);
    }

    private static async Task<IResult> CommitOutputsAsync(HttpContext http, string job, string unit, string lease, IGrainFactory grains, GatewayState state, IResultStore store)
    {
        await RequireOwnedAsync(http, state, grains, job, unit, lease);
        var manifest = await ReadJsonAsync<Manifest>(http);
        var directory = state.Uploads.Check(lease, manifest);
        await store.PutAttemptAsync(new AttemptKey(job, unit, lease), directory, http.RequestAborted);
        state.Uploads.Discard(lease);
        return Results.Ok(manifest);
    }

    private static async Task<LeaseEntry> RequireOwnedAsync(HttpContext http, GatewayState state, IGrainFactory grains, string job, string unit, string lease) =>
        await state.Leases.OwnedAsync(grains, Principal(http).Account, job, unit, lease) is { Open: true } owned
            ? owned
            : throw BoidException.NotFound($"no current lease {lease} of unit {job}/{unit} for this account");

    /// <summary>The lease this account holds, as its unit made it (its inputs among the rest).</summary>
    private static async Task<UnitAssignment> RequireLeaseAsync(HttpContext http, GatewayState state, IGrainFactory grains, string job, string unit, string lease)
    {
        await RequireOwnedAsync(http, state, grains, job, unit, lease);
        return await Unit(grains, job, unit).GetLeaseAsync(lease) ?? throw BoidException.NotFound($"no current lease {lease} of unit {job}/{unit}");
    }

    private static IWorkUnitGrain Unit(IGrainFactory grains, string job, string unit) => grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(job, unit));

    private static GatewayPrincipal Principal(HttpContext http) => (GatewayPrincipal)http.Items[PrincipalKey]!;

    private static async Task<T> ReadJsonAsync<T>(HttpContext http)
    {
        var state = http.RequestServices.GetRequiredService<GatewayState>();
        var body = await ReadBodyAsync(http, state.Options.MaxRequestBytes)
            ?? throw new BoidException(BoidErrorKind.LimitExceeded, $"body: at most {state.Options.MaxRequestBytes} bytes", "body");
        try
        {
            return JsonSerializer.Deserialize<T>(body, GatewayProtocol.Json) ?? throw BoidException.Invalid("body", "empty");
        }
        catch (JsonException exception)
        {
            throw BoidException.Invalid("body", exception.Message);
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is larger (never buffers more).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, int max)
    {
        if (http.Request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult Refuse(HttpContext http, ILogger logger, int status, string detail, TimeSpan? retryAfter = null)
    {
        GatewayLog.Refused(logger, http.Request.Path, http.Connection.RemoteIpAddress?.ToString() ?? "?", status, detail);
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var kind = status switch
        {
            401 => "Unauthenticated",
            403 => "Forbidden",
            413 or 429 => nameof(BoidErrorKind.LimitExceeded),
            _ => nameof(BoidErrorKind.InvalidArgument),
        };
        return Results.Problem(statusCode: status, title: kind, detail: detail, extensions: new Dictionary<string, object?> { ["kind"] = kind });
    }
}

/// <summary>A lease the gateway handed to an account, with the cap on its outputs.</summary>
internal sealed record LeaseEntry(string Account, string Job, string Unit, string LeaseId, long OutputCapBytes, bool Open, DateTimeOffset Deadline);

/// <summary>The gateway's state on this dispatcher: tokens, limiters, leases out to remote workers, upload staging, input cache.</summary>
internal sealed class GatewayState(GatewayOptions options, TimeSpan leaseTtl, string dataDirectory, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (bool Trusted, DateTimeOffset Until)> _trust = new(StringComparer.Ordinal);
    private (IReadOnlyList<ProtocolSpec> Protocols, DateTimeOffset Until) _protocols = ([], DateTimeOffset.MinValue);

    public GatewayOptions Options { get; } = options;

    public GatewayAuth Auth { get; } = new(options.SecretFile ?? Path.Combine(dataDirectory, "gateway", "secret"), options, time);

    public PartitionedRateLimiter<string> RequestLimiter { get; } = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetTokenBucketLimiter(account, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = options.Burst,
        TokensPerPeriod = options.RequestsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    }));

    public PartitionedRateLimiter<string> AnonymousLimiter { get; } = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = options.AnonymousRequestsPerSecond * 4,
        TokensPerPeriod = options.AnonymousRequestsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    }));

    public PartitionedRateLimiter<string> UploadLimiter { get; } = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetConcurrencyLimiter(account, _ => new ConcurrencyLimiterOptions
    {
        PermitLimit = options.ConcurrentUploads,
        QueueLimit = 0,
    }));

    public LeaseBook Leases { get; } = new(time, leaseTtl);

    public UploadStaging Uploads { get; } = new(Path.Combine(dataDirectory, "gateway", "uploads"));


    /// <summary>Whether some protocol lets this account run its units remotely (protocols cached for 10 s while they admit it).</summary>
    public async Task<bool> AdmittedAsync(IGrainFactory grains, string account)
    {
        var now = time.GetUtcNow();
        // A refusal always reads the protocols afresh: a protocol just added or approving this account counts at once.
        if (_protocols.Until < now || !_protocols.Protocols.Any(p => (p.RemoteWorkers ?? new RemoteWorkerPolicy()).Admits(account)))
        {
            var names = await grains.GetGrain<IDirectoryGrain>(0).ListProtocolsAsync();
            var specs = await Task.WhenAll(names.Select(n => grains.GetGrain<IProtocolGrain>(n).GetAsync()));
            _protocols = (specs.OfType<ProtocolSpec>().ToArray(), now + TimeSpan.FromSeconds(10));
        }

        return _protocols.Protocols.Any(p => (p.RemoteWorkers ?? new RemoteWorkerPolicy()).Admits(account));
    }

    /// <summary>Adaptive replication's verdict on this contributor (cached for 30 s).</summary>
    public async Task<bool> TrustedAsync(IGrainFactory grains, string account, IServiceProvider services)
    {
        var now = time.GetUtcNow();
        if (_trust.TryGetValue(account, out var cached) && cached.Until > now)
        {
            return cached.Trusted;
        }

        var clean = services.GetRequiredService<IOptions<DispatchOptions>>().Value.TrustAfterCleanResults;
        var trusted = await grains.GetGrain<IContributorGrain>(account).IsTrustedAsync(clean);
        _trust[account] = (trusted, now + TimeSpan.FromSeconds(30));
        return trusted;
    }
}

/// <summary>
/// Leases out to remote workers, by lease id. In memory: after a dispatcher restart an unknown lease is
/// looked up in its unit's attempts (the state of record), so workers resume without re-leasing.
/// </summary>
internal sealed class LeaseBook(TimeProvider time, TimeSpan leaseTtl)
{
    private readonly ConcurrentDictionary<string, LeaseEntry> _leases = new(StringComparer.Ordinal);

    public void Add(string account, string job, string unit, string leaseId, long outputCap) =>
        _leases[leaseId] = new LeaseEntry(account, job, unit, leaseId, outputCap, Open: true, time.GetUtcNow() + leaseTtl);

    public void Forget(string leaseId) => _leases.TryRemove(leaseId, out _);

    /// <summary>A renewed lease lives one more lease period here too.</summary>
    public void Renewed(string leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var entry))
        {
            _leases[leaseId] = entry with { Deadline = time.GetUtcNow() + leaseTtl };
        }
    }

    /// <summary>Leases the account holds now; ones it stopped renewing (a crashed worker) are dropped, as the units drop them.</summary>
    public int CountFor(string account)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _leases.Values.Where(l => l.Deadline < now))
        {
            _leases.TryRemove(expired.LeaseId, out _);
        }

        return _leases.Values.Count(l => l.Account == account);
    }

    /// <summary>The lease if this account holds it (Open: not yet reported); null if it is not this account's.</summary>
    public async Task<LeaseEntry?> OwnedAsync(IGrainFactory grains, string account, string job, string unit, string leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var entry))
        {
            return entry.Account == account && entry.Job == job && entry.Unit == unit ? entry : null;
        }

        var view = await grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(job, unit)).GetAsync();
        if (view.Attempts.FirstOrDefault(a => a.LeaseId == leaseId) is not { } attempt || attempt.Worker != account)
        {
            return null;
        }

        var spec = await grains.GetGrain<IJobGrain>(job).GetSpecAsync();
        entry = new LeaseEntry(account, job, unit, leaseId, spec.Outputs.MaxSizeBytes, Open: attempt.Outcome is null, time.GetUtcNow() + leaseTtl);
        if (entry.Open)
        {
            _leases[leaseId] = entry;
        }

        return entry;
    }
}

/// <summary>Uploaded output files of leases not yet committed: <c>{root}/{lease}/…</c>, streamed to disk while hashed.</summary>
internal sealed class UploadStaging(string root)
{
    public long StagedBytes(string leaseId, string exceptPath)
    {
        var directory = Path.Combine(root, leaseId);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var except = Path.Combine(directory, exceptPath);
        return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => f != except && !f.EndsWith(".part", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
    }

    public async Task<(bool Ok, string Problem)> WriteAsync(string leaseId, string path, Stream body, long length, string sha256, CancellationToken cancellationToken)
    {
        var target = Path.Combine(root, leaseId, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var part = target + "." + Guid.NewGuid().ToString("N") + ".part";
        long written = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var output = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    written += read;
                    if (written > length)
                    {
                        return (false, $"the body is longer than its Content-Length ({length})");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (written != length)
            {
                return (false, $"the body ended after {written} of {length} bytes");
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != sha256)
            {
                return (false, $"hash mismatch: the body's SHA-256 is {actual}, the header said {sha256}");
            }

            File.Move(part, target, overwrite: true);
            return (true, "");
        }
        finally
        {
            if (File.Exists(part))
            {
                File.Delete(part);
            }
        }
    }

    /// <summary>Checks the staged files are exactly the manifest's and returns their directory.</summary>
    public string Check(string leaseId, Manifest manifest)
    {
        var directory = Path.Combine(root, leaseId);
        Directory.CreateDirectory(directory);
        var staged = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".part", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), f => f, StringComparer.Ordinal);
        if (staged.Count != manifest.Files.Count || manifest.Files.Any(f => !staged.ContainsKey(f.Path) || new FileInfo(staged[f.Path]).Length != f.Length))
        {
            throw BoidException.Invalid("manifest", $"the uploaded files ({string.Join(", ", staged.Keys.Order(StringComparer.Ordinal))}) are not the manifest's");
        }

        return directory;
    }

    public void Discard(string leaseId)
    {
        var directory = Path.Combine(root, leaseId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
