using System.Reflection;
using Boid.Silo.Hosting;
using Boid.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Boid.Silo.Tests;

/// <summary>
/// Every configuration key docs/*.md names reaches the options object the host uses: each is set to a value unlike its
/// default, the embedded host is built as <c>boid up</c> builds it (not started), and each options object must hold the
/// value. A documented key that no options property takes fails, naming the key and the doc.
/// </summary>
public sealed class ConfigurationKeyTests(ITestOutputHelper output)
{
    private static readonly string Docs = Path.Combine(Repository.Root, "docs");

    [Fact]
    public void Read_Docs_FindsEveryFormOfKey()
    {
        var keys = DocumentedKeys.Read(Docs).Select(k => k.Key).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("Boid:Dispatch:LeaseTtl", keys);       // `Boid:Dispatch:LeaseTtl`
        Assert.Contains("Boid:Api:Token", keys);               // `Boid__Api__Token`
        Assert.Contains("Boid:Tls:KeyFile", keys);             // `Boid:Tls:CertificateFile`, `KeyFile` in a table cell
        Assert.Contains("Boid:Ledger:ConfirmedIdsKept", keys); // a table under "## Configuration (`Boid:Ledger`)"
        Assert.Contains("Boid:Gateway:DailyQuota", keys);      // a table column headed `Boid:Gateway:…`
        Assert.DoesNotContain(keys, k => k.EndsWith('*') || k.EndsWith('…'));
    }

    [Fact]
    public void ReadFile_SectionTablesAndSiblings_KeysInTheirSections()
    {
        string[] markdown =
        [
            "## Settings (`Boid:Ledger`)",
            "| option | default |",
            "|---|---|",
            "| `BatchSize` / `MaxBatchAge` | 50 (`Boid:Dispatch:LeaseTtl`) |",
            "",
            "| key | meaning |",
            "|---|---|",
            "| `Boid:Tls:CertificateFile`, `KeyFile` | PEM; not `lower` nor `X-Header` |",
            "Set `Boid__Api__Token=secret` or `Boid:Storage:WebHdfs:*`.",
            "```",
            "Boid__Postgres__ConnectionString=$PG boid dispatcher",
            "```",
        ];

        var keys = DocumentedKeys.ReadFile("x.md", markdown).Select(k => (k.Key, k.Line)); // a section's name too: the catalog tells them apart

        Assert.Equal(
            [("Boid:Ledger", 1), ("Boid:Ledger:BatchSize", 4), ("Boid:Ledger:MaxBatchAge", 4), ("Boid:Dispatch:LeaseTtl", 4), ("Boid:Tls:CertificateFile", 8), ("Boid:Tls:KeyFile", 8), ("Boid:Api:Token", 9), ("Boid:Postgres:ConnectionString", 11)],
            keys);
    }

    [Fact]
    public async Task DocumentedKeys_SetToDistinctValues_ReachTheirOptionsProperties()
    {
        var scratch = Repository.NewTempDirectory("boid-config-keys");
        try
        {
            var catalog = OptionsCatalog.Load();
            var valid = DistinctValue.Valid(scratch);
            var problems = new List<string>();
            var checks = new List<(DocumentedKey Doc, Type Options, PropertyInfo Property, DistinctValue Value)>();
            var settings = new Dictionary<string, string?> { ["Boid:DataDirectory"] = Path.Combine(scratch, "data") };
            foreach (var doc in DocumentedKeys.Read(Docs).DistinctBy(k => k.Key, StringComparer.OrdinalIgnoreCase).Where(k => !catalog.IsSection(k.Key)))
            {
                if (Resolve(catalog, doc, valid.GetValueOrDefault(doc.Key), problems) is not { } check)
                {
                    continue;
                }

                checks.Add(check);
                foreach (var (key, value) in check.Value.Entries)
                {
                    settings[key] = value;
                }
            }

            // As `boid up` builds it; never started, so nothing listens, joins or connects.
            await using (var host = BoidHost.Build(SiloRoles.Embedded, settings))
            {
                foreach (var (doc, options, property, value) in checks)
                {
                    var actual = property.GetValue(OptionsValue(host.Services, options));
                    if (!value.Reached(actual))
                    {
                        problems.Add($"{doc}: set to {value.Shown}, but {options.Name}.{property.Name} is {actual ?? "null"}");
                    }
                }
            }

            output.WriteLine($"{checks.Count} documented keys checked:\n" + string.Join('\n', checks.Select(c => $"{c.Doc} -> {c.Options.Name}.{c.Property.Name} = {c.Value.Shown}")));
            Assert.True(problems.Count == 0, $"{problems.Count} documented configuration keys do not reach their options:\n" + string.Join('\n', problems));
            Assert.True(checks.Count >= 50, $"only {checks.Count} documented keys were checked: is the doc reader still finding them?");
        }
        finally
        {
            Repository.TryDelete(scratch);
        }
    }

    /// <summary>What <c>IOptions&lt;T&gt;.Value</c> holds for <paramref name="options"/> (validated as it is read).</summary>
    private static object OptionsValue(IServiceProvider services, Type options)
    {
        var accessor = typeof(IOptions<>).MakeGenericType(options);
        return accessor.GetProperty(nameof(IOptions<object>.Value))!.GetValue(services.GetRequiredService(accessor))!;
    }

    /// <summary>The options property a documented key should reach, and a distinct value for it; or a problem naming the key and the doc.</summary>
    private static (DocumentedKey Doc, Type Options, PropertyInfo Property, DistinctValue Value)? Resolve(OptionsCatalog catalog, DocumentedKey doc, string? valid, List<string> problems)
    {
        if (catalog.Find(doc.Key) is not var (options, name))
        {
            problems.Add($"{doc}: no options class binds a section of it (known: {string.Join(", ", catalog.Sections.Keys.Order(StringComparer.Ordinal))})");
            return null;
        }

        var property = options.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || name.Contains(':', StringComparison.Ordinal))
        {
            problems.Add($"{doc}: {options.Name} (section {doc.Key[..(doc.Key.Length - name.Length - 1)]}) has no property {name}");
            return null;
        }

        if (DistinctValue.For(doc.Key, property, Activator.CreateInstance(options)!, valid) is not { } value)
        {
            problems.Add($"{doc}: the test cannot make a value of {property.PropertyType.Name} for {options.Name}.{property.Name}");
            return null;
        }

        return (doc, options, property, value);
    }
}
