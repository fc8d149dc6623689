using System.Net.Http.Headers;
using System.Security.Claims;
using Boid.Abstractions.Gateway;
using Boid.Silo.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Volunteer.Tests.Gateway;

/// <summary>
/// The gateway's access layer — session tokens, the authentication scheme and policy, the rate limits, in the
/// dispatcher's middleware order — on Kestrel on loopback with a fake clock. Small probe endpoints stand in for the
/// gateway's handlers (which need grains); the real route table is exercised end to end by <see cref="GatewayAbuseTests"/>.
/// </summary>
public sealed class GatewayAccessHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayAccessHost(WebApplication app, FakeTimeProvider time)
    {
        _app = app;
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; private set; } = null!;

    internal GatewayTokens Tokens => _app.Services.GetRequiredService<GatewayTokens>();

    internal SessionVerifier Verifier => _app.Services.GetRequiredService<SessionVerifier>();

    internal GatewayOptions Options => _app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

    /// <summary>Starts the host with <c>Boid:Gateway:*</c> overrides (e.g. <c>["RequestsPerSecond"] = "1"</c>).</summary>
    public static async Task<GatewayAccessHost> StartAsync(IDictionary<string, string?>? gateway = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Boid:DataDirectory"] = Directory.CreateTempSubdirectory("boid-gateway-access-").FullName,
        });
        builder.Configuration.AddInMemoryCollection((gateway ?? new Dictionary<string, string?>()).ToDictionary(kv => GatewayOptions.SectionName + ":" + kv.Key, kv => kv.Value));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddBoidGatewayAccess();

        var host = new GatewayAccessHost(builder.Build(), time);
        host.MapProbes();
        await host._app.StartAsync();
        host.Http = new HttpClient { BaseAddress = new Uri(host._app.Urls.First()) };
        return host;
    }

    /// <summary>A session token for <paramref name="account"/> as the session exchange would issue it now.</summary>
    public string TokenFor(string account, string architecture = "linux-x64") =>
        Tokens.Issue(account, new WorkerCapabilities { Cores = 2, MemoryBytes = 2L << 30, Architecture = architecture, Slots = 2 }, out _);

    /// <summary>Completes when an upload that holds (<c>?hold=true</c>) is inside its handler, holding its slot.</summary>
    public Task HeldUploadStarted => _held.Task;

    /// <summary>Lets the uploads that hold (<c>?hold=true</c>) finish.</summary>
    public void ReleaseHeldUploads() => _gate.TrySetResult();

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        _gate.TrySetResult();
        Http?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void MapProbes()
    {
        _app.UseBoidGatewayAccess();
        // As the gateway's worker group: a session token, and every call spends from the account's budget.
        var worker = _app.MapGroup("/probe").RequireAuthorization(GatewayAuthentication.Policy);
        worker.MapGet("/me", (ClaimsPrincipal user) => $"{user.GatewaySession().Account} {user.GatewaySession().Capabilities.Architecture}");
        worker.MapPut("/upload", async (bool? hold) =>
        {
            if (hold == true)
            {
                _held.TrySetResult();
                await _gate.Task;
            }

            return "stored";
        }).RequireRateLimiting(GatewayRateLimits.UploadSlots);
        // As the gateway's anonymous group.
        _app.MapGet("/anonymous", () => "hello").RequireRateLimiting(GatewayRateLimits.PerAddress);
    }
}
