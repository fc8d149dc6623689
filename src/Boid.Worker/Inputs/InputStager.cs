using Boid.Abstractions.Model;
using Boid.Storage;

namespace Boid.Worker.Inputs;

/// <summary>
/// Builds a unit's <c>/in</c> folder: each file its inputs resolve to (through the worker's <see cref="IInputSource"/>) is
/// taken from the <see cref="InputCache"/> and given its path there as a hard link to the cached file (a read-only copy
/// where the file system will not link). The container mounts the folder read-only, and cached files are read-only too,
/// so no unit can change what another one reads.
/// </summary>
public sealed class InputStager(InputCache cache)
{
    public InputCache Cache => cache;

    /// <summary>Stages <paramref name="lease"/>'s inputs into <paramref name="directory"/> and returns it.</summary>
    /// <exception cref="InputStagingException">An input could not be staged; the message names it.</exception>
    public async Task<string> StageAsync(UnitAssignment lease, IInputSource source, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(source);
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        foreach (var file in await source.ResolveAsync(lease, cancellationToken).ConfigureAwait(false))
        {
            var target = Path.Combine(root, CheckPath(file).Replace('/', Path.DirectorySeparatorChar));
            using var cached = await cache.GetAsync(file, (path, token) => source.DownloadAsync(lease, file, path, token), cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target))
            {
                throw new InputStagingException($"input {file.Uri}: path '{file.Path}' is used by another input", retryable: false);
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

    private static string CheckPath(InputFile file)
    {
        try
        {
            return StoreNames.CheckRelativePath(file.Path);
        }
        catch (ArgumentException exception)
        {
            throw new InputStagingException($"input {file.Uri}: path '{file.Path}' is not a plain relative path under /in", retryable: false, exception);
        }
    }
}
