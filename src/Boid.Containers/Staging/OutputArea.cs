using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Boid.Containers.Staging;

/// <summary>
/// The host directory that is <c>/out</c> during a run: either a size-capped tmpfs (the kernel enforces the cap)
/// or a plain directory whose size is polled. Lives under <c>StagingDirectory/&lt;worker&gt;/&lt;run&gt;</c> and is
/// removed (unmounted) by <see cref="Cleanup"/>; validated files are copied out to the caller's directory first.
/// </summary>
internal sealed class OutputArea
{
    private const UnixFileMode CopyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const int MaxDepth = 64;
    private readonly long _capBytes;
    private readonly int _maxEntries;

    private OutputArea(string path, bool isTmpfs, long capBytes, int maxEntries)
    {
        Path = path;
        IsTmpfs = isTmpfs;
        _capBytes = capBytes;
        _maxEntries = maxEntries;
    }

    /// <summary>Host path bind-mounted at <c>/out</c>.</summary>
    public string Path { get; }

    /// <summary>True when the kernel enforces the cap (tmpfs); false when the runner polls.</summary>
    public bool IsTmpfs { get; }

    public static OutputArea Create(string stagingRoot, string workerId, string runId, long capBytes, int maxEntries, int uid, int gid, bool useTmpfs)
    {
        var path = System.IO.Path.Combine(WorkerDirectory(stagingRoot, workerId), runId);
        Directory.CreateDirectory(path);
        try
        {
            if (useTmpfs)
            {
                var options = string.Create(CultureInfo.InvariantCulture, $"size={capBytes},nr_inodes={maxEntries + 1},mode=0755,uid={uid},gid={gid}");
                Native.MountTmpfs(path, options);
            }
            else if (Native.IsRoot && !OperatingSystem.IsWindows())
            {
                Native.Chown(path, uid, gid);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            else if (!OperatingSystem.IsWindows())
            {
                // Not root: the container user cannot be given the directory, so it is writable by all.
                File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
            }
        }
        catch
        {
            TryDelete(path);
            throw;
        }

        return new OutputArea(path, useTmpfs, capBytes, maxEntries);
    }

    /// <summary>The directory that holds the staging areas of one worker; the id is made file-name safe.</summary>
    public static string WorkerDirectory(string stagingRoot, string workerId)
    {
        var safe = new StringBuilder(workerId.Length);
        foreach (var c in workerId)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var name = safe.ToString();
        if (name != workerId || name.Length > 64 || name.StartsWith('.'))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(workerId)))[..12];
            name = string.Concat("w_", name.AsSpan(0, Math.Min(name.Length, 48)), "_", hash);
        }

        return System.IO.Path.Combine(stagingRoot, name);
    }

    /// <summary>Removes every staging area of a worker (after a crash of an earlier run). Returns problems met.</summary>
    public static IReadOnlyList<string> RemoveWorkerLeftovers(string stagingRoot, string workerId)
    {
        var problems = new List<string>();
        var dir = WorkerDirectory(stagingRoot, workerId);
        if (!Directory.Exists(dir))
        {
            return problems;
        }

        foreach (var run in Directory.EnumerateDirectories(dir))
        {
            if (Native.IsRoot)
            {
                // Fails with EINVAL when it is not a mount point: that is fine.
                Native.TryUnmount(run, out _);
            }

            if (TryDelete(run) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    /// <summary>Tmpfs mode: true when no block or no inode is left, that is the cap was reached.</summary>
    public bool IsFull()
    {
        var (freeBlocks, freeInodes) = Native.FreeSpace(Path);
        return freeBlocks == 0 || freeInodes == 0;
    }

    /// <summary>Polling mode: a cheap walk during the run. Returns a reason when the cap is passed, else null.</summary>
    public string? CheckCapWhileRunning()
    {
        long total = 0;
        var entries = 0;
        var pending = new Stack<string>();
        pending.Push(Path);
        while (pending.Count > 0)
        {
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateFileSystemEntries(pending.Pop());
                foreach (var child in children)
                {
                    if (++entries > _maxEntries)
                    {
                        return TooManyEntries();
                    }

                    var status = Native.LStat(child);
                    if (status.FileType == Native.TypeDirectory)
                    {
                        pending.Push(child);
                    }
                    else
                    {
                        total += status.Size;
                        if (total > _capBytes)
                        {
                            return TooManyBytes();
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Entries come and go while the container runs; the scan after exit is authoritative.
            }
        }

        return null;
    }

    /// <summary>Validates the tree after the container exited. Never follows a link.</summary>
    public OutputScan Scan()
    {
        if (IsTmpfs && IsFull())
        {
            return OutputScan.TooLarge($"/out reached its cap of {_capBytes} bytes or {_maxEntries} entries");
        }

        var files = new List<ScannedFile>();
        long total = 0;
        var entries = 0;
        var pending = new Stack<(string Dir, string Relative, int Depth)>();
        pending.Push((Path, "", 0));
        while (pending.Count > 0)
        {
            var (dir, relativeDir, depth) = pending.Pop();
            foreach (var child in Directory.EnumerateFileSystemEntries(dir))
            {
                var name = System.IO.Path.GetFileName(child);
                var relative = relativeDir.Length == 0 ? name : relativeDir + "/" + name;
                if (++entries > _maxEntries)
                {
                    return OutputScan.TooLarge(TooManyEntries());
                }

                if (name is "." or ".." || name.Length == 0 || name.Any(char.IsControl) || name.Contains('\\', StringComparison.Ordinal))
                {
                    return OutputScan.Unsafe($"/out/{Printable(relative)} has an unsafe name");
                }

                var status = Native.LStat(child);
                switch (status.FileType)
                {
                    case Native.TypeDirectory when depth + 1 > MaxDepth:
                        return OutputScan.Unsafe($"/out/{Printable(relative)} is nested deeper than {MaxDepth} directories");
                    case Native.TypeDirectory:
                        pending.Push((child, relative, depth + 1));
                        break;
                    case Native.TypeRegular when status.Links > 1:
                        return OutputScan.Unsafe($"/out/{Printable(relative)} is a hard link ({status.Links} links)");
                    case Native.TypeRegular:
                        total += status.Size;
                        if (total > _capBytes)
                        {
                            return OutputScan.TooLarge(TooManyBytes());
                        }

                        files.Add(new ScannedFile(child, relative, status.Size));
                        break;
                    default:
                        return OutputScan.Unsafe($"/out/{Printable(relative)} is a {TypeName(status.FileType)}");
                }
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new OutputScan(files, null, null);
    }

    /// <summary>Copies validated files into <paramref name="destination"/> as plain 0644 files owned by the runner.</summary>
    public static async Task<IReadOnlyList<OutputFile>> CopyAsync(IReadOnlyList<ScannedFile> files, string destination, CancellationToken cancellationToken)
    {
        var outputs = new List<OutputFile>(files.Count);
        foreach (var file in files)
        {
            var target = System.IO.Path.Combine(destination, file.RelativePath);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            var source = new FileStream(file.HostPath, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, Options = FileOptions.SequentialScan,
            });
            await using (source.ConfigureAwait(false))
            {
                var sinkOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = file.Length };
                if (!OperatingSystem.IsWindows())
                {
                    // Plain 0644 whatever the container set: no exec, setuid or setgid bits survive the copy.
                    sinkOptions.UnixCreateMode = CopyMode;
                }

                var sink = new FileStream(target, sinkOptions);
                await using (sink.ConfigureAwait(false))
                {
                    await source.CopyToAsync(sink, cancellationToken).ConfigureAwait(false);
                }
            }

            outputs.Add(new OutputFile(file.RelativePath, file.Length));
        }

        return outputs;
    }

    /// <summary>Unmounts (tmpfs) and deletes the staging area. Returns a problem, or null.</summary>
    public string? Cleanup()
    {
        if (IsTmpfs && !Native.TryUnmount(Path, out var error))
        {
            return $"umount {Path} failed: {error}";
        }

        return TryDelete(Path);
    }

    private static string? TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"delete {path} failed: {ex.Message}";
        }
    }

    private string TooManyEntries() => $"/out holds more than {_maxEntries} entries";

    private string TooManyBytes() => $"/out holds more than its cap of {_capBytes} bytes";

    private static string TypeName(int fileType) => fileType switch
    {
        Native.TypeSymlink => "symbolic link",
        Native.TypeFifo => "FIFO",
        Native.TypeSocket => "socket",
        Native.TypeCharDevice => "character device",
        Native.TypeBlockDevice => "block device",
        _ => $"file of type 0x{fileType:x}",
    };

    private static string Printable(string path)
    {
        var builder = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
