using Boid.Abstractions.Model;

namespace Boid.Abstractions.Grains;

/// <summary>One job: its spec, its state machine, its progress and which units are out on lease.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    Task<JobView> SubmitAsync(JobSpec spec);

    Task<JobView> GetAsync();

    Task<JobSpec> GetSpecAsync();

    Task<JobView> CancelAsync();

    /// <summary>
    /// Picks units for a batch of lease requests (one array per request, in order) and remembers them as out. A request
    /// gets none when its worker does not fit the job's requirements or its protocol's remote-worker policy, or when every
    /// unit wanting a copy is held by that worker already. The dispatch grain leases the units at their unit grains,
    /// outside this grain's turn; a unit that then still wants copies says so itself (<see cref="UnitNeedsCopiesAsync"/>).
    /// </summary>
    Task<JobTurn> TakeUnitsAsync(UnitRequest[] requests);

    /// <summary>A unit ended for good (accepted, or failed after its last attempt). Counted once.</summary>
    Task UnitFinishedAsync(UnitResult result);

    /// <summary>
    /// The one way a unit comes back into the list of units wanting a copy (sent by the unit grain, or by the dispatch
    /// grain when a lease call failed). Ignored unless the unit is out; the holders are never offered it.
    /// </summary>
    Task UnitNeedsCopiesAsync(UnitCopyNeed need);
}
