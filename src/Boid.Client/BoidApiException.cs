using System.Net;
using Boid.Abstractions.Errors;

namespace Boid.Client;

/// <summary>The dispatcher refused a call, or could not be reached. <see cref="Exception.Message"/> is its one-line reason.</summary>
public sealed class BoidApiException : Exception
{
    /// <summary>Creates an exception for a refused call.</summary>
    public BoidApiException(string message, HttpStatusCode? status = null, BoidErrorKind? kind = null, string? field = null, Exception? innerException = null)
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

    /// <summary>The error kind, the dispatcher's own (<see cref="BoidErrors"/> maps it to an exit code); null for a call that was not made.</summary>
    public BoidErrorKind? Kind { get; }

    /// <summary>The input field at fault, when there is one.</summary>
    public string? Field { get; }
}
