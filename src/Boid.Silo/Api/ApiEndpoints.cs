using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;
using Boid.Silo.Gateway;
using Boid.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Api;

/// <summary>
/// The researcher-facing HTTP API (JSON; OpenAPI at <c>/openapi/v1.json</c>). Job specs and protocols are
/// posted as YAML (or JSON) text and parsed here, so every client gets the same field-named errors.
/// </summary>
public static class ApiEndpoints
{
    public static WebApplicationBuilder AddBoidApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName);
        var api = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
        builder.WebHost.UseUrls(api.Url);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddOpenApi();
        builder.AddBoidGateway(); // remote workers: /gateway/v1 (Gateway/GatewayApi.cs)
        return builder;
    }

    public static WebApplication MapBoidApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var token = LoadToken(options);
        var requireToken = !IsLoopback(options.Url);
        if (requireToken && token is null)
        {
            throw new InvalidOperationException(
                $"Boid:Api:Url {options.Url} listens beyond loopback: set a bearer token (Boid__Api__Token or Boid:Api:TokenFile)");
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Boid.Api");
        ApiLog.Listening(logger, options.Url, requireToken ? "require a bearer token" : "are open to loopback callers");
        app.Use(async (context, next) =>
        {
            // The gateway authenticates remote workers by their account keys instead (Gateway/GatewayApi.cs).
            if (requireToken && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && !context.Request.Path.StartsWithSegments(GatewayProtocol.Prefix, StringComparison.Ordinal)
                && !TokenMatches(context.Request.Headers.Authorization.ToString(), token!))
            {
                await Results.Problem(statusCode: 401, title: "unauthorized", detail: "this call needs 'Authorization: Bearer <token>'").ExecuteAsync(context);
                return;
            }

            try
            {
                await next(context);
            }
            catch (BoidException exception)
            {
                await Problem(exception).ExecuteAsync(context);
            }
            catch (Exception exception) when (!context.Response.HasStarted)
            {
                ApiLog.RequestFailed(logger, exception, context.Request.Method, context.Request.Path);
                await Results.Problem(statusCode: 503, title: "unavailable", detail: exception.Message).ExecuteAsync(context);
            }
        });

        app.MapOpenApi();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        var v1 = app.MapGroup("/api/v1");
        MapProtocols(v1);
        MapJobs(v1);
        v1.MapBoidStorage();
        v1.MapGet("/workers", async (IGrainFactory grains) =>
        {
            var accounts = await grains.GetGrain<IDirectoryGrain>(0).ListContributorsAsync();
            return await Task.WhenAll(accounts.Select(a => grains.GetGrain<IContributorGrain>(a).GetAsync()));
        }).WithName("ListWorkers");
        app.MapBoidGateway();
        v1.MapGet("/ledger", (IGrainFactory grains) => grains.GetGrain<ILedgerGrain>(0).GetStatusAsync()).WithName("GetLedger");
        return app;
    }

    private static void MapProtocols(RouteGroupBuilder v1)
    {
        v1.MapPost("/protocols", async (HttpRequest request, IGrainFactory grains) =>
        {
            var spec = ProtocolSpecParser.Parse(await ReadTextAsync(request), "protocol");
            var saved = await grains.GetGrain<IProtocolGrain>(spec.Name).SetAsync(spec);
            return Results.Created($"/api/v1/protocols/{saved.Name}", saved);
        }).WithName("AddProtocol").Accepts<string>("application/yaml", "application/json", "text/plain");

        v1.MapGet("/protocols", async (IGrainFactory grains) =>
        {
            var names = await grains.GetGrain<IDirectoryGrain>(0).ListProtocolsAsync();
            var specs = await Task.WhenAll(names.Select(n => grains.GetGrain<IProtocolGrain>(n).GetAsync()));
            return specs.OfType<ProtocolSpec>().ToArray();
        }).WithName("ListProtocols");

        v1.MapGet("/protocols/{name}", async (string name, IGrainFactory grains) =>
            await grains.GetGrain<IProtocolGrain>(name).GetAsync() ?? throw BoidException.NotFound($"no protocol named '{name}'"))
            .WithName("GetProtocol");
    }

    private static void MapJobs(RouteGroupBuilder v1)
    {
        v1.MapPost("/jobs", async (HttpRequest request, IGrainFactory grains, TimeProvider time) =>
        {
            var spec = JobSpecParser.Parse(await ReadTextAsync(request));
            var view = await grains.GetGrain<IJobGrain>(NewJobId(time)).SubmitAsync(spec);
            return Results.Created($"/api/v1/jobs/{view.Id}", view);
        }).WithName("SubmitJob").Accepts<string>("application/yaml", "application/json", "text/plain");

        v1.MapGet("/jobs", async (IGrainFactory grains, int? limit) =>
        {
            var ids = await grains.GetGrain<IDirectoryGrain>(0).ListJobsAsync(Math.Clamp(limit ?? 50, 1, 1000));
            return await Task.WhenAll(ids.Select(id => grains.GetGrain<IJobGrain>(id).GetAsync()));
        }).WithName("ListJobs");

        v1.MapGet("/jobs/{id}", (string id, IGrainFactory grains) => Job(grains, id).GetAsync()).WithName("GetJob");

        v1.MapPost("/jobs/{id}/cancel", (string id, IGrainFactory grains) => Job(grains, id).CancelAsync()).WithName("CancelJob");

        v1.MapGet("/jobs/{id}/units/{unit}", async (string id, string unit, IGrainFactory grains) =>
        {
            var spec = await Job(grains, id).GetSpecAsync();
            // Units 0 to units − 1, and the amalgamation step as unit number units when the job has one.
            var last = spec.Amalgamate is null ? spec.Sweep.UnitCount - 1 : spec.Sweep.UnitCount;
            if (!long.TryParse(unit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index > last
                || unit != index.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                var amalgamation = spec.Amalgamate is null ? "" : $"; {last} is its amalgamation step";
                throw BoidException.NotFound($"job '{id}' has no unit '{unit}' (units are 0 to {spec.Sweep.UnitCount - 1}{amalgamation})");
            }

            var view = await grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(id, unit)).GetAsync();
            return index < spec.Sweep.UnitCount ? view with { Parameters = spec.Sweep.ParametersOf(index) } : view;
        }).WithName("GetUnit");

        v1.MapGet("/jobs/{id}/result", async (string id, IGrainFactory grains, IResultStore store) =>
        {
            var job = await Job(grains, id).GetAsync();
            if (job.State != JobState.Done)
            {
                throw new BoidException(BoidErrorKind.Conflict, $"job '{id}' is {job.State}, it has no result yet");
            }

            return await store.ListResultAsync(id);
        }).WithName("ListResult");

        v1.MapGet("/jobs/{id}/result/{**path}", async (string id, string path, IGrainFactory grains, IResultStore store) =>
        {
            await Job(grains, id).GetAsync();
            try
            {
                return Results.Stream(store.OpenRead(id, ResultArea.Result, path), "application/octet-stream");
            }
            catch (FileNotFoundException exception)
            {
                throw BoidException.NotFound(exception.Message);
            }
            catch (ArgumentException exception)
            {
                throw BoidException.Invalid("path", exception.Message);
            }
        }).WithName("GetResultFile");
    }

    private static IJobGrain Job(IGrainFactory grains, string id)
    {
        if (AntelopeSafeId(id) is false)
        {
            throw BoidException.Invalid("id", $"'{id}' is not a job id");
        }

        return grains.GetGrain<IJobGrain>(id);
    }

    private static bool AntelopeSafeId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Sortable and short: <c>j-{yyMMdd-HHmmss}-{4 random hex}</c>.</summary>
    private static string NewJobId(TimeProvider time) =>
        $"j-{time.GetUtcNow():yyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";

    private static async Task<string> ReadTextAsync(HttpRequest request)
    {
        const int MaxSpecBytes = 1 << 20;
        if (request.ContentLength > MaxSpecBytes)
        {
            throw new BoidException(BoidErrorKind.LimitExceeded, $"body: a spec is at most {MaxSpecBytes} bytes", "body");
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxSpecBytes + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory());
        if (length > MaxSpecBytes)
        {
            throw new BoidException(BoidErrorKind.LimitExceeded, $"body: a spec is at most {MaxSpecBytes} bytes", "body");
        }

        return new string(buffer, 0, length);
    }

    private static IResult Problem(BoidException exception)
    {
        var status = (int)BoidErrors.StatusOf(exception.Kind);
        var extensions = new Dictionary<string, object?> { ["kind"] = exception.Kind.ToString() };
        if (exception.Field is not null)
        {
            extensions["field"] = exception.Field;
        }

        return Results.Problem(statusCode: status, title: exception.Kind.ToString(), detail: exception.Message, extensions: extensions);
    }

    private static string? LoadToken(ApiOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            return options.Token;
        }

        return options.TokenFile is { Length: > 0 } file ? File.ReadLines(file).FirstOrDefault()?.Trim() : null;
    }

    private static bool TokenMatches(string header, string token)
    {
        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Prefix.Length..]), Encoding.UTF8.GetBytes(token));
    }

    private static bool IsLoopback(string url)
    {
        var host = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal)).Host;
        return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
