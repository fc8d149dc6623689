namespace Boid.Silo.Tests;

/// <summary>A configuration key (<c>Boid:Section:Option</c>) that a doc names, and where.</summary>
public sealed record DocumentedKey(string Key, string File, int Line)
{
    public override string ToString() => $"{Key} ({File}:{Line})";
}
