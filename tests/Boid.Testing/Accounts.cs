namespace Boid.Testing;

/// <summary>Contributor accounts (worker ids) for tests.</summary>
public static class Accounts
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz12345";

    /// <summary>
    /// A fresh account name: <paramref name="prefix"/> and random characters up to Antelope's 12 (a-z, 1-5). A fresh
    /// name per test keeps the containers a worker labels with it apart from every other test's on the shared Docker.
    /// </summary>
    public static string New(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix.Length, 11);
        return prefix + new string([.. Enumerable.Range(0, 12 - prefix.Length).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)])]);
    }
}
