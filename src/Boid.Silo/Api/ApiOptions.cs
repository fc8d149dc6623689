using Microsoft.Extensions.Logging;

namespace Boid.Silo.Api;

/// <summary>The dispatcher's HTTP API, bound from <c>Boid:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Boid:Api";

    /// <summary>Where the API listens. Loopback unless told otherwise.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Bearer token every mutating call must carry when the API listens beyond loopback. Give it through
    /// the environment (<c>Boid__Api__Token</c>) or a file (<see cref="TokenFile"/>); it is never logged.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>A file whose first line is the token.</summary>
    public string? TokenFile { get; set; }

    public override string ToString() => $"ApiOptions {{ Url = {Url}, Token = {(Token is null ? "none" : "[redacted]")} }}";
}

internal static partial class ApiLog
{
    [LoggerMessage(3000, LogLevel.Information, "HTTP API on {Url}; mutating calls {Auth}")]
    public static partial void Listening(ILogger logger, string url, string auth);

    [LoggerMessage(3001, LogLevel.Error, "Request {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);
}
