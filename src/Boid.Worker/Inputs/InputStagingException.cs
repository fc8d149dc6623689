namespace Boid.Worker.Inputs;

/// <summary>An input could not be staged. <see cref="Retryable"/>: whether another attempt (here or elsewhere) may succeed.</summary>
public sealed class InputStagingException : Exception
{
    public InputStagingException(string message, bool retryable, Exception? innerException = null)
        : base(message, innerException) => Retryable = retryable;

    public InputStagingException()
    {
    }

    public InputStagingException(string message)
        : base(message)
    {
    }

    public InputStagingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool Retryable { get; }
}
