using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Boid.Abstractions.Gateway;

namespace Boid.Silo.Gateway;

/// <summary>What a valid session token says: the account and the machine it advertised.</summary>
internal sealed record GatewayPrincipal(string Account, WorkerCapabilities Capabilities, DateTimeOffset ExpiresAt);

/// <summary>
/// Session tokens (HMAC-SHA256 over account, expiry and capabilities with a secret kept in the data
/// directory: stateless, so they survive a dispatcher restart) and the replay cache of signed session
/// requests (nonces are remembered for twice the allowed clock skew; older requests are refused by timestamp).
/// </summary>
internal sealed class GatewayAuth
{
    private readonly byte[] _secret;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly GatewayOptions _options;

    public GatewayAuth(string secretFile, GatewayOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _secret = LoadOrCreateSecret(secretFile);
        DispatcherId = Convert.ToHexStringLower(SHA256.HashData(_secret))[..16];
    }

    /// <summary>Derived from the secret: what signed session requests must name, so one captured at another dispatcher is useless here.</summary>
    public string DispatcherId { get; }

    public string Issue(string account, WorkerCapabilities capabilities, out DateTimeOffset expiresAt)
    {
        expiresAt = _time.GetUtcNow() + _options.TokenTtl;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new TokenPayload(account, expiresAt.ToUnixTimeSeconds(), capabilities), GatewayProtocol.Json);
        var mac = HMACSHA256.HashData(_secret, payload);
        return "v1." + Base64Url(payload) + "." + Base64Url(mac);
    }

    /// <summary>Checks a token; the error says why not (shown to the worker).</summary>
    public GatewayPrincipal? Validate(string token, out string error)
    {
        error = "";
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != "v1" || FromBase64Url(parts[1]) is not { } payload || FromBase64Url(parts[2]) is not { } mac
            || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_secret, payload)))
        {
            error = "invalid session token (sign a new session: POST /gateway/v1/sessions)";
            return null;
        }

        var data = JsonSerializer.Deserialize<TokenPayload>(payload, GatewayProtocol.Json)!;
        var expires = DateTimeOffset.FromUnixTimeSeconds(data.Expires);
        if (expires <= _time.GetUtcNow())
        {
            error = "session token expired (sign a new session: POST /gateway/v1/sessions)";
            return null;
        }

        return new GatewayPrincipal(data.Account, data.Capabilities, expires);
    }

    /// <summary>True the first time a (account, nonce) pair is seen within the replay window.</summary>
    public bool TryUseNonce(string account, string nonce)
    {
        var now = _time.GetUtcNow();
        if (_nonces.Count > 10_000)
        {
            foreach (var (key, until) in _nonces)
            {
                if (until < now)
                {
                    _nonces.TryRemove(key, out _);
                }
            }
        }

        return _nonces.TryAdd(account + "/" + nonce, now + (2 * _options.ClockSkew));
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

    private sealed record TokenPayload(string Account, long Expires, WorkerCapabilities Capabilities);
}
