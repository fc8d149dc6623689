using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Boid.Volunteer.Tests.Gateway;

/// <summary>The gateway's authentication scheme: which session tokens open the worker routes, and what a refusal says.</summary>
public sealed class GatewayAuthenticationTests
{
    [Fact]
    public async Task Authenticate_ValidToken_CallerIsTheTokensAccount()
    {
        await using var sut = await GatewayAccessHost.StartAsync();
        using var response = await sut.SendAsync(HttpMethod.Get, "/probe/me", sut.TokenFor("alice", "linux-arm64"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice linux-arm64", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authenticate_ExpiredToken_UnauthorizedSaysExpired()
    {
        await using var sut = await GatewayAccessHost.StartAsync();
        var token = sut.TokenFor("alice");
        using (var fresh = await sut.SendAsync(HttpMethod.Get, "/probe/me", token))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        sut.Time.Advance(sut.Options.TokenTtl + TimeSpan.FromSeconds(1));
        using var expired = await sut.SendAsync(HttpMethod.Get, "/probe/me", token);
        await AssertUnauthorizedAsync(expired, "session token expired");
    }

    [Fact]
    public async Task Authenticate_TokenRewrittenForAnotherAccount_Unauthorized()
    {
        await using var sut = await GatewayAccessHost.StartAsync();
        var parts = sut.TokenFor("alice").Split('.');
        var payload = JsonNode.Parse(FromBase64Url(parts[1]))!;
        payload["account"] = "bob";
        var forged = $"{parts[0]}.{ToBase64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";

        using var response = await sut.SendAsync(HttpMethod.Get, "/probe/me", forged);
        await AssertUnauthorizedAsync(response, "invalid session token");
    }

    [Fact]
    public async Task Authenticate_TokenOfAnotherDispatcher_Unauthorized()
    {
        await using var other = await GatewayAccessHost.StartAsync(); // another data directory, so another secret
        await using var sut = await GatewayAccessHost.StartAsync();
        Assert.NotEqual(other.Tokens.DispatcherId, sut.Tokens.DispatcherId);

        using var response = await sut.SendAsync(HttpMethod.Get, "/probe/me", other.TokenFor("alice"));
        await AssertUnauthorizedAsync(response, "invalid session token");
    }

    [Fact]
    public async Task Authenticate_NoTokenOrNotAGatewayToken_UnauthorizedSaysHowToGetOne()
    {
        await using var sut = await GatewayAccessHost.StartAsync();
        using (var none = await sut.SendAsync(HttpMethod.Get, "/probe/me", token: null))
        {
            await AssertUnauthorizedAsync(none, "POST /gateway/v1/sessions");
        }

        using var researcher = await sut.SendAsync(HttpMethod.Get, "/probe/me", "a-researcher-api-token");
        await AssertUnauthorizedAsync(researcher, "invalid session token");
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unauthorized", problem.RootElement.GetProperty("kind").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static string ToBase64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }
}
