using System.Globalization;

namespace Boid.Containers.Warm;

/// <summary>
/// Shows a warm container clean between units, from the host: the places a unit could write are emptied and checked,
/// and only the keep-alive may run. Any doubt makes the container unusable (the caller removes it instead).
/// </summary>
internal static class WarmCleaner
{
    /// <summary>Writable places in the container besides <c>/out</c>: emptied through <c>/proc/PID/root</c> after each unit.</summary>
    private static readonly string[] ScratchMounts = ["tmp", "dev/shm", "dev/mqueue"];

    /// <summary>
    /// Processes left in the container besides the keep-alive: an orphan of the unit is re-parented to PID 1 (the
    /// keep-alive), so the keep-alive's children are exactly the unit's leftovers. Null when that cannot be read
    /// (not root, or the container died), which the caller treats as unclean.
    /// </summary>
    public static int? CountStrays(WarmContainer warm)
    {
        try
        {
            if (!IsKeepAlive(warm))
            {
                return null;
            }

            var pid = warm.Pid.ToString(CultureInfo.InvariantCulture);
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            return children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Empties what a unit could have written and checks it; returns why the container cannot be reused, or null.</summary>
    public static string? Reset(WarmContainer warm)
    {
        if (!IsKeepAlive(warm))
        {
            return "its keep-alive is gone";
        }

        // Through /proc/PID/root the runner sees the container's own mounts (tmpfs /tmp, /dev/shm, /dev/mqueue).
        var root = $"/proc/{warm.Pid.ToString(CultureInfo.InvariantCulture)}/root";
        var places = new List<(string Path, string Name)> { (warm.Out.Path, "/out"), (warm.InputPath, "/in") };
        places.AddRange(ScratchMounts.Select(mount => (Path.Combine(root, mount), "/" + mount)));
        foreach (var (path, name) in places)
        {
            if (Empty(path, name) is { } problem)
            {
                return problem;
            }
        }

        return CountStrays(warm) is 0 ? null : "a process appeared while it was being cleaned";
    }

    /// <summary>
    /// Whether the PID still is the container's keep-alive (its cgroup names the container). Checked before the runner
    /// reaches into /proc/PID/root: should the container have died and the PID been reused by a host process, that path
    /// would be the host's root. Only the runner kills warm containers, and only after it is done with the PID.
    /// </summary>
    private static bool IsKeepAlive(WarmContainer warm)
    {
        try
        {
            return warm.Id.Length > 0 && File.ReadAllText($"/proc/{warm.Pid.ToString(CultureInfo.InvariantCulture)}/cgroup").Contains(warm.Id, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Empties one place and checks it is empty; returns the problem, or null.</summary>
    private static string? Empty(string path, string name)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                // /dev/mqueue is not mounted everywhere; everything else must be there.
                return name == "/dev/mqueue" ? null : $"{name} could not be found for cleaning";
            }

            EmptyDirectory(path);
            return Directory.EnumerateFileSystemEntries(path).Any() ? $"{name} is not empty after cleaning" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{name} could not be emptied: {Text.OneLine(ex.Message)}";
        }
    }

    /// <summary>
    /// Deletes everything under <paramref name="directory"/>, deciding with lstat at every level: a link is unlinked,
    /// never followed. This matters: seen from the host, an absolute link a unit made in /tmp points into the host.
    /// </summary>
    private static void EmptyDirectory(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            if (Native.LStat(entry).FileType == Native.TypeDirectory)
            {
                EmptyDirectory(entry);
                Directory.Delete(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }
}
