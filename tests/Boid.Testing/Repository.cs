using System.Reflection;

namespace Boid.Testing;

/// <summary>Where things are in the repository the tests run from, and the built <c>boid</c>.</summary>
public static class Repository
{
    /// <summary>The folder holding BoidCluster.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The built <c>boid.dll</c>: the one of this toolkit's build configuration, else Release (what CI builds), else Debug.
    /// </summary>
    public static string BoidDll => LazyBoidDll.Value;

    public static string Contracts => Path.Combine(Root, "contracts");

    private static readonly Lazy<string> LazyBoidDll = new(FindBoidDll);

    /// <summary>A file of an example, e.g. <c>Example("montecarlo-pi", "job.yaml")</c>.</summary>
    public static string Example(string name, string file) => Path.Combine(Root, "examples", name, file);

    /// <summary>A new empty folder under the system's temporary folder, named after <paramref name="prefix"/>.</summary>
    public static string NewTempDirectory(string prefix) => Directory.CreateTempSubdirectory(prefix + "-").FullName;

    /// <summary>Deletes a folder and everything in it; a file still held (a container's output, say) is left to the OS.</summary>
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

    private static string FindBoidDll()
    {
        var own = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
        var tried = new List<string>();
        foreach (var configuration in new[] { own, "Release", "Debug" }.Distinct())
        {
            var dll = Path.Combine(Root, "src", "Boid.Cli", "bin", configuration, "net10.0", "boid.dll");
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
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BoidCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"tests must run inside the repository (BoidCluster.sln not found above {AppContext.BaseDirectory})");
    }
}
