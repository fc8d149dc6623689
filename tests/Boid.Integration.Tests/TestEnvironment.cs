using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Boid.Integration.Tests;

/// <summary>What the integration tests need from the machine: Docker and the locally built images. A missing one fails, never skips.</summary>
public static class TestEnvironment
{
    public static readonly string RepositoryRoot = FindRoot();

    public static string Example(string name, string file) => Path.Combine(RepositoryRoot, "examples", name, file);

    public static void RequireImages(params string[] images)
    {
        foreach (var image in images)
        {
            var (code, output) = Run("docker", $"image inspect --format ok {image}");
            if (code != 0)
            {
                throw new InvalidOperationException(
                    $"image {image} is missing or Docker is not running ({output.Trim()}): run scripts/ensure-docker.sh and deploy/images/build-examples.sh (.ci/run does both)");
            }
        }
    }

    /// <summary>Containers Docker still has for a worker label (all states).</summary>
    public static int ContainersLabelled(string workerId)
    {
        var (code, output) = Run("docker", $"ps -aq --filter label=boid.worker={workerId}");
        Assert.True(code == 0, $"docker ps failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>Waits until no container is labelled with the worker: a finished container is removed off the unit's path.</summary>
    public static async Task<int> ContainersLabelledAfterRemovalAsync(string workerId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var count = ContainersLabelled(workerId);
        while (count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            count = ContainersLabelled(workerId);
        }

        return count;
    }

    /// <summary>A fresh worker account name (Antelope rules: a-z, 1-5, at most 12 characters).</summary>
    public static string WorkerId(string prefix)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz12345";
        var suffix = new string(Enumerable.Range(0, 12 - prefix.Length).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)]).ToArray());
        return prefix + suffix;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static (int Code, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string FindRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "BoidCluster.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("tests must run inside the repository (BoidCluster.sln not found above the test binaries)");
    }
}
