namespace Boid.Grains.Model;

/// <summary>The small fixed set of error kinds; mapped once to HTTP status and CLI exit code at the boundary.</summary>
public enum BoidErrorKind
{
    InvalidArgument = 1,
    NotFound = 2,
    Conflict = 3,
    Unavailable = 4,
    LimitExceeded = 5,
}

/// <summary>A failure the caller can act on. <see cref="Field"/> names the offending input when there is one.</summary>
[GenerateSerializer, Alias("boid.BoidException")]
public sealed class BoidException : Exception
{
    public BoidException(BoidErrorKind kind, string message, string? field = null)
        : base(message)
    {
        Kind = kind;
        Field = field;
    }

    public BoidException()
    {
    }

    public BoidException(string message)
        : base(message)
    {
    }

    public BoidException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    [Id(0)]
    public BoidErrorKind Kind { get; init; } = BoidErrorKind.InvalidArgument;

    [Id(1)]
    public string? Field { get; init; }

    public static BoidException Invalid(string field, string problem) =>
        new(BoidErrorKind.InvalidArgument, $"{field}: {problem}", field);

    public static BoidException NotFound(string what) => new(BoidErrorKind.NotFound, what);
}
