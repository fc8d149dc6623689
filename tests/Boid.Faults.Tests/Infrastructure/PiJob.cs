using System.Globalization;
using Boid.Client;
using Boid.Testing;

namespace Boid.Faults.Tests.Infrastructure;

/// <summary>
/// The Monte-Carlo pi example at 30 units. It is deterministic (unit i seeds awk's rand with 1000 + i), so the
/// amalgamated result.json of any correct run is byte-identical to an undisturbed run's, whatever crashed meanwhile.
/// Units may sleep first, to be caught mid-unit; sleeping changes no output.
/// </summary>
public static class PiJob
{
    public const int Units = 30;

    public const string Image = Testing.Specs.Spec.PiImage;

    public static string Protocol => File.ReadAllText(Repository.Example("montecarlo-pi", "protocol.yaml"));

    public static string Spec(double sleepSeconds = 0) =>
        Testing.Specs.Spec.Pi("montecarlo", Units, 200_000, sleepSeconds).Name("pi-faults").MaxAttempts(3);

    public static async Task<byte[]> ResultJsonAsync(BoidClient client, string jobId)
    {
        await using var stream = await client.OpenResultFileAsync(jobId, "result.json");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// The job is Done with every unit accepted once: result.json equals the undisturbed run's bytes, every unit (and the
    /// amalgamation) has exactly one Succeeded attempt, and progress counts each unit once. Returns the units' views.
    /// </summary>
    public static async Task<IReadOnlyList<Unit>> AssertCompletedOnceAsync(BoidClient client, string jobId, byte[] expectedResultJson)
    {
        var job = await client.GetJobAsync(jobId);
        Assert.True(job.State == JobState.Done, $"job {jobId} is {job.State}: {job.Reason}");
        Assert.Equal(Units, job.Progress.Accepted);
        Assert.Equal(0, job.Progress.Failed);
        Assert.Equal(Units, job.Progress.Total);
        var result = await ResultJsonAsync(client, jobId);
        Assert.True(expectedResultJson.AsSpan().SequenceEqual(result),
            $"result.json differs from the undisturbed run's:\nexpected {System.Text.Encoding.UTF8.GetString(expectedResultJson)}\nactual   {System.Text.Encoding.UTF8.GetString(result)}");

        var units = new List<Unit>();
        foreach (var key in Enumerable.Range(0, Units + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))) // the last: the amalgamation
        {
            var unit = await client.GetUnitAsync(jobId, key);
            Assert.True(unit.Status == UnitStatus.Accepted, $"unit {key} is {unit.Status}");
            var succeeded = unit.Attempts.Count(a => a.Outcome == "Succeeded");
            Assert.True(succeeded == 1, $"unit {key} has {succeeded} Succeeded attempts: {string.Join("; ", unit.Attempts.Select(a => $"#{a.Attempt} {a.Worker} {a.Outcome} {a.Reason}"))}");
            units.Add(unit);
        }

        return units;
    }
}
