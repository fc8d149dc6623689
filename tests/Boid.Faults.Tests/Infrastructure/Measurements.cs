using System.Globalization;
using Boid.Testing.Processes;
using Xunit.Abstractions;

namespace Boid.Faults.Tests.Infrastructure;

/// <summary>Measured times, printed to the test output and appended to <c>$TMPDIR/boid-test-logs/measurements.tsv</c> (docs/reliability.md quotes them).</summary>
public static class Measurements
{
    private static readonly Lock Gate = new();

    public static void Record(ITestOutputHelper output, string test, string what, TimeSpan value)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O}\t{test}\t{what}\t{value.TotalSeconds:0.00}");
        output.WriteLine($"measured: {what} = {value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
        lock (Gate)
        {
            var path = Path.Combine(Deployment.LogRoot, "measurements.tsv");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllLines(path, [line]);
        }
    }
}
