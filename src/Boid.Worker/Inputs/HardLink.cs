using System.Runtime.InteropServices;

namespace Boid.Worker.Inputs;

/// <summary>Hard links (link(2)); .NET has no managed API for them.</summary>
internal static partial class HardLink
{
    /// <summary>Makes <paramref name="link"/> a second name of <paramref name="existing"/>; false when the file system will not (another device, no support).</summary>
    public static bool TryCreate(string existing, string link) =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Link(existing, link) == 0 : false;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
