using System.Text.Json;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Ids;
using Boid.Eosio;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// Checks a signed session request (docs/volunteer.md, "Identity"): the K1 signature over the exact body is by the claimed
/// key, the request names this dispatcher, its timestamp is within the clock skew and its nonce is unused — so a captured
/// request can be replayed neither here nor at another dispatcher. Admission and the account's key are the grains' to say.
/// </summary>
internal sealed class SessionVerifier(GatewayTokens tokens, NonceCache nonces, IOptions<GatewayOptions> options, TimeProvider time)
{
    public SessionCheck Verify(byte[] body, string signatureText)
    {
        SessionRequest request;
        Signature signature;
        try
        {
            request = JsonSerializer.Deserialize<SessionRequest>(body, GatewayProtocol.Json) ?? throw new JsonException("empty");
            signature = Signature.Parse(signatureText);
        }
        catch (Exception exception) when (exception is JsonException or AntelopeException or ArgumentException)
        {
            return SessionCheck.Refuse(BoidErrorKind.InvalidArgument, $"malformed session request: {exception.Message}");
        }

        var nameProblem = AntelopeName.Problem(request.Account);
        if (nameProblem is not null || !PublicKey.TryParse(request.PublicKey, out var claimed))
        {
            return SessionCheck.Refuse(BoidErrorKind.InvalidArgument, $"account or public key is not valid: {nameProblem ?? "public key"}");
        }

        if (!signature.TryRecoverPublicKey(GatewayProtocol.SessionDigest(body), out var signer) || !signer.Equals(claimed))
        {
            return SessionCheck.Refuse(BoidErrorKind.Unauthorized, "the signature does not match the public key (wrong key, or the body was changed)");
        }

        return Fresh(request) ?? SessionCheck.Accept(request, claimed);
    }

    /// <summary>Null when the request is for this dispatcher, recent and not seen before; otherwise the refusal.</summary>
    private SessionCheck? Fresh(SessionRequest request)
    {
        if (request.DispatcherId != tokens.DispatcherId)
        {
            return SessionCheck.Refuse(BoidErrorKind.Unauthorized, $"this request was signed for dispatcher '{request.DispatcherId}', not this one ('{tokens.DispatcherId}')");
        }

        var skew = (time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(request.TimestampMs)).Duration();
        var allowed = options.Value.ClockSkew;
        if (skew > allowed)
        {
            return SessionCheck.Refuse(BoidErrorKind.Unauthorized, $"the request's timestamp is {skew.TotalSeconds:0} s from the dispatcher's clock (at most {allowed.TotalSeconds:0} s): check the clock, or this is a replay");
        }

        // The nonce is spent last, so a request refused for another reason does not burn it.
        return request.Nonce.Length is < 16 or > 128 || !nonces.TryUse(request.Account, request.Nonce)
            ? SessionCheck.Refuse(BoidErrorKind.Unauthorized, "replayed request: this nonce was used already")
            : null;
    }
}
