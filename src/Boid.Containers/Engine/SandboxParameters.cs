using System.Globalization;
using Docker.DotNet.Models;

namespace Boid.Containers.Engine;

/// <summary>
/// The create request of every container the runner makes, fresh or warm: one code path for the sandbox of README.md's
/// table (no network, read-only root, tmpfs /tmp, no capabilities, no-new-privileges, limits, bounded logs, labels).
/// </summary>
internal static class SandboxParameters
{
    public static CreateContainerParameters Build(ContainerRunSpec spec, string name, string outPath, int uid, int gid, bool useInit)
    {
        var sandbox = spec.Sandbox;
        return new CreateContainerParameters
        {
            Name = name,
            Image = spec.Image,
            // The command is the whole argv: the image's entrypoint is replaced, no shell is implied.
            Entrypoint = [spec.Command[0]],
            Cmd = spec.Command.Skip(1).ToList(),
            Env = spec.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            Labels = new Dictionary<string, string>(spec.Labels),
            User = string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}"),
            NetworkDisabled = !sandbox.AllowNetwork,
            AttachStdin = false,
            AttachStdout = false,
            AttachStderr = false,
            Tty = false,
            OpenStdin = false,
            HostConfig = HostConfig(spec, outPath, useInit),
        };
    }

    private static HostConfig HostConfig(ContainerRunSpec spec, string outPath, bool useInit)
    {
        var limits = spec.Limits;
        return new HostConfig
        {
            NetworkMode = spec.Sandbox.AllowNetwork ? "bridge" : "none",
            ReadonlyRootfs = spec.Sandbox.ReadOnlyRootFilesystem,
            Tmpfs = new Dictionary<string, string>
            {
                ["/tmp"] = string.Create(CultureInfo.InvariantCulture, $"rw,nosuid,nodev,size={limits.TmpCapBytes},mode=1777"),
            },
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            PidsLimit = limits.PidsLimit,
            Memory = limits.MemoryBytes,
            MemorySwap = limits.MemoryBytes,
            NanoCPUs = (long)Math.Round(limits.Cpus * 1e9),
            Mounts = Mounts(spec.InputDirectory, outPath),
            Init = useInit,
            IpcMode = "private",
            Privileged = false,
            AutoRemove = false,
            LogConfig = LogConfig(limits),
        };
    }

    /// <summary><c>/in</c> read-only when there are inputs, <c>/out</c> the run's staging area.</summary>
    private static List<Mount> Mounts(string? inputDirectory, string outPath)
    {
        var mounts = new List<Mount>(2);
        if (inputDirectory is { } input)
        {
            mounts.Add(new Mount { Type = "bind", Source = input, Target = "/in", ReadOnly = true });
        }

        mounts.Add(new Mount { Type = "bind", Source = outPath, Target = "/out", ReadOnly = false });
        return mounts;
    }

    private static LogConfig LogConfig(ContainerLimits limits)
    {
        // json-file keeps between max-size and twice that: enough for the tail, bounded on disk.
        var logMax = Math.Max(1L << 20, 8L * limits.LogTailBytes);
        return new LogConfig
        {
            Type = "json-file",
            Config = new Dictionary<string, string>
            {
                ["max-size"] = logMax.ToString(CultureInfo.InvariantCulture),
                ["max-file"] = "2",
            },
        };
    }
}
