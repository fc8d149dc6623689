using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Boid.Client;
using Boid.Storage;
using Boid.Storage.WebHdfs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary>
/// The storage role: registers an HDFS endpoint as a storage contributor of a protocol (capacity, used bytes), then
/// reports its used bytes every interval; the dispatcher credits byte-seconds to the ledger (role storage).
/// </summary>
public sealed class StorageCommand(IAnsiConsole console) : ApiCommand<StorageCommand.Settings>(console)
{
    public sealed class Settings : ApiSettings
    {
        [CommandOption("--endpoint <URL>")]
        [Description("The HDFS it offers: its WebHDFS address (http://namenode:9870, webhdfs://namenode:9870, swebhdfs://…)")]
        public string Endpoint { get; init; } = "";

        [CommandOption("--capacity <SIZE>")]
        [Description("Capacity offered, e.g. 500Gi or 2T")]
        public string Capacity { get; init; } = "";

        [CommandOption("--account <NAME>")]
        [Description("The contributor account credited (Antelope name; default: $BOID_ACCOUNT)")]
        public string? Account { get; init; }

        [CommandOption("--protocol <NAME>")]
        [Description("The protocol it stores for")]
        public string Protocol { get; init; } = "";

        [CommandOption("--root <PATH>")]
        [Description("The HDFS folder whose size counts as used (default: /)")]
        public string Root { get; init; } = "/";

        [CommandOption("--user <NAME>")]
        [Description("WebHDFS user.name for measuring (default: boid); or --delegation-token-file")]
        public string User { get; init; } = "boid";

        [CommandOption("--delegation-token-file <FILE>")]
        [Description("File holding a WebHDFS delegation token (secured clusters)")]
        public string? DelegationTokenFile { get; init; }

        [CommandOption("--used <SIZE>")]
        [Description("Report this many used bytes instead of measuring the root folder")]
        public string? Used { get; init; }

        [CommandOption("--interval <DURATION>")]
        [Description("Time between reports, e.g. 60s or 5m (default: 1m)")]
        public string Interval { get; init; } = "1m";

        [CommandOption("--once")]
        [Description("Register, report once after the interval, and exit")]
        public bool Once { get; init; }

        public string ResolvedAccount => Account ?? Environment.GetEnvironmentVariable("BOID_ACCOUNT") ?? "";

        public override ValidationResult Validate()
        {
            if (!TryParseEndpoint(Endpoint, out _))
            {
                return ValidationResult.Error($"--endpoint: '{Endpoint}' is not a WebHDFS address (http(s)://, webhdfs://, swebhdfs://)");
            }

            if (ParseSize(Capacity) is not > 0)
            {
                return ValidationResult.Error($"--capacity: expected a size such as 500Gi or 2T, got '{Capacity}'");
            }

            if (Used is not null && ParseSize(Used) is null)
            {
                return ValidationResult.Error($"--used: expected a size such as 10Gi, got '{Used}'");
            }

            if (ParseDuration(Interval) is not { } interval || interval < TimeSpan.FromSeconds(1))
            {
                return ValidationResult.Error($"--interval: expected a duration of at least 1s such as 60s or 5m, got '{Interval}'");
            }

            if (ResolvedAccount.Length == 0)
            {
                return ValidationResult.Error("--account: required (or set BOID_ACCOUNT)");
            }

            if (Protocol.Length == 0)
            {
                return ValidationResult.Error("--protocol: required");
            }

            return DelegationTokenFile is not null && !File.Exists(DelegationTokenFile)
                ? ValidationResult.Error($"--delegation-token-file: no file '{DelegationTokenFile}'")
                : base.Validate();
        }
    }

    protected override async Task<int> RunAsync(BoidClient client, Settings settings, CancellationToken cancellationToken)
    {
        TryParseEndpoint(settings.Endpoint, out var namenode);
        var capacity = ParseSize(settings.Capacity)!.Value;
        var interval = ParseDuration(settings.Interval)!.Value;
        using var http = WebHdfsBlobStore.CreateHttpClient();
        var token = settings.DelegationTokenFile is { } file ? File.ReadLines(file).FirstOrDefault()?.Trim() : null;
        var hdfs = new WebHdfsBlobStore(http, new WebHdfsOptions
        {
            NamenodeUri = namenode,
            RootPath = settings.Root,
            User = token is null ? settings.User : null,
            DelegationToken = token,
        });

        async Task<long> UsedAsync()
        {
            if (settings.Used is { } used)
            {
                return ParseSize(used)!.Value;
            }

            long total = 0;
            await foreach (var entry in hdfs.ListFilesRecursiveAsync("", cancellationToken))
            {
                total += entry.Length;
            }

            return total;
        }

        long usedBytes;
        try
        {
            usedBytes = await UsedAsync();
        }
        catch (StorageException exception)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] cannot measure {hdfs.Description}: {exception.Message}");
            return exception.IsTransient ? 5 : ExitCodes.Failed;
        }

        var registered = await client.RegisterStorageAsync(settings.ResolvedAccount, settings.Protocol, settings.Endpoint, capacity, usedBytes, cancellationToken);
        Print(settings, registered, $"registered {registered.Account} for {registered.StorageProtocol}: {settings.Endpoint}, {Bytes(usedBytes)} of {Bytes(capacity)} used");
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(interval, cancellationToken);
            try
            {
                usedBytes = await UsedAsync();
            }
            catch (StorageException exception) when (exception.IsTransient)
            {
                Console.MarkupLineInterpolated($"[yellow]warning:[/] cannot measure {hdfs.Description} now: {exception.Message}");
                continue; // the next report covers the gap (up to the dispatcher's MaxStorageReportGap)
            }

            var report = await client.ReportStorageAsync(settings.ResolvedAccount, usedBytes, cancellationToken);
            Print(settings, report, $"{Bytes(report.UsedBytes)} used; credited {report.CreditedByteSeconds:N0} byte-seconds ({report.TotalByteSeconds:N0} in all)");
            if (settings.Once)
            {
                break;
            }
        }

        return ExitCodes.Ok;
    }

    private void Print<T>(Settings settings, T value, string line)
    {
        if (settings.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(value, Output.Json));
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    internal static bool TryParseEndpoint(string text, out Uri namenode)
    {
        namenode = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return false;
        }

        var scheme = uri.Scheme switch { "http" or "webhdfs" => "http", "https" or "swebhdfs" => "https", _ => null };
        if (scheme is null)
        {
            return false;
        }

        namenode = new Uri($"{scheme}://{uri.Authority}/");
        return true;
    }

    internal static long? ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        var digits = t.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        if (digits == 0 || !double.TryParse(t[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        double? factor = t[digits..] switch
        {
            "" => 1,
            "k" => 1e3, "M" => 1e6, "G" => 1e9, "T" => 1e12,
            "Ki" => 1L << 10, "Mi" => 1L << 20, "Gi" => 1L << 30, "Ti" => 1L << 40,
            _ => null,
        };
        return factor is { } f && number * f < long.MaxValue ? (long)(number * f) : null;
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        var t = text.Trim();
        var (unit, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (2, 0.001)
            : t.EndsWith('s') ? (1, 1.0) : t.EndsWith('m') ? (1, 60.0) : t.EndsWith('h') ? (1, 3600.0) : (0, 0.0);
        return unit > 0 && double.TryParse(t[..^unit], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? TimeSpan.FromSeconds(n * scale)
            : null;
    }

    private static string Bytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.##} GiB" : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.##} MiB" : $"{bytes:N0} B";
}
