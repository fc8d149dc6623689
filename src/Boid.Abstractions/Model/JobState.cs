namespace Boid.Abstractions.Model;

/// <summary>submitted → running → amalgamating → done | failed | cancelled.</summary>
public enum JobState
{
    Submitted = 0,
    Running = 1,
    Amalgamating = 2,
    Done = 3,
    Failed = 4,
    Cancelled = 5,
}
