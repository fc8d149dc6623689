using System.Net;
using System.Text;
using System.Text.Json;

namespace Boid.Storage.WebHdfs;

/// <summary>
/// Turns WebHDFS error replies into <see cref="StorageException"/>s. The server answers
/// <c>{"RemoteException":{"exception":"FileNotFoundException","javaClassName":"java.io.FileNotFoundException","message":"…"}}</c>
/// with a status derived from the Java class (404 not found, 403 for IOExceptions, 401 security, 400 bad argument).
/// The Java class decides first; the status only when the body names no known class.
/// </summary>
public static class WebHdfsErrors
{
    private const int MaxErrorBody = 64 * 1024;

    /// <summary>The kind a Java exception name maps to, or null when it is not one we know.</summary>
    public static StorageErrorKind? KindOf(string? exceptionName) => SimpleName(exceptionName) switch
    {
        "FileNotFoundException" => StorageErrorKind.NotFound,
        "AccessControlException" or "SecurityException" or "AuthorizationException" or "AuthenticationException"
            or "InvalidToken" or "SecretManager$InvalidToken" => StorageErrorKind.PermissionDenied,
        "FileAlreadyExistsException" or "PathIsNotEmptyDirectoryException" or "ParentNotDirectoryException" or "PathExistsException"
            or "AlreadyBeingCreatedException" or "NSQuotaExceededException" or "DSQuotaExceededException"
            or "QuotaExceededException" => StorageErrorKind.Conflict,
        "IllegalArgumentException" or "HadoopIllegalArgumentException" or "UnsupportedOperationException" or "InvalidPathException"
            or "NumberFormatException" or "UnresolvedPathException" => StorageErrorKind.InvalidArgument,
        "StandbyException" or "RetriableException" or "SafeModeException" or "ObserverRetryOnActiveException"
            or "ConnectException" or "ServiceUnavailableException" => StorageErrorKind.Unavailable,
        _ => null,
    };

    /// <summary>The kind an HTTP status maps to when the body names no known exception.</summary>
    public static StorageErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        404 => StorageErrorKind.NotFound,
        401 or 403 => StorageErrorKind.PermissionDenied,
        409 or 412 => StorageErrorKind.Conflict,
        400 or 405 or 411 or 413 or 414 or 416 => StorageErrorKind.InvalidArgument,
        408 or 429 or 502 or 503 or 504 => StorageErrorKind.Unavailable,
        _ => StorageErrorKind.Protocol,
    };

    /// <summary>Reads (at most 64 KiB of) an error reply and builds the exception for it.</summary>
    public static async Task<StorageException> FromResponseAsync(HttpResponseMessage response, string operation, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        string body;
        try
        {
            body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            body = "";
        }

        return FromReply(response.StatusCode, body, operation, path);
    }

    /// <summary>Builds the exception for an error status and body.</summary>
    public static StorageException FromReply(HttpStatusCode status, string body, string operation, string path)
    {
        string? exceptionName = null, javaClass = null, message = null;
        if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("RemoteException", out var remote) && remote.ValueKind == JsonValueKind.Object)
                {
                    exceptionName = String(remote, "exception");
                    javaClass = String(remote, "javaClassName");
                    message = String(remote, "message");
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page, say): the status decides.
            }
        }

        var kind = KindOf(exceptionName ?? javaClass) ?? KindOf(javaClass) ?? (exceptionName is null ? KindOf(status) : StatusKindForUnknownRemote(status));
        var named = javaClass ?? exceptionName;
        var detail = message ?? (body.Length == 0 ? "no detail" : "unexpected reply");
        var text = named is null
            ? $"WebHDFS {operation} '{path}' failed with HTTP {(int)status}: {detail}"
            : $"WebHDFS {operation} '{path}' failed with HTTP {(int)status} {SimpleName(named)}: {detail}";
        return StorageException.Create(kind, text, remoteExceptionClass: named);
    }

    private static StorageErrorKind StatusKindForUnknownRemote(HttpStatusCode status) =>
        // HDFS answers 403 for every IOException it has no better status for: that is a failure, not a refusal.
        status == HttpStatusCode.Forbidden ? StorageErrorKind.Protocol : KindOf(status);

    private static string? SimpleName(string? name) => name is null ? null : name[(name.LastIndexOf('.') + 1)..];

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBody];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }
}
