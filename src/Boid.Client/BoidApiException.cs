using System.Net;

namespace Boid.Client;

/// <summary>The dispatcher refused a call, or could not be reached. <see cref="Exception.Message"/> is its one-line reason.</summary>
public sealed class BoidApiException : Exception
{
    /// <summary>Creates an exception for a refused call.</summary>
    public BoidApiException(string message, HttpStatusCode? status = null, string? kind = null, string? field = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Kind = kind;
        Field = field;
    }

    /// <summary>Creates an exception with a message.</summary>
    public BoidApiException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public BoidApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public BoidApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, or null when the dispatcher could not be reached.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>The error kind: <c>InvalidArgument</c>, <c>NotFound</c>, <c>Conflict</c>, <c>Unavailable</c>, <c>LimitExceeded</c>.</summary>
    public string? Kind { get; }

    /// <summary>The input field at fault, when there is one.</summary>
    public string? Field { get; }
}
