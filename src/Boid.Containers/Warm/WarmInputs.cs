using System.Runtime.Versioning;

namespace Boid.Containers.Warm;

/// <summary>A unit's inputs in a warm container's <c>/in</c>, whose host side the runner fills per unit (and empties after).</summary>
[SupportedOSPlatform("linux")]
internal static class WarmInputs
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ED; // 0755
    private const UnixFileMode CopyMode = (UnixFileMode)0x1A4; // 0644

    /// <summary>Gives the unit's staged inputs to <c>/in</c> as hard links (copies across file systems); no links are followed.</summary>
    public static void Link(string? source, string target)
    {
        if (source is null)
        {
            return;
        }

        var pending = new Stack<(string From, string To)>();
        pending.Push((source, target));
        while (pending.Count > 0)
        {
            var (from, to) = pending.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(from))
            {
                var destination = Path.Combine(to, Path.GetFileName(entry));
                var type = Native.LStat(entry).FileType;
                if (type == Native.TypeDirectory)
                {
                    Directory.CreateDirectory(destination, DirectoryMode);
                    pending.Push((entry, destination));
                }
                else if (type == Native.TypeRegular && !Native.TryHardLink(entry, destination))
                {
                    File.Copy(entry, destination);
                    File.SetUnixFileMode(destination, CopyMode);
                }
            }
        }
    }
}
