using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Boid.Containers.Staging;

namespace Boid.Containers.Tests;

/// <summary>Validation of a staging area on the host, for entry types a sandboxed container cannot create.</summary>
public sealed class OutputAreaTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "boid-output-area-tests", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));

    public void Dispose()
    {
        foreach (var problem in OutputArea.RemoveWorkerLeftovers(_root, "w"))
        {
            Assert.Fail(problem);
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private OutputArea NewArea(bool tmpfs = false) => OutputArea.Create(_root, "w", "run", 1 << 20, 100, 65534, 65534, tmpfs);

    [Fact]
    public void Scan_CharacterDevice_Unsafe()
    {
        var area = NewArea();
        Run("mknod", Path.Combine(area.Path, "null"), "c", "1", "3");

        var scan = area.Scan();

        Assert.Equal("/out/null is a character device", scan.UnsafeReason);
    }

    [Fact]
    public void Scan_Socket_Unsafe()
    {
        var area = NewArea();
        // .NET unlinks the socket file when the socket is disposed: keep it open while scanning.
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(area.Path, "sock")));

        Assert.Equal("/out/sock is a socket", area.Scan().UnsafeReason);
    }

    [Fact]
    public void Scan_SymlinkToDirectory_UnsafeAndNotFollowed()
    {
        var area = NewArea();
        Directory.CreateSymbolicLink(Path.Combine(area.Path, "etc"), "/etc");

        Assert.Equal("/out/etc is a symbolic link", area.Scan().UnsafeReason);
    }

    [Fact]
    public void Scan_PlainTree_ListsFilesSorted()
    {
        var area = NewArea();
        Directory.CreateDirectory(Path.Combine(area.Path, "b"));
        File.WriteAllText(Path.Combine(area.Path, "b", "two"), "22");
        File.WriteAllText(Path.Combine(area.Path, "a"), "1");

        var scan = area.Scan();

        Assert.Null(scan.UnsafeReason);
        Assert.Null(scan.TooLargeReason);
        Assert.Equal(["a", "b/two"], scan.Files.Select(f => f.RelativePath));
    }

    [Fact]
    public void Cleanup_TmpfsArea_UnmountsAndDeletes()
    {
        var area = NewArea(tmpfs: true);
        File.WriteAllText(Path.Combine(area.Path, "x"), "x");
        Assert.Contains(area.Path, File.ReadAllText("/proc/mounts"), StringComparison.Ordinal);

        Assert.Null(area.Cleanup());

        Assert.False(Directory.Exists(area.Path));
        Assert.DoesNotContain(area.Path, File.ReadAllText("/proc/mounts"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker-1", false)]
    [InlineData("../../etc", true)]
    [InlineData("a/b", true)]
    public void WorkerDirectory_AnyId_StaysUnderTheRoot(string workerId, bool hashed)
    {
        var directory = OutputArea.WorkerDirectory("/staging", workerId);

        Assert.Equal("/staging", Path.GetDirectoryName(directory));
        Assert.Equal(hashed, Path.GetFileName(directory).StartsWith("w_", StringComparison.Ordinal));
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
