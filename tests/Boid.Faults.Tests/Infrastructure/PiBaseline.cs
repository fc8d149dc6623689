using Boid.Testing;
using Boid.Testing.Processes;
using Xunit.Abstractions;

namespace Boid.Faults.Tests.Infrastructure;

/// <summary>The undisturbed run: <c>boid up</c> runs the 30-unit pi job once; its result.json is what every disturbed run must equal.</summary>
public static class PiBaseline
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static byte[]? _resultJson;

    public static async Task<byte[]> ResultJsonAsync(ITestOutputHelper output)
    {
        await Gate.WaitAsync();
        try
        {
            if (_resultJson is null)
            {
                DockerHost.RequireImages(PiJob.Image);
                using var deployment = new Deployment("baseline");
                var up = deployment.StartUp("up", Accounts.New("base"), slots: 2);
                await up.WaitUntilRunningAsync();
                await deployment.Client.AddProtocolAsync(PiJob.Protocol);
                var job = await deployment.Client.SubmitJobAsync(PiJob.Spec());
                await deployment.WaitForJobAsync(job.Id, j => j.IsFinished, "finish undisturbed");
                var result = await PiJob.ResultJsonAsync(deployment.Client, job.Id);
                await PiJob.AssertCompletedOnceAsync(deployment.Client, job.Id, result);
                _resultJson = result;
            }

            output.WriteLine($"undisturbed result.json: {System.Text.Encoding.UTF8.GetString(_resultJson)}");
            return _resultJson;
        }
        finally
        {
            Gate.Release();
        }
    }
}
