using System.Text.RegularExpressions;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace Boid.Cli.Tests;

/// <summary>
/// <c>--help</c> on every command of the tree (found by walking the help itself, so a new command is covered the day it
/// is added): it exits 0 and shows a usage line and the command's description.
/// </summary>
public sealed partial class CommandTreeTests
{
    /// <summary>A line of a COMMANDS list: <c>    logs &lt;JOB&gt; &lt;UNIT&gt;    Show a unit's attempts…</c>.</summary>
    [GeneratedRegex(@"^\s{4}(?<name>[a-z][a-z-]*)(?:\s[<\[][A-Z]+[>\]])*\s{2,}\S")]
    private static partial Regex CommandLine();

    [Fact]
    public void Help_EveryCommand_ExitsZeroWithUsageAndDescription()
    {
        var commands = Commands([]).ToList();
        Assert.Contains(["up"], commands, PathComparer.Instance);
        Assert.Contains(["ledger", "replay"], commands, PathComparer.Instance);

        var problems = new List<string>();
        foreach (var command in commands)
        {
            var result = Tester().Run([.. command, "--help"]);
            if (result.ExitCode != 0 || !result.Output.Contains("USAGE:", StringComparison.Ordinal) || !result.Output.Contains("DESCRIPTION:", StringComparison.Ordinal))
            {
                problems.Add($"boid {string.Join(' ', command)} --help exited {result.ExitCode}:\n{result.Output}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
        Assert.True(commands.Count >= 19, $"found {commands.Count} commands: {string.Join(", ", commands.Select(c => string.Join(' ', c)))}");
    }

    /// <summary>The tester with <c>boid</c>'s own tree, console and registrar.</summary>
    internal static CommandAppTester Tester()
    {
        var console = new TestConsole { Profile = { Width = 250 } };
        var tester = new CommandAppTester(BoidApp.Registrar(console), new CommandAppTesterSettings(), console);
        tester.Configure(config => BoidApp.Configure(config, console));
        return tester;
    }

    /// <summary>The commands below <paramref name="branch"/>, from its help's COMMANDS list; a branch lists its own.</summary>
    private static IEnumerable<string[]> Commands(string[] branch)
    {
        var output = Tester().Run([.. branch, "--help"]).Output;
        var listed = output.Split('\n')
            .SkipWhile(l => !l.StartsWith("COMMANDS:", StringComparison.Ordinal)).Skip(1)
            .Select(l => CommandLine().Match(l.TrimEnd()))
            .Where(m => m.Success)
            .Select(m => m.Groups["name"].Value)
            .ToList();
        foreach (var name in listed)
        {
            string[] path = [.. branch, name];
            var children = Commands(path).ToList();
            if (children.Count == 0)
            {
                yield return path;
            }

            foreach (var child in children)
            {
                yield return child;
            }
        }
    }

    private sealed class PathComparer : IEqualityComparer<string[]>
    {
        public static readonly PathComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string[] obj) => string.Join(' ', obj).GetHashCode(StringComparison.Ordinal);
    }
}
