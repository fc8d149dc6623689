
namespace Boid.Abstractions.Ledger;

public enum LedgerOperationKind
{
    /// <summary><c>clusterjobs::newjob</c>: anchors a job with its content hash.</summary>
    NewJob = 0,
    /// <summary><c>clusterjobs::setjobstate</c>: a job's state and progress.</summary>
    JobState = 1,
}
