using System.Globalization;
using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Client;
using Boid.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Boid.Ledger.Tests;

/// <summary>A Boid silo built by <see cref="BoidHost.Build"/> on free ports and a temporary data directory.</summary>
internal sealed class LedgerHost : IAsyncDisposable
{
    private LedgerHost(WebApplication app, string dataDirectory, string apiUrl)
    {
        App = app;
        DataDirectory = dataDirectory;
        Client = new BoidClient(new Uri(apiUrl + "/"));
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public BoidClient Client { get; }

    public ILedgerGrain Ledger => App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>(0);

    public static async Task<LedgerHost> StartAsync(SiloRoles roles, IDictionary<string, string?> ledger, TimeProvider? time = null, string? dataDirectory = null)
    {
        var data = dataDirectory ?? TestPaths.NewTempDirectory("boid-ledger");
        var apiUrl = $"http://127.0.0.1:{TestPaths.FreePort().ToString(CultureInfo.InvariantCulture)}";
        var settings = new Dictionary<string, string?>
        {
            ["Boid:DataDirectory"] = data,
            ["Boid:Api:Url"] = apiUrl,
            ["Boid:Silo:Port"] = TestPaths.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Boid:Silo:GatewayPort"] = TestPaths.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Boid:Worker:Id"] = "localworker",
            ["Boid:Worker:Slots"] = "2",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in ledger)
        {
            settings["Boid:Ledger:" + key] = value;
        }

        var app = BoidHost.Build(roles, settings, builder =>
        {
            if (time is not null)
            {
                builder.Services.AddBoidClock(time); // Boid's clock only: Orleans keeps real time
            }
        });
        await app.StartAsync();
        return new LedgerHost(app, data, apiUrl);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
