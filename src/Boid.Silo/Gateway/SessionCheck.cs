using System.Diagnostics.CodeAnalysis;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Eosio;

namespace Boid.Silo.Gateway;

/// <summary>The verdict on a signed session request: the request and its signer's key, or why it is refused.</summary>
internal sealed record SessionCheck(SessionRequest? Request, PublicKey? Key, BoidErrorKind Kind, string Problem)
{
    [MemberNotNullWhen(true, nameof(Request), nameof(Key))]
    public bool Verified => Request is not null && Key is not null;

    public static SessionCheck Accept(SessionRequest request, PublicKey key) => new(request, key, default, "");

    public static SessionCheck Refuse(BoidErrorKind kind, string problem) => new(null, null, kind, problem);
}
