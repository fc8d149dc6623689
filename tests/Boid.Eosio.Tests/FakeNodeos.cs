// FAKE nodeos for tests: a tiny HTTP server on 127.0.0.1 (HttpListener) that answers the chain API paths
// with recorded, nodeos-shaped responses and error JSON. It runs no chain. The live test against the
// project's devchain (contracts/devchain) is separate.
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Boid.Testing;

namespace Boid.Eosio.Tests;

internal sealed record FakeResponse(int Status, string Body, TimeSpan Delay = default, bool Abort = false);

internal sealed class FakeNodeos : IDisposable
{
    public const string HeadBlockId = "0000a4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9";
    public const string LibBlockId = "0000a4e812345678abcdef0123456789abcdef0123456789abcdef0123456789";

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeNodeos()
    {
        int port = Ports.Free();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Answers by path; the default answers get_info and get_abi like nodeos.</summary>
    public Func<string, JsonNode?, int, FakeResponse> Handler { get; set; } = (path, _, _) => Default(path);

    public ConcurrentQueue<(string Path, JsonNode? Body)> Requests { get; } = new();

    public int Count(string api) => Requests.Count(r => r.Path == "/v1/chain/" + api);

    public static FakeResponse Default(string path) => path switch
    {
        "/v1/chain/get_info" => new FakeResponse(200, GetInfoJson),
        "/v1/chain/get_abi" => new FakeResponse(200, $$"""{"account_name":"clusterjobs","abi":{{TestAbi.Json}}}"""),
        _ => new FakeResponse(404, """{"code":404,"message":"Not Found","error":{"code":0,"name":"exception","what":"unspecified","details":[{"message":"Unknown Endpoint","file":"http_plugin.cpp","line_number":383,"method":"handle_http_request"}]}}"""),
    };

    public const string GetInfoJson = $$"""
    {"server_version":"0d87dff8","chain_id":"{{TestAbi.ChainId}}","head_block_num":42225,"last_irreversible_block_num":42216,
     "last_irreversible_block_id":"{{LibBlockId}}","head_block_id":"{{HeadBlockId}}","head_block_time":"2026-11-28T19:11:00.500",
     "head_block_producer":"eosio","virtual_block_cpu_limit":200000000,"virtual_block_net_limit":1048576000,"block_cpu_limit":199900,
     "block_net_limit":1048576,"server_version_string":"v5.0.3","fork_db_head_block_num":42225,"fork_db_head_block_id":"{{HeadBlockId}}",
     "server_full_version_string":"v5.0.3-fake","total_cpu_weight":"0","total_net_weight":"0","earliest_available_block_num":1,"last_irreversible_block_time":"2026-11-28T19:10:56.000"}
    """;

    public static string PushOk(string id) => $$$"""
    {"transaction_id":"{{{id}}}","processed":{"id":"{{{id}}}","block_num":42226,"block_time":"2026-11-28T19:11:01.000","producer_block_id":null,
     "receipt":{"status":"executed","cpu_usage_us":187,"net_usage_words":25},"elapsed":187,"net_usage":200,"scheduled":false,"action_traces":[],
     "account_ram_delta":null,"except":null,"error_code":null}}
    """;

    public static string Error(long code, string name, string what, params string[] details) =>
        new JsonObject
        {
            ["code"] = 500,
            ["message"] = "Internal Service Error",
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["name"] = name,
                ["what"] = what,
                ["details"] = new JsonArray(details.Select(d => (JsonNode)new JsonObject
                {
                    ["message"] = d, ["file"] = "fake.cpp", ["line_number"] = 1, ["method"] = "fake",
                }).Append(new JsonObject { ["message"] = "pending console output: ", ["file"] = "apply_context.cpp", ["line_number"] = 124, ["method"] = "exec_one" }).ToArray()),
            },
        }.ToJsonString();

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            // Close alone: on Linux the managed listener's Close after a Stop asks for the port once more, and
            // fails with "Address already in use" when another process has taken it meanwhile (seen in CI).
            _listener.Close();
        }
        catch (HttpListenerException)
        {
        }
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        int n = 0;
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            int index = Interlocked.Increment(ref n);
            _ = Task.Run(() => HandleAsync(context, index));
        }
    }

    private async Task HandleAsync(HttpListenerContext context, int index)
    {
        try
        {
            string path = context.Request.Url!.AbsolutePath;
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            string text = await reader.ReadToEndAsync();
            JsonNode? body = text.Length > 0 ? JsonNode.Parse(text) : null;
            Requests.Enqueue((path, body));
            int attempt = Requests.Count(r => r.Path == path);
            FakeResponse response = Handler(path, body, attempt);
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, _stop.Token);
            }

            if (response.Abort)
            {
                context.Response.Abort();
                return;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
        }
    }
}
