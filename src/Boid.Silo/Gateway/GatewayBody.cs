using System.Text.Json;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Microsoft.AspNetCore.Http;

namespace Boid.Silo.Gateway;

/// <summary>Request bodies read with a cap (<see cref="GatewayOptions.MaxRequestBytes"/>): never more is buffered.</summary>
internal static class GatewayBody
{
    /// <summary>The body as JSON; a body over the cap or unreadable is the caller's error (422 / 400 with <c>field: body</c>).</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, int max)
    {
        var body = await ReadAsync(request, max)
            ?? throw new BoidException(BoidErrorKind.LimitExceeded, $"body: at most {max} bytes", "body");
        try
        {
            return JsonSerializer.Deserialize<T>(body, GatewayProtocol.Json) ?? throw BoidException.Invalid("body", "empty");
        }
        catch (JsonException exception)
        {
            throw BoidException.Invalid("body", exception.Message);
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is larger.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
