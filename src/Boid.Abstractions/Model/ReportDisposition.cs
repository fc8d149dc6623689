namespace Boid.Abstractions.Model;

/// <summary>What the dispatcher answered to a report.</summary>
public enum ReportDisposition
{
    /// <summary>The attempt counted: the unit is accepted, retried or failed according to it.</summary>
    Recorded = 0,
    /// <summary>The lease was not current (late, duplicate, cancelled): acknowledged, nothing changed.</summary>
    Ignored = 1,
}
