using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Boid.Containers.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void AddBoidContainers_Resolved_DockerRunnerWithConfiguredOptions()
    {
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddBoidContainers(options => options.Configure(o => o.OutputCap = OutputCapEnforcement.Polling))
            .BuildServiceProvider();

        var sut = provider.GetRequiredService<IContainerRunner>();

        var runner = Assert.IsType<DockerContainerRunner>(sut);
        Assert.Equal(OutputCapEnforcement.Polling, runner.OutputCapMode);
    }

    [Fact]
    public void AddBoidContainers_InvalidOptions_ValidationNamesTheProblem()
    {
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddBoidContainers(options => options.Configure(o => o.StagingDirectory = "relative/path"))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DockerRunnerOptions>>().Value);

        Assert.Contains("StagingDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsArgumentExceptionNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new DockerContainerRunner(new DockerRunnerOptions { RequestTimeout = TimeSpan.Zero }));

        Assert.Contains("RequestTimeout", error.Message, StringComparison.Ordinal);
    }
}
