using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Boid.Eosio;
using Boid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Boid.Ledger.Tests;

/// <summary>
/// Runs contracts/devchain (test infrastructure: VeRT behind a nodeos-shaped API) as a child process. Its applied
/// transactions are kept in a state file, so <see cref="RestartAsync"/> brings back the same chain on the same port.
/// </summary>
public sealed class Devchain : IAsyncDisposable
{
    private readonly string _stateFile;
    private readonly string[] _workers;
    private Process? _process;

    private Devchain(string stateFile, string[] workers, int port)
    {
        _stateFile = stateFile;
        _workers = workers;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public string Protocol => "montecarlo";

    public string Dispatcher => "boiddispatch";

    /// <summary>Private keys (test keys) by account.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; private set; } = new Dictionary<string, string>();

    public static async Task<Devchain> StartAsync(params string[] workers)
    {
        foreach (var contract in new[] { "token", "clusterreg", "clusterjobs" })
        {
            var wasm = Path.Combine(Repository.Contracts, contract, "target", $"{contract}.contract.wasm");
            if (!File.Exists(wasm))
            {
                throw new InvalidOperationException($"{wasm} is missing: build the contracts first (cd contracts && npm ci && npm run build)");
            }
        }

        if (!Directory.Exists(Path.Combine(Repository.Contracts, "node_modules", "@wharfkit", "antelope")))
        {
            throw new InvalidOperationException("contracts/node_modules lacks @wharfkit/antelope: run npm ci in contracts/");
        }

        var chain = new Devchain(Path.Combine(Repository.NewTempDirectory("devchain"), "state.jsonl"), workers.Length > 0 ? workers : ["localworker"], Ports.Free());
        await chain.LaunchAsync();
        return chain;
    }

    public AntelopeChainClient CreateClient(HttpClient http) =>
        new(http, new AntelopeChainClientOptions { Endpoint = Url, MaxPushAttempts = 1, MaxReadAttempts = 1 }, TimeProvider.System, NullLogger<AntelopeChainClient>.Instance);

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Repository.Contracts,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "devchain/devchain.js", "--port", Port.ToString(CultureInfo.InvariantCulture), "--workers", string.Join(',', _workers), "--state", _stateFile, "--quiet" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        _process = process;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("DEVCHAIN_READY ", StringComparison.Ordinal))
                {
                    using var ready = JsonDocument.Parse(line["DEVCHAIN_READY ".Length..]);
                    Keys = ready.RootElement.GetProperty("accounts").EnumerateObject()
                        .ToDictionary(a => a.Name, a => a.Value.GetProperty("private").GetString()!);
                    _ = DrainAsync(process.StandardOutput);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            await StopAsync();
            throw new TimeoutException("devchain did not print DEVCHAIN_READY within 60 s");
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException($"devchain exited with {process.ExitCode} before it was ready: {await stderr}");
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
        }
    }
}
