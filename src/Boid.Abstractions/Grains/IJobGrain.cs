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
    /// Picks units for a batch of lease requests (one array per request, in order) and remembers them as out:
    /// their templates, lease fields empty. A request gets none when its worker does not fit the job's
    /// requirements or its protocol's remote-worker policy. The dispatch grain leases the units at their unit
    /// grains, outside this grain's turn; a unit that still wants copies says so with <see cref="UnitNeedsCopiesAsync"/>.
    /// </summary>
    Task<UnitAssignment[][]> TakeUnitsAsync(UnitRequest[] requests);

    /// <summary>A unit ended for good (accepted, or failed after its last attempt). Counted once.</summary>
    Task UnitFinishedAsync(UnitResult result);

    /// <summary>
    /// A unit wants more copies handed out: its attempt failed and it may be tried again, or its
    /// replicated results disagree and more are needed for a quorum.
    /// </summary>
    Task UnitNeedsCopiesAsync(string unitKey, bool afterFailure);

    /// <summary>
    /// Units the dispatch grain took but could not lease to the worker, or that want further copies: back in the
    /// list of units wanting a copy. <paramref name="refusedBy"/>: the worker their unit grains refused (it ran a
    /// copy already); they are not offered to it again.
    /// </summary>
    Task UnitsWantCopiesAsync(string[] unitKeys, string? refusedBy);
}
