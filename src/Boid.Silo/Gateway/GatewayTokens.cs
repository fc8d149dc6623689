using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using Boid.Abstractions.Gateway;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// Session tokens: <c>v1.{payload}.{HMAC-SHA256}</c> over the account, the expiry and the capabilities, with a secret kept
/// in the data directory — stateless, so they survive a dispatcher restart, and an HMAC check costs microseconds where a
/// signature recovery per call would cost a secp256k1 operation.
/// </summary>
internal sealed class GatewayTokens
{
    private readonly byte[] _secret;
    private readonly TimeProvider _time;
    private readonly GatewayOptions _options;

    public GatewayTokens(string secretFile, IOptions<GatewayOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _secret = LoadOrCreateSecret(secretFile);
        DispatcherId = Convert.ToHexStringLower(SHA256.HashData(_secret))[..16];
    }

    /// <summary>Derived from the secret: what signed session requests must name, so one captured at another dispatcher is useless here.</summary>
    public string DispatcherId { get; }

    public string Issue(string account, WorkerCapabilities capabilities, out DateTimeOffset expiresAt)
    {
        expiresAt = _time.GetUtcNow() + _options.TokenTtl;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new GatewayTokenPayload(account, expiresAt.ToUnixTimeSeconds(), capabilities), GatewayProtocol.Json);
        var mac = HMACSHA256.HashData(_secret, payload);
        return "v1." + Base64Url(payload) + "." + Base64Url(mac);
    }

    /// <summary>Checks a token; <paramref name="error"/> says why not (it is shown to the worker).</summary>
    public bool TryValidate(string token, [NotNullWhen(true)] out GatewaySession? session, out string error)
    {
        session = null;
        error = "";
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != "v1" || FromBase64Url(parts[1]) is not { } payload || FromBase64Url(parts[2]) is not { } mac
            || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_secret, payload)))
        {
            error = "invalid session token (sign a new session: POST /gateway/v1/sessions)";
            return false;
        }

        var data = JsonSerializer.Deserialize<GatewayTokenPayload>(payload, GatewayProtocol.Json)!;
        var expires = DateTimeOffset.FromUnixTimeSeconds(data.Expires);
        if (expires <= _time.GetUtcNow())
        {
            error = "session token expired (sign a new session: POST /gateway/v1/sessions)";
            return false;
        }

        session = new GatewaySession(data.Account, data.Capabilities, expires);
        return true;
    }

    private static byte[] LoadOrCreateSecret(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var secret = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(secret);
        }

        return secret;
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += new string('=', (4 - (s.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
