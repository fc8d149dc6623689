namespace Boid.Eosio;

/// <summary>
/// Base of the chain client's errors. <see cref="IsTransient"/> tells whether trying again later may succeed
/// (the endpoint was unreachable, timed out or overloaded) or not (the chain rejected the request).
/// </summary>
public abstract class ChainException : AntelopeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="endpoint">The API path, e.g. <c>/v1/chain/push_transaction</c>.</param>
    /// <param name="innerException">The cause.</param>
    protected ChainException(string message, string endpoint, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>The API path that failed.</summary>
    public string Endpoint { get; }

    /// <summary>For a push: the id of the transaction, so that its fate can be checked later.</summary>
    public string? TransactionId { get; init; }

    /// <summary>Whether the same request may succeed later.</summary>
    public abstract bool IsTransient { get; }
}

/// <summary>The endpoint could not be reached, did not answer in time, or answered with a gateway/overload status.</summary>
public class ChainUnavailableException : ChainException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="endpoint">The API path.</param>
    /// <param name="httpStatus">The HTTP status, when there was an answer.</param>
    /// <param name="innerException">The cause.</param>
    public ChainUnavailableException(string message, string endpoint, int? httpStatus = null, Exception? innerException = null)
        : base(message, endpoint, innerException)
    {
        HttpStatus = httpStatus;
    }

    /// <summary>The HTTP status, when there was an answer.</summary>
    public int? HttpStatus { get; }

    /// <inheritdoc/>
    public override bool IsTransient => true;
}

/// <summary>The request did not complete within <see cref="AntelopeChainClientOptions.RequestTimeout"/>.</summary>
public sealed class ChainTimeoutException : ChainUnavailableException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="endpoint">The API path.</param>
    /// <param name="innerException">The cause.</param>
    public ChainTimeoutException(string message, string endpoint, Exception? innerException = null)
        : base(message, endpoint, null, innerException)
    {
    }
}

/// <summary>
/// nodeos answered with its error JSON (<c>{"code":500,"error":{"code":…,"name":…,"what":…,"details":[…]}}</c>).
/// The chain's own words are kept in <see cref="What"/> and <see cref="Details"/>, and the message includes them.
/// </summary>
public class ChainApiException : ChainException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The decoded error.</param>
    /// <param name="endpoint">The API path.</param>
    public ChainApiException(ChainError error, string endpoint)
        : base(BuildMessage(error, endpoint), endpoint)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The decoded error.</summary>
    public ChainError Error { get; }

    /// <summary>The HTTP status code.</summary>
    public int HttpStatus => Error.HttpStatus;

    /// <summary>The chain's error code, e.g. 3050003.</summary>
    public long ErrorCode => Error.Code;

    /// <summary>The chain's error name, e.g. <c>eosio_assert_message_exception</c>.</summary>
    public string ErrorName => Error.Name;

    /// <summary>The chain's summary, e.g. <c>eosio_assert_message assertion failure</c>.</summary>
    public string What => Error.What;

    /// <summary>The chain's detail messages.</summary>
    public IReadOnlyList<string> Details => Error.Details;

    /// <inheritdoc/>
    public override bool IsTransient => false;

    private static string BuildMessage(ChainError error, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(error);
        string details = error.Details.Count > 0 ? ": " + string.Join(" | ", error.Details) : string.Empty;
        return $"{endpoint} failed with {error.Name} ({error.Code}, HTTP {error.HttpStatus}): {error.What}{details}";
    }
}

/// <summary>A contract's <c>eosio_assert</c>/<c>check</c> failed; <see cref="AssertMessage"/> is the contract's text.</summary>
public sealed class ChainAssertException : ChainApiException
{
    private const string Marker = "assertion failure with message: ";

    /// <summary>Creates the exception.</summary>
    /// <param name="error">The decoded error.</param>
    /// <param name="endpoint">The API path.</param>
    public ChainAssertException(ChainError error, string endpoint)
        : base(error, endpoint)
    {
        string? detail = error.Details.FirstOrDefault(d => d.Contains(Marker, StringComparison.Ordinal));
        AssertMessage = detail is null ? error.Details.FirstOrDefault() ?? error.What : detail[(detail.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..];
    }

    /// <summary>The contract's assertion message, e.g. <c>overdrawn balance</c>.</summary>
    public string AssertMessage { get; }
}

/// <summary>The transaction lacks a signature or permission its actions need (<c>unsatisfied_authorization</c>, <c>missing_auth_exception</c>, …).</summary>
public sealed class ChainAuthorizationException(ChainError error, string endpoint) : ChainApiException(error, endpoint);

/// <summary>The chain already has this transaction (<c>tx_duplicate</c>): it was pushed before.</summary>
public sealed class DuplicateTransactionException(ChainError error, string endpoint) : ChainApiException(error, endpoint);

/// <summary>The transaction expired or refers to an unknown block (<c>expired_tx_exception</c>, <c>invalid_ref_block_exception</c>); rebuild and sign it again.</summary>
public sealed class TransactionExpiredException(ChainError error, string endpoint) : ChainApiException(error, endpoint);

/// <summary>
/// The transaction exceeded CPU, NET or RAM limits or a deadline; it may succeed later or with more resources.
/// </summary>
public sealed class ChainResourceExceededException(ChainError error, string endpoint) : ChainApiException(error, endpoint)
{
    /// <inheritdoc/>
    public override bool IsTransient => true;
}

/// <summary>nodeos' error JSON, decoded.</summary>
/// <param name="HttpStatus">The HTTP status code.</param>
/// <param name="Code">The chain's error code (<c>error.code</c>).</param>
/// <param name="Name">The chain's error name (<c>error.name</c>).</param>
/// <param name="What">The chain's summary (<c>error.what</c>).</param>
/// <param name="Details">The detail messages (<c>error.details[].message</c>).</param>
public sealed record ChainError(int HttpStatus, long Code, string Name, string What, IReadOnlyList<string> Details);
