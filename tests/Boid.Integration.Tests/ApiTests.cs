using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Boid.Client;
using Boid.Testing;
using Boid.Testing.Specs;

namespace Boid.Integration.Tests;

public sealed class ApiTests
{
    [Fact]
    public async Task PostJob_BadInputs_ProblemNamesFieldAndNothingIsCreated()
    {
        await using var cluster = new EmbeddedCluster("apibad");
        await cluster.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(cluster.ApiUrl) };

        var response = await http.PostAsync("/api/v1/jobs", Yaml("protocol: montecarlo\nimage: x\ncommand: [x]\nunits: -3\n"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal("units", problem.RootElement.GetProperty("field").GetString());
            Assert.Equal("InvalidArgument", problem.RootElement.GetProperty("kind").GetString());
        }

        response = await http.PostAsync("/api/v1/jobs", Yaml("protocol: nosuchproto\nimage: x\ncommand: [x]\nunits: 1\n"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no protocol named 'nosuchproto'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        response = await http.PostAsync("/api/v1/protocols", Yaml("name: NotAName\nimages: [x]\n"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        response = await http.GetAsync("/api/v1/jobs/j-000000-000000-0000");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        response = await http.GetAsync("/api/v1/jobs/..%2F..%2Fetc");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        Assert.Empty(await cluster.Client.ListJobsAsync());
    }

    [Fact]
    public async Task OpenApi_Served_DescribesTheEndpoints()
    {
        await using var cluster = new EmbeddedCluster("apiopen");
        await cluster.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(cluster.ApiUrl) };

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/{id}/result", "/api/v1/protocols", "/api/v1/workers" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }
    }

    [Fact]
    public async Task Start_BeyondLoopbackWithoutToken_RefusesNamingTheSetting()
    {
        await using var cluster = new EmbeddedCluster("apinotok", settings: new Dictionary<string, string?>
        {
            ["Boid:Api:Url"] = $"http://0.0.0.0:{Ports.Free()}",
        });

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(cluster.StartAsync);

        Assert.Contains("Boid:Api:Url", exception.Message, StringComparison.Ordinal);
        Assert.Contains("token", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutatingCall_BeyondLoopback_NeedsTheBearerToken()
    {
        var port = Ports.Free();
        const string Token = "test-token-4f1c";
        await using var cluster = new EmbeddedCluster("apitoken", settings: new Dictionary<string, string?>
        {
            ["Boid:Api:Url"] = $"http://0.0.0.0:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Boid:Api:Token"] = Token,
        });
        await cluster.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var protocol = Spec.Protocol("tokproto");

        var anonymous = await http.PostAsync("/api/v1/protocols", Yaml(protocol));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/protocols") { Content = Yaml(protocol) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/protocols")).StatusCode); // reading needs no token

        using var client = new BoidClient(new Uri($"http://127.0.0.1:{port}/"), Token);
        var saved = await client.AddProtocolAsync(protocol);
        Assert.Equal("tokproto", saved.Name);
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");
}
