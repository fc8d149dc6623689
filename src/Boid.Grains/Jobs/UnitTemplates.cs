using System.Globalization;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;

namespace Boid.Grains.Jobs;

/// <summary>
/// What a worker runs for each unit of a job. A unit's index says what it is: 0 to units − 1 are points of the sweep,
/// index units is the amalgamation step, whose one input is every accepted unit's outputs (<c>job:{job}/units/</c>,
/// staged under <c>/in</c> like any other input).
/// </summary>
internal static class UnitTemplates
{
    public static string Key(long index) => index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The amalgamation unit's key (the job's unit count), or null when the job has none.</summary>
    public static string? AmalgamationKey(JobSpec spec) => spec.Amalgamate is null ? null : Key(spec.Sweep.UnitCount);

    public static UnitKind KindOf(JobSpec spec, string unitKey) =>
        unitKey == AmalgamationKey(spec) ? UnitKind.Amalgamation : UnitKind.Work;

    public static UnitOffer Offer(JobSpec spec, string jobId, string unitKey, bool allowNetwork) =>
        KindOf(spec, unitKey) == UnitKind.Amalgamation
            ? new UnitOffer(Amalgamation(spec, jobId, unitKey, allowNetwork), UnitKind.Amalgamation)
            : new UnitOffer(Work(spec, jobId, unitKey, allowNetwork));

    private static UnitAssignment Work(JobSpec spec, string jobId, string unitKey, bool allowNetwork)
    {
        var parameters = spec.Sweep.ParametersOf(long.Parse(unitKey, CultureInfo.InvariantCulture));
        return new UnitAssignment
        {
            JobId = jobId,
            UnitKey = unitKey,
            LeaseId = "",
            Image = spec.Image,
            // Arrays, not collection expressions: a unit's state holds its template, and grain storage (JSON)
            // cannot recreate the compiler's private read-only list types when the unit is activated again.
            Command = spec.Command.Select(part => Templates.Substitute(part, parameters)).ToArray(),
            Environment = spec.Environment.ToDictionary(e => e.Key, e => Templates.Substitute(e.Value, parameters)),
            Resources = spec.Resources,
            Outputs = spec.Outputs,
            AllowNetwork = allowNetwork,
            MaxAttempts = spec.MaxAttempts,
            Replication = spec.Replication,
            Inputs = JobSpecParser.InputsFor(spec, parameters),
        };
    }

    private static UnitAssignment Amalgamation(JobSpec spec, string jobId, string unitKey, bool allowNetwork)
    {
        var amalgamate = spec.Amalgamate!;
        return new UnitAssignment
        {
            JobId = jobId,
            UnitKey = unitKey,
            LeaseId = "",
            Image = amalgamate.Image,
            Command = amalgamate.Command,
            Environment = amalgamate.Environment,
            Resources = amalgamate.Resources,
            Outputs = new OutputSpec { MaxSizeBytes = spec.Outputs.MaxSizeBytes },
            AllowNetwork = allowNetwork,
            MaxAttempts = spec.MaxAttempts,
            Inputs = [new JobInput { Uri = JobInputUris.AcceptedUnits(jobId), Path = "" }],
        };
    }
}
