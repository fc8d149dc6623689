using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Boid.Containers.Tests;

/// <summary>
/// Base of the tests that run real containers. Docker must answer and the base image must exist:
/// otherwise every test fails with a message that says what to start (never a skip).
/// After each test, no container labelled with the class's worker id may be left.
/// </summary>
public abstract class DockerTestBase : IAsyncLifetime
{
    public const string Image = "boid/busybox:1";
    private static readonly string RunSuffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private static readonly Lazy<Task> Preflight = new(CheckDockerAsync);
    private readonly List<string> _directories = [];
    private readonly List<DockerContainerRunner> _runners = [];

    protected DockerTestBase()
    {
        WorkerId = $"test-{GetType().Name}-{RunSuffix}";
        Options = new DockerRunnerOptions { StagingDirectory = Path.Combine(Path.GetTempPath(), "boid-containers-tests") };
    }

    /// <summary>Unique per test class and test run.</summary>
    protected string WorkerId { get; }

    protected DockerRunnerOptions Options { get; }

    protected static DockerClient Docker { get; } = new DockerClientConfiguration(new DockerRunnerOptions().Endpoint).CreateClient();

    public Task InitializeAsync() => Preflight.Value;

    public async Task DisposeAsync()
    {
        // Fresh containers are removed in the background and warm ones wait for more units: both are done when drained.
        foreach (var runner in _runners)
        {
            await runner.DrainAsync();
        }

        var left = await ListWorkerContainersAsync();
        foreach (var id in left)
        {
            await Docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }

        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }

        Assert.True(left.Count == 0, $"{left.Count} container(s) labelled boid.worker={WorkerId} were left behind: {string.Join(", ", left)}");
    }

    protected DockerContainerRunner CreateSut()
    {
        var runner = new DockerContainerRunner(Options);
        _runners.Add(runner);
        return runner;
    }

    protected async Task<IReadOnlyList<string>> ListWorkerContainersAsync()
    {
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"boid.worker={WorkerId}"] = true },
            },
        });
        return containers.Select(c => c.ID).ToList();
    }

    protected string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "boid-containers-tests-io", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        _directories.Add(path);
        return path;
    }

    protected ContainerRunSpec Spec(params string[] command) => new()
    {
        Image = Image,
        Command = command,
        OutputDirectory = NewDirectory(),
        Labels = new Dictionary<string, string>
        {
            ["boid.worker"] = WorkerId,
            ["boid.job"] = "job-1",
            ["boid.unit"] = "unit-1",
            ["boid.lease"] = "lease-1",
        },
        Limits = new ContainerLimits { Timeout = TimeSpan.FromSeconds(30) },
    };

    /// <summary>A spec running <paramref name="script"/> with <c>sh -c</c>.</summary>
    protected ContainerRunSpec Sh(string script) => Spec("sh", "-c", script);

    private static async Task CheckDockerAsync()
    {
        var endpoint = new DockerRunnerOptions().Endpoint;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Docker.System.PingAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Docker Engine is not reachable at {endpoint} ({ex.GetType().Name}: {ex.Message}). "
                + "These tests need a real engine: run scripts/ensure-docker.sh, then deploy/images/build-base.sh.", ex);
        }

        try
        {
            await Docker.Images.InspectImageAsync(Image);
        }
        catch (DockerImageNotFoundException ex)
        {
            throw new InvalidOperationException($"The test image {Image} is missing: run deploy/images/build-base.sh.", ex);
        }
    }
}
