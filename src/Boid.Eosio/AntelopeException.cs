namespace Boid.Eosio;

/// <summary>
/// Base of every exception thrown by Boid.Eosio. Messages never contain private key material.
/// </summary>
public class AntelopeException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AntelopeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AntelopeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A text or binary value is not a valid Antelope value of its type (a name, an asset, a key, a signature...).
/// </summary>
public class AntelopeFormatException : AntelopeException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong with the value.</param>
    public AntelopeFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What is wrong with the value.</param>
    /// <param name="innerException">The cause.</param>
    public AntelopeFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Key material could not be loaded or parsed. The message says where it came from and what was wrong,
/// never the key text itself.
/// </summary>
public sealed class AntelopeKeyException : AntelopeFormatException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong (without key material).</param>
    public AntelopeKeyException(string message)
        : base(message)
    {
    }
}
