using Boid.Eosio;

namespace Boid.Worker.Remote;

/// <summary>Key files for contributors: created readable by their owner only (0600), never overwritten.</summary>
public static class KeyFiles
{
    /// <summary>Writes a new K1 key pair to <paramref name="path"/> and returns its public key.</summary>
    /// <exception cref="IOException">The file exists already (it may hold a key that earns credit: never overwritten).</exception>
    public static PublicKey CreateNew(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var key = PrivateKey.Generate();
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, // fails if the file exists, atomically
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 0600 from the first byte, not chmod after
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(key.ToSecretString());
            writer.WriteLine($"# public key: {key.PublicKey}");
        }

        return key.PublicKey;
    }

    /// <summary>Loads a key file, refusing one that others can read.</summary>
    /// <exception cref="AntelopeKeyException">The file is missing, holds no key, or is readable by group or others.</exception>
    public static PrivateKey Load(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path)
            && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new AntelopeKeyException($"Key file '{path}' is readable by others: chmod 600 it.");
        }

        return KeyLoader.FromFile(path);
    }
}
