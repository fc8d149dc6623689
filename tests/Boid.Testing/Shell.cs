using System.Diagnostics;

namespace Boid.Testing;

/// <summary>Runs a program of the machine (docker, ip, kill, bash) to its end.</summary>
public static class Shell
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> (no shell); returns its exit code and its stdout then stderr.</summary>
    public static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <summary>Runs <paramref name="file"/> and fails, with what it printed, unless it exits 0.</summary>
    public static string Check(string file, params string[] arguments)
    {
        var (code, output) = Run(file, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited {code}: {output.Trim()}");
    }
}
