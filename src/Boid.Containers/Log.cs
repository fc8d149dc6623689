using Microsoft.Extensions.Logging;

namespace Boid.Containers;

/// <summary>Source-generated log messages of the container runner (event ids 4100–4199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Container {ContainerId} created from {Image} for {Labels}")]
    public static partial void ContainerCreated(ILogger logger, string containerId, string image, string labels);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "Container {ContainerId} finished: {Outcome} (exit {ExitCode}) after {RunTimeMilliseconds} ms; {Reason}")]
    public static partial void ContainerFinished(ILogger logger, string? containerId, ContainerOutcome outcome, int? exitCode, long runTimeMilliseconds, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Killing container {ContainerId}: {Reason}")]
    public static partial void KillingContainer(ILogger logger, string containerId, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Could not remove container {ContainerId}; RemoveLeftoversAsync will retry")]
    public static partial void RemoveFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Could not clean up the staging area of container {ContainerId}: {Problem}")]
    public static partial void StagingCleanupFailed(ILogger logger, string containerId, string problem);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Removed leftover container {ContainerId} of worker {WorkerId}")]
    public static partial void LeftoverRemoved(ILogger logger, string containerId, string workerId);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Image {Image} is not present; nothing is pulled")]
    public static partial void ImageMissing(ILogger logger, string image);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Container {ContainerId} could not be created or started: {Reason}")]
    public static partial void StartFailed(ILogger logger, string containerId, string reason, Exception exception);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "Could not read the logs of container {ContainerId}")]
    public static partial void LogsFailed(ILogger logger, string containerId, Exception exception);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Output cap enforced by {Mode} under {StagingDirectory}")]
    public static partial void OutputCapMode(ILogger logger, OutputCapEnforcement mode, string stagingDirectory);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Could not clean up staging leftovers of worker {WorkerId}: {Problem}")]
    public static partial void LeftoverStagingFailed(ILogger logger, string workerId, string problem);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Warm container {ContainerId} started from {Image} for job {JobId}")]
    public static partial void WarmStarted(ILogger logger, string containerId, string image, string jobId);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Warm container {ContainerId} of job {JobId} retired after {Units} unit(s): {Reason}")]
    public static partial void WarmRetired(ILogger logger, string containerId, string jobId, int units, string reason);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Could not remove every container while disposing; RemoveLeftoversAsync will")]
    public static partial void DrainFailed(ILogger logger, Exception exception);
}
