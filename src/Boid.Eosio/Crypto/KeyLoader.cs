namespace Boid.Eosio;

/// <summary>
/// Loads private keys from where operators keep them: a file (first non-empty line) or an environment
/// variable. Error messages name the source, never the content.
/// </summary>
public static class KeyLoader
{
    /// <summary>Reads a private key (<c>PVT_K1_…</c> or WIF) from a file.</summary>
    /// <param name="path">The file; its first non-empty line holds the key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="AntelopeKeyException">The file is missing, unreadable, or holds no valid key.</exception>
    public static PrivateKey FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string content;
        try
        {
            content = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AntelopeKeyException($"Cannot read key file '{path}': {ex.GetType().Name}.");
        }

        string? line = content.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (line is null)
        {
            throw new AntelopeKeyException($"Key file '{path}' is empty.");
        }

        return ParseFrom(line, $"key file '{path}'");
    }

    /// <summary>Reads a private key (<c>PVT_K1_…</c> or WIF) from an environment variable.</summary>
    /// <param name="variable">The variable's name.</param>
    /// <returns>The key.</returns>
    /// <exception cref="AntelopeKeyException">The variable is unset, empty, or holds no valid key.</exception>
    public static PrivateKey FromEnvironment(string variable)
    {
        ArgumentException.ThrowIfNullOrEmpty(variable);
        string? value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new AntelopeKeyException($"Environment variable '{variable}' is not set or empty.");
        }

        return ParseFrom(value, $"environment variable '{variable}'");
    }

    private static PrivateKey ParseFrom(string text, string source)
    {
        try
        {
            return PrivateKey.Parse(text);
        }
        catch (AntelopeKeyException ex)
        {
            // The inner messages never echo key text, but keep only our own wording here anyway.
            throw new AntelopeKeyException($"The {source} does not hold a valid K1 private key ({ex.Message.TrimEnd('.')}).");
        }
    }
}
