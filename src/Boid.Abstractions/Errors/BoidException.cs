namespace Boid.Abstractions.Errors;

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
