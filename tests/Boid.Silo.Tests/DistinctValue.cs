using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace Boid.Silo.Tests;

/// <summary>
/// A value for one option that differs from its default: the configuration entries that set it, and how to tell that
/// it reached the options object. Most are made from the property's type; <see cref="Valid"/> gives the ones that must
/// also pass validation or name a real file (validated options are checked when they are read).
/// </summary>
public sealed class DistinctValue
{
    private readonly Func<object?, bool> _reached;

    private DistinctValue(IReadOnlyDictionary<string, string> entries, string shown, Func<object?, bool> reached)
    {
        Entries = entries;
        Shown = shown;
        _reached = reached;
    }

    /// <summary>The configuration entries to set (a list or a dictionary takes one entry below the key).</summary>
    public IReadOnlyDictionary<string, string> Entries { get; }

    public string Shown { get; }

    public bool Reached(object? actual) => _reached(actual);

    /// <summary>
    /// A distinct value for <paramref name="property"/> at <paramref name="key"/>; <paramref name="text"/> (from <see cref="Valid"/>)
    /// when given, else one made from the type and the default in <paramref name="defaults"/>. Null: the test knows no such value.
    /// </summary>
    public static DistinctValue? For(string key, PropertyInfo property, object defaults, string? text)
    {
        ArgumentNullException.ThrowIfNull(property);
        var type = property.PropertyType;
        var current = property.GetValue(defaults);
        if (typeof(IDictionary).IsAssignableFrom(type) || type.Name.StartsWith("IDictionary", StringComparison.Ordinal))
        {
            var value = text ?? "http://boidcfgnn.invalid:9871/";
            return new DistinctValue(new Dictionary<string, string> { [key + ":boidcfgnn"] = value }, $"boidcfgnn → {value}",
                actual => actual is IEnumerable entries && entries.Cast<object>().Any(e => e.ToString() == $"[boidcfgnn, {value}]"));
        }

        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var value = text ?? "/srv/boidcfg";
            return new DistinctValue(new Dictionary<string, string> { [key + ":0"] = value }, $"[{value}]",
                actual => actual is IEnumerable items && items.Cast<object>().Select(i => i.ToString()).SequenceEqual([value]));
        }

        var scalar = text ?? Made(Nullable.GetUnderlyingType(type) ?? type, current, key);
        if (scalar is null)
        {
            return null;
        }

        var expected = TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).ConvertFromInvariantString(scalar);
        return Equals(expected, current)
            ? throw new InvalidOperationException($"the test's value for {key} ({scalar}) is the default: it would prove nothing")
            : new DistinctValue(new Dictionary<string, string> { [key] = scalar }, scalar, actual => Equals(actual, expected));
    }

    /// <summary>Values that must be valid as well as distinct, by key; files are created in <paramref name="scratch"/>.</summary>
    public static Dictionary<string, string> Valid(string scratch)
    {
        var (certificate, key) = TestCertificates.Write(scratch);
        return new(StringComparer.OrdinalIgnoreCase)
        {
            ["Boid:Api:TokenFile"] = Write(scratch, "api.token", "boidcfg-token-from-file"),
            ["Boid:Ledger:Chain"] = "http://127.0.0.1:18999/",
            ["Boid:Ledger:Account"] = "boidcfgacct",
            ["Boid:Ledger:Permission"] = "boidcfgperm",
            ["Boid:Ledger:Contract"] = "boidcfgjobs",
            ["Boid:Ledger:KeyFile"] = Write(scratch, "ledger.key", "not a key: the sink is never made"),
            ["Boid:Membership:NumVotesForDeathDeclaration"] = "1",
            ["Boid:Postgres:ConnectionString"] = "Host=boidcfg.invalid;Database=boidcfg;Username=boidcfg",
            ["Boid:Postgres:ConnectionStringFile"] = Write(scratch, "postgres.conn", "Host=boidcfg-file.invalid"),
            ["Boid:Silo:AdvertisedAddress"] = "10.77.0.7",
            ["Boid:Storage:WebHdfs:RootPath"] = "/boidcfg",
            ["Boid:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:14317",
            ["Boid:Telemetry:MetricsUrl"] = "http://127.0.0.1:19464",
            ["Boid:Tls:CertificateFile"] = certificate,
            ["Boid:Tls:KeyFile"] = key,
            ["Boid:Tls:CaFile"] = Write(scratch, "ca.crt", File.ReadAllText(certificate)),
        };
    }

    /// <summary>A value of <paramref name="type"/> unlike <paramref name="current"/>, as configuration text; text names its key.</summary>
    private static string? Made(Type type, object? current, string key)
    {
        var slug = key.Replace(':', '-').ToLowerInvariant();
        return type switch
        {
            _ when type == typeof(TimeSpan) => ((TimeSpan)current! + TimeSpan.FromMilliseconds(1234)).ToString("c", CultureInfo.InvariantCulture),
            _ when type == typeof(int) => ((int)(current ?? 0) + 7).ToString(CultureInfo.InvariantCulture),
            _ when type == typeof(long) => ((long)(current ?? 0L) + 7).ToString(CultureInfo.InvariantCulture),
            _ when type == typeof(short) => ((short)(current ?? (short)0) + 7).ToString(CultureInfo.InvariantCulture),
            _ when type == typeof(double) => ((double)(current ?? 0d) + 0.37).ToString(CultureInfo.InvariantCulture),
            _ when type == typeof(bool) => (!(bool)(current ?? false)).ToString(CultureInfo.InvariantCulture),
            _ when type == typeof(Uri) => $"http://{slug}.invalid:1234/",
            _ when type.IsEnum => Enum.GetNames(type).First(n => !Equals(Enum.Parse(type, n), current)),
            _ when type == typeof(string) && (key.EndsWith("File", StringComparison.Ordinal) || key.EndsWith("Directory", StringComparison.Ordinal) || key.EndsWith("Path", StringComparison.Ordinal))
                => Path.Combine(Path.GetTempPath(), slug),
            _ when type == typeof(string) => slug,
            _ => null,
        };
    }

    private static string Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content + "\n");
        return path;
    }
}
