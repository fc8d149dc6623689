using System.Text.Encodings.Web;
using Boid.Abstractions.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// The gateway's authentication scheme: a request with a valid, unexpired session token is its account; any other gets
/// 401 with an RFC 7807 problem (<c>kind: Unauthorized</c>) saying why, which the worker answers by signing a new session.
/// </summary>
internal sealed class GatewayTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, GatewayTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string NoToken = "this call needs 'Authorization: Bearer <session token>' (POST /gateway/v1/sessions)";

    private readonly ILogger _log = loggers.CreateLogger(GatewayLog.Category);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!tokens.TryValidate(header[BearerPrefix.Length..], out var session, out var error))
        {
            return Task.FromResult(AuthenticateResult.Fail(error));
        }

        var ticket = new AuthenticationTicket(new(new GatewayIdentity(session)), Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(ticket));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer realm=\"boid-gateway\", error=\"invalid_token\"";
        await GatewayProblem.Refuse(Context, _log, BoidErrorKind.Unauthorized, result.Failure?.Message ?? NoToken).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GatewayProblem.Refuse(Context, _log, BoidErrorKind.Forbidden, "this session may not make this call").ExecuteAsync(Context);
}
