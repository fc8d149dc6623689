using System.Reflection;
using Boid.Silo.Cluster;
using Boid.Silo.Hosting;
using Orleans.Configuration;

namespace Boid.Silo.Tests;

/// <summary>
/// Which options class binds which configuration section: every Boid class with a <c>SectionName</c> constant (in the
/// assemblies the silo host loads), and the Orleans options Boid binds from a section of its own (membership timings).
/// </summary>
public sealed class OptionsCatalog
{
    private readonly Dictionary<string, Type> _sections;

    private OptionsCatalog(Dictionary<string, Type> sections) => _sections = sections;

    public IReadOnlyDictionary<string, Type> Sections => _sections;

    public static OptionsCatalog Load()
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [ClusterHosting.MembershipSectionName] = typeof(ClusterMembershipOptions),
        };
        foreach (var type in BoidAssemblies().SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string section)
            {
                Assert.True(sections.TryAdd(section, type), $"{type.FullName} and {sections.GetValueOrDefault(section)?.FullName} both bind {section}");
            }
        }

        return new OptionsCatalog(sections);
    }

    /// <summary>Whether <paramref name="key"/> names a section rather than an option.</summary>
    public bool IsSection(string key) => _sections.ContainsKey(key);

    /// <summary>The options class of the longest section <paramref name="key"/> is in, and the option's name within it.</summary>
    public (Type Options, string Property)? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var end = key.LastIndexOf(':'); end > 0; end = key.LastIndexOf(':', end - 1))
        {
            if (_sections.TryGetValue(key[..end], out var type))
            {
                return (type, key[(end + 1)..]);
            }
        }

        return null;
    }

    private static IEnumerable<Assembly> BoidAssemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(BoidHost).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Boid.", StringComparison.Ordinal)))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return seen.Values;
    }
}
