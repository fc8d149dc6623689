using Boid.Abstractions.Model;
using Boid.Storage;

namespace Boid.Worker.Inputs;

/// <summary>
/// Builds a unit's <c>/in</c> folder: each input is taken from the <see cref="InputCache"/> and given its path there as a
/// hard link to the cached file (a read-only copy where the file system will not link). The container mounts the folder
/// read-only, and cached files are read-only too, so no unit can change what another one reads.
/// </summary>
public sealed class InputStager(InputCache cache)
{
    public InputCache Cache => cache;

    /// <summary>Stages <paramref name="lease"/>'s inputs into <paramref name="directory"/> and returns it.</summary>
    /// <exception cref="InputStagingException">An input could not be staged; the message names it.</exception>
    public async Task<string> StageAsync(UnitAssignment lease, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        foreach (var input in lease.Inputs)
        {
            string relative;
            try
            {
                relative = StoreNames.CheckRelativePath(input.Path);
            }
            catch (ArgumentException exception)
            {
                throw new InputStagingException($"input {input.Uri}: path '{input.Path}' is not a plain relative path under /in", retryable: false, exception);
            }

            var target = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
            using var cached = await cache.GetAsync(input, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target))
            {
                throw new InputStagingException($"input {input.Uri}: path '{input.Path}' is used by another input", retryable: false);
            }

            if (!HardLink.TryCreate(cached.Path, target))
            {
                File.Copy(cached.Path, target);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
            }
        }

        return root;
    }
}
