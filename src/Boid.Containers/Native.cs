using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Boid.Containers;

/// <summary>The few Linux system calls .NET does not expose: mount, umount2, chown, statx, statvfs, link.</summary>
internal static partial class Native
{
    private const string Libc = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const ulong MsNoSuid = 2;
    private const ulong MsNoDev = 4;
    private const ulong MsNoExec = 8;
    private const int MntDetach = 2;

    public const int FileTypeMask = 0xF000;
    public const int TypeSocket = 0xC000;
    public const int TypeSymlink = 0xA000;
    public const int TypeRegular = 0x8000;
    public const int TypeBlockDevice = 0x6000;
    public const int TypeDirectory = 0x4000;
    public const int TypeCharDevice = 0x2000;
    public const int TypeFifo = 0x1000;

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>Mounts a tmpfs (nosuid, nodev, noexec) with the given option string on <paramref name="target"/>.</summary>
    public static void MountTmpfs(string target, string options)
    {
        if (mount("tmpfs", target, "tmpfs", MsNoSuid | MsNoDev | MsNoExec, options) != 0)
        {
            throw new IOException($"mount -t tmpfs -o {options} on {target} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>Lazily unmounts <paramref name="target"/>. Returns false with the error when it fails.</summary>
    public static bool TryUnmount(string target, out string? error)
    {
        if (umount2(target, MntDetach) == 0)
        {
            error = null;
            return true;
        }

        error = Marshal.GetLastPInvokeErrorMessage();
        return false;
    }

    public static void Chown(string path, int uid, int gid)
    {
        if (chown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {uid}:{gid} {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>Hard-links <paramref name="existing"/> as <paramref name="link"/>; false when they are on different file systems (EXDEV).</summary>
    public static bool TryHardLink(string existing, string link)
    {
        const int CrossDevice = 18;
        if (Native.link(existing, link) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == CrossDevice
            ? false
            : throw new IOException($"link {existing} → {link} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    /// <summary>lstat: file type, link count and size of <paramref name="path"/> without following a symlink.</summary>
    public static unsafe EntryStatus LStat(string path)
    {
        // struct statx is the same on every Linux architecture: 256 bytes, fixed offsets.
        byte* buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"statx {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        return new EntryStatus(
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(span[28..]),
            Links: BinaryPrimitives.ReadUInt32LittleEndian(span[16..]),
            Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]));
    }

    /// <summary>Free blocks and free inodes of the filesystem holding <paramref name="path"/>.</summary>
    public static unsafe (ulong FreeBlocks, ulong FreeInodes) FreeSpace(string path)
    {
        // glibc struct statvfs on 64-bit Linux: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, ...
        byte* buffer = stackalloc byte[256];
        if (statvfs(path, buffer) != 0)
        {
            throw new IOException($"statvfs {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        return (BinaryPrimitives.ReadUInt64LittleEndian(span[24..]), BinaryPrimitives.ReadUInt64LittleEndian(span[48..]));
    }

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string fileSystemType, ulong flags, string data);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statvfs(string path, byte* buffer);

    [LibraryImport(Libc)]
    private static partial uint geteuid();

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existing, string newPath);
}
