using System.Runtime.Versioning;
using Spectre.Console.Testing;

namespace Boid.Cli.Tests;

/// <summary>
/// Arguments a command refuses (its settings' <c>Validate</c>, or the parser) end <c>boid</c> with exit code 2 and one line
/// that names the flag or argument — before anything starts or connects.
/// </summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("SPEC", "submit", "/no/such/spec.yaml")]
    [InlineData("-o|--output", "results", "j-000000-000000-0000")]
    [InlineData("--silo-port", "up", "--silo-port", "0")]
    [InlineData("--run", "up", "--run", "/no/such/job.yaml")]
    [InlineData("--lease-ttl", "dispatcher", "--lease-ttl", "0")]
    [InlineData("--tls-key", "dispatcher", "--tls-key", "/no/such/silo.key")]
    [InlineData("--advertise", "worker", "--advertise", "not-an-address")]
    [InlineData("--api", "status", "--api", "not a url")]
    [InlineData("--token-file", "cancel", "j-000000-000000-0000", "--token-file", "/no/such/token")]
    public async Task RunAsync_RefusedArgument_ExitsTwoNamingIt(string field, params string[] args)
    {
        var console = new TestConsole { Profile = { Width = 250 } };

        var exitCode = await BoidApp.RunAsync(console, args);

        Assert.True(exitCode == 2, $"boid {string.Join(' ', args)} exited {exitCode}:\n{console.Output}");
        Assert.StartsWith("error: ", console.Output, StringComparison.Ordinal);
        Assert.Contains(field, console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_ExitsTwoNamingIt()
    {
        var console = new TestConsole();

        var exitCode = await BoidApp.RunAsync(console, ["submitt", "job.yaml"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("submitt", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // file modes
    public void Run_KeysNew_WritesAKeyOnlyItsOwnerCanReadAndNeverOverwrites()
    {
        var directory = Directory.CreateTempSubdirectory("boid-cli-keys-").FullName;
        try
        {
            var path = Path.Combine(directory, "alice.key");

            var first = CommandTreeTests.Tester().Run(["keys", "new", "--out", path]);
            var written = File.ReadAllLines(path);
            var second = CommandTreeTests.Tester().Run(["keys", "new", "--out", path]);

            Assert.Equal(0, first.ExitCode);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var publicKey = written[1]["# public key: ".Length..];
            Assert.Contains(publicKey, first.Output, StringComparison.Ordinal); // the public key is shown, the private one never
            Assert.DoesNotContain(written[0], first.Output, StringComparison.Ordinal);
            Assert.Equal(2, second.ExitCode);
            Assert.Contains("refusing to overwrite", second.Output, StringComparison.Ordinal);
            Assert.Equal(written, File.ReadAllLines(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
