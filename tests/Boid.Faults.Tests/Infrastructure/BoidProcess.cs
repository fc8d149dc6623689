using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Boid.Faults.Tests.Infrastructure;

/// <summary>
/// One `boid` command running as its own OS process (<c>dotnet boid.dll …</c>), its output kept with timestamps in a
/// log file. It can be killed with SIGKILL, frozen and thawed; disposing it kills it if it still runs, and so does the
/// test host's exit, so no test leaves a process behind whatever happens.
/// </summary>
public sealed class BoidProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();

    static BoidProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
            {
                TryKill(process);
            }
        };
    }

    private BoidProcess(string name, string logPath, IReadOnlyList<string> arguments)
    {
        Name = name;
        LogPath = logPath;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Machine.RepositoryRoot,
        };
        start.ArgumentList.Add(Machine.BoidDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["COLUMNS"] = "250"; // one status line per line in the log
        start.Environment["DOTNET_gcServer"] = "0";
        Append($"$ boid {string.Join(' ', arguments)}");
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Append(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Append(e.Data); } };
        _process.Start();
        StartedAt = DateTimeOffset.UtcNow;
        Live[_process.Id] = _process;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    public DateTimeOffset StartedAt { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static BoidProcess Start(string name, string logDirectory, params string[] arguments) =>
        new(name, Path.Combine(logDirectory, name + ".log"), arguments);

    /// <summary>Waits until the process prints a line containing <paramref name="text"/> (after <paramref name="fromLength"/> characters of output).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, string what, int fromLength = 0)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var output = Output;
            if (output.IndexOf(text, Math.Min(fromLength, output.Length), StringComparison.Ordinal) >= 0)
            {
                return;
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {ExitCode} before {what}; its output:\n{Tail()}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {Name} to {what} (the line '{text}'); its output:\n{Tail()}");
    }

    /// <summary>Waits for the process to start serving: every role prints "boid ROLE running" once its silo has started.</summary>
    public Task WaitUntilRunningAsync(TimeSpan? timeout = null) =>
        WaitForOutputAsync(" running; data in ", timeout ?? TimeSpan.FromSeconds(90), "start its silo");

    /// <summary>SIGKILL: no shutdown code runs, containers and staging areas stay behind. Returns when the process is gone.</summary>
    public DateTimeOffset Kill9()
    {
        var at = DateTimeOffset.UtcNow;
        Signal("KILL");
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"waited 10 s for {Name} (pid {Id}) to die after SIGKILL");
        }

        Append($"--- killed with SIGKILL at {at:HH:mm:ss.fff}");
        return at;
    }

    /// <summary>SIGSTOP / SIGCONT: the process stops answering (as a frozen machine would) and later carries on.</summary>
    public void Signal(string signal)
    {
        var (code, output) = Machine.Run("kill", "-" + signal, Id.ToString(CultureInfo.InvariantCulture));
        if (code != 0 && !HasExited)
        {
            throw new InvalidOperationException($"kill -{signal} {Id} failed: {output}");
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        var all = Output.Split('\n');
        return $"[{Name}, full log {LogPath}]\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)).Select(l => l.Length > 400 ? l[..400] + "…" : l));
    }

    public void Dispose()
    {
        TryKill(_process);
        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                Machine.Run("kill", "-CONT", process.Id.ToString(CultureInfo.InvariantCulture)); // a frozen process dies only once thawed
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    private void Append(string line)
    {
        var stamped = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}";
        lock (_gate)
        {
            _output.AppendLine(stamped);
            try
            {
                _log.WriteLine(stamped);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
