using Microsoft.Extensions.Options;

namespace Boid.Containers;

/// <summary>Reports the first problem of <see cref="DockerRunnerOptions"/>, naming the option.</summary>
internal sealed class DockerRunnerOptionsValidator : IValidateOptions<DockerRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, DockerRunnerOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
