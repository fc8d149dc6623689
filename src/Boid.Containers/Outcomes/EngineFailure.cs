using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;

namespace Boid.Containers.Outcomes;

/// <summary>
/// Failures of the Engine or the host around a run. They are results (<see cref="ContainerOutcome.StartFailed"/>, or
/// <see cref="ContainerOutcome.ImageMissing"/>), never exceptions to the caller; only Docker's 400 — the request itself is
/// wrong, so another worker would fail it too — is not worth retrying.
/// </summary>
internal static class EngineFailure
{
    /// <summary>Whether <paramref name="exception"/> is such a failure (a cancellation by the caller is told apart first).</summary>
    public static bool Covers(Exception exception) => exception is DockerApiException or HttpRequestException or IOException
        or SocketException or TimeoutException or OperationCanceledException or UnauthorizedAccessException;

    /// <summary>Whether the create request failed because the image is not local (<paramref name="created"/>: a container exists).</summary>
    public static bool IsImageMissing(Exception exception, bool created) => !created && (exception is DockerImageNotFoundException
        || (exception is DockerApiException { StatusCode: HttpStatusCode.NotFound } api
            && api.ResponseBody?.Contains("No such image", StringComparison.OrdinalIgnoreCase) == true));

    /// <summary>The verdict; <paramref name="refused"/> names what the Engine refused ("the container", "the exec in …").</summary>
    public static Verdict StartFailed(Exception exception, string refused, Uri endpoint) => exception is DockerApiException api
        ? new Verdict(ContainerOutcome.StartFailed, null, $"Docker Engine refused {refused} ({(int)api.StatusCode}): {Message(api)}",
            Retryable: api.StatusCode != HttpStatusCode.BadRequest)
        : new Verdict(ContainerOutcome.StartFailed, null, $"Docker Engine at {endpoint} or the host failed: {Text.OneLine(exception.Message)}", Retryable: true);

    /// <summary>The Engine's own message (the <c>message</c> of its JSON body), on one line.</summary>
    public static string Message(DockerApiException exception)
    {
        var body = exception.ResponseBody ?? "";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                body = message.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
            // Not JSON: use the body as it is.
        }

        return Text.OneLine(body);
    }
}
