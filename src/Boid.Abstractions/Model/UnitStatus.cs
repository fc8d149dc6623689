namespace Boid.Abstractions.Model;

/// <summary>pending → leased → running → accepted, or back to pending after a failed attempt, or failed for good.</summary>
public enum UnitStatus
{
    Pending = 0,
    Leased = 1,
    Running = 2,
    Accepted = 3,
    Failed = 4,
    Cancelled = 5,
}
