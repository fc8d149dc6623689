using System.Globalization;
using System.Text.Json;
using Boid.Eosio;

namespace Boid.Ledger.Tests;

/// <summary>Reads clusterjobs' tables through the chain API, as any client of the chain would.</summary>
internal static class ChainTables
{
    public static async Task<List<JsonElement>> RowsAsync(AntelopeChainClient client, string scope, string table)
    {
        var rows = new List<JsonElement>();
        await foreach (var row in client.GetAllTableRowsAsync(new TableRowsRequest { Code = Name.Parse("clusterjobs"), Scope = scope, Table = Name.Parse(table), Limit = 50 }))
        {
            rows.Add(row);
        }

        return rows;
    }

    public static ulong U64(JsonElement row, string field)
    {
        var value = row.GetProperty(field);
        return value.ValueKind == JsonValueKind.String ? ulong.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetUInt64();
    }

    public static async Task<(ulong Total, ulong Records)> WorkerAsync(AntelopeChainClient client, string protocol, string account, string table = "workers")
    {
        var row = (await RowsAsync(client, protocol, table)).Single(r => r.GetProperty("account").GetString() == account);
        return (U64(row, "total"), U64(row, "records"));
    }
}
