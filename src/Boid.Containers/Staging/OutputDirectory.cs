namespace Boid.Containers.Staging;

/// <summary>The caller's output directory (<see cref="ContainerRunSpec.OutputDirectory"/>): empty before a run, and after one
/// it holds the copied outputs of a success or nothing.</summary>
internal static class OutputDirectory
{
    /// <summary>Creates the directory if missing. A non-empty one is the caller's bug (<see cref="ArgumentException"/>).</summary>
    /// <exception cref="IOException">The host could not create or read it.</exception>
    /// <exception cref="UnauthorizedAccessException">The runner may not create or read it.</exception>
    public static void Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ArgumentException($"OutputDirectory {directory} must be empty.", nameof(directory));
        }
    }

    /// <summary>Deletes what a copy left: partial copies must not look like results.</summary>
    public static void Clear(string directory)
    {
        try
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo subdirectory)
                {
                    subdirectory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the result already says the run did not succeed.
        }
    }
}
