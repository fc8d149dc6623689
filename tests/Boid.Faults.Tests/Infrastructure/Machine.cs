using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Boid.Faults.Tests.Infrastructure;

/// <summary>What the fault tests need from the machine: the built `boid`, Docker with the example images, free ports.</summary>
public static class Machine
{
    public static readonly string RepositoryRoot = FindRoot();

    /// <summary>
    /// The built <c>boid.dll</c>: the one built in this test assembly's configuration, else Release (what CI builds), else Debug.
    /// </summary>
    public static readonly string BoidDll = FindBoid();

    public static string Example(string name, string file) => Path.Combine(RepositoryRoot, "examples", name, file);

    public static void RequireImages(params string[] images)
    {
        foreach (var image in images)
        {
            var (code, output) = Run("docker", "image", "inspect", "--format", "ok", image);
            if (code != 0)
            {
                throw new InvalidOperationException(
                    $"image {image} is missing or Docker is not running ({output.Trim()}): run scripts/ensure-docker.sh and deploy/images/build-examples.sh (.ci/run does both)");
            }
        }
    }

    /// <summary>Ids of the containers Docker has (any state) with this label, e.g. <c>boid.worker=w1</c>.</summary>
    public static IReadOnlyList<string> Containers(string label, bool runningOnly = false)
    {
        string[] args = runningOnly ? ["ps", "-q", "--no-trunc", "--filter", $"label={label}"] : ["ps", "-aq", "--no-trunc", "--filter", $"label={label}"];
        var (code, output) = Run("docker", args);
        if (code != 0)
        {
            throw new InvalidOperationException($"docker ps --filter label={label} failed: {output}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>A container's labels (empty when it is gone).</summary>
    public static IReadOnlyDictionary<string, string> Labels(string containerId)
    {
        var (code, output) = Run("docker", "inspect", "--format", "{{json .Config.Labels}}", containerId);
        return code == 0
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(output.Trim()) ?? []
            : new Dictionary<string, string>();
    }

    /// <summary>Removes a worker's containers and unmounts its staging areas: cleanup after a test that left a worker killed.</summary>
    public static void RemoveWorkerLeftovers(string workerId)
    {
        var ids = Containers($"boid.worker={workerId}");
        if (ids.Count > 0)
        {
            Run("docker", ["rm", "-f", .. ids]);
        }

        var staging = Path.Combine("/var/tmp/boid-containers", workerId);
        if (File.Exists("/proc/mounts"))
        {
            foreach (var mount in File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(staging + "/", StringComparison.Ordinal)))
            {
                Run("umount", "-l", mount);
            }
        }

        TryDelete(staging);
    }

    /// <summary>A fresh worker account name (Antelope rules: a-z, 1-5, at most 12 characters).</summary>
    public static string WorkerId(string prefix)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz12345";
        var suffix = new string([.. Enumerable.Range(0, 12 - prefix.Length).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)])]);
        return prefix + suffix;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    public static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindBoid()
    {
        var own = typeof(Machine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
        var tried = new List<string>();
        foreach (var configuration in new[] { own, "Release", "Debug" }.Distinct())
        {
            var dll = Path.Combine(RepositoryRoot, "src", "Boid.Cli", "bin", configuration, "net10.0", "boid.dll");
            tried.Add(dll);
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new InvalidOperationException($"boid is not built (looked for {string.Join(", ", tried)}): run `dotnet build BoidCluster.sln -c Release`");
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
