using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Boid.Testing.Processes;

/// <summary>
/// One <c>boid</c> command running as its own OS process (<c>dotnet boid.dll …</c>, inside a network namespace when
/// asked), its output kept for failure messages and, with a log directory, written with timestamps to a log file.
/// It can be killed with SIGKILL, frozen and thawed, interrupted (Ctrl+C) or stopped gracefully. Disposing it kills
/// it if it still runs, and so does the test host's exit, so no test leaves a process behind whatever happens.
/// </summary>
public sealed class BoidProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StreamWriter? _log;
    private readonly Lock _gate = new();
    private int _disposed;

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

    private BoidProcess(string name, ProcessStartInfo start, string? logPath)
    {
        Name = name;
        LogPath = logPath;
        if (logPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
            WriteLog($"$ {start.FileName} {string.Join(' ', start.ArgumentList)}");
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        StartedAt = DateTimeOffset.UtcNow;
        Id = _process.Id;
        Live[Id] = _process;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The log file (every line with its time), or null when the process was started without a log directory.</summary>
    public string? LogPath { get; }

    public int Id { get; }

    public DateTimeOffset StartedAt { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process printed so far, stdout and stderr interleaved, as printed.</summary>
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

    /// <summary>
    /// Starts <c>dotnet boid.dll <paramref name="arguments"/></c> with <paramref name="environment"/> added to this process's
    /// own; inside network namespace <paramref name="netns"/> when given; logging to <c>logDirectory/name.log</c> when given.
    /// </summary>
    public static BoidProcess Start(
        string name,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? logDirectory = null,
        string? netns = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        // nsenter --net: only the network namespace changes. (`ip netns exec` also unshares the mount namespace, so the
        // worker's output tmpfs mounts would be invisible to the Docker daemon.)
        var start = new ProcessStartInfo(netns is null ? "dotnet" : "nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        if (netns is not null)
        {
            start.ArgumentList.Add($"--net=/var/run/netns/{netns}");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Repository.BoidDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["COLUMNS"] = "250"; // one status line per line
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new BoidProcess(name, start, logDirectory is null ? null : Path.Combine(logDirectory, name + ".log"));
    }

    /// <summary>Waits until the process prints a line containing <paramref name="text"/> (after <paramref name="fromLength"/> characters of output).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, string what, int fromLength = 0)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
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

    /// <summary>Waits for the process to start serving: every role prints "boid ROLE running; data in …" once its silo has started.</summary>
    public Task WaitUntilRunningAsync(TimeSpan? timeout = null) =>
        WaitForOutputAsync(" running; data in ", timeout ?? TimeSpan.FromSeconds(90), "start its silo");

    /// <summary>SIGKILL: no shutdown code runs, containers and staging areas stay behind. Returns when the process is gone.</summary>
    public DateTimeOffset Kill9()
    {
        var at = DateTimeOffset.UtcNow;
        Signal("CONT"); // a frozen process dies only once thawed
        Signal("KILL");
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"waited 10 s for {Name} (pid {Id}) to die after SIGKILL");
        }

        Append($"--- killed with SIGKILL at {at:HH:mm:ss.fff}");
        return at;
    }

    /// <summary>SIGSTOP: the process stops answering, its sockets stay open — a host cut off from the network.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT: a frozen process carries on.</summary>
    public void Thaw() => Signal("CONT");

    /// <summary>Ctrl+C (SIGINT), then waits for the process to end: a role shuts down gracefully and leaves the cluster.</summary>
    public Task<int> InterruptAsync(TimeSpan timeout)
    {
        Signal("INT");
        return WaitForExitAsync(timeout, "end after Ctrl+C");
    }

    /// <summary>
    /// A graceful stop (SIGTERM: a worker gives its units back and removes its containers), then SIGKILL if it has not
    /// ended after <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Signal("CONT");
        Signal("TERM");
        if (!await ExitedWithinAsync(grace))
        {
            TryKill(_process);
        }
    }

    /// <summary>Sends a signal (<c>KILL</c>, <c>STOP</c>, <c>CONT</c>, <c>TERM</c>, <c>INT</c>) unless the process has ended.</summary>
    public void Signal(string signal)
    {
        if (HasExited)
        {
            return;
        }

        var (code, output) = Shell.Run("kill", "-" + signal, Id.ToString(CultureInfo.InvariantCulture));
        if (code != 0 && !HasExited)
        {
            throw new InvalidOperationException($"kill -{signal} {Id} failed: {output}");
        }
    }

    /// <summary>Waits for the process to end and returns its exit code; a timeout says what was awaited and shows the output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, string what = "exit")
    {
        return await ExitedWithinAsync(timeout)
            ? _process.ExitCode
            : throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {Name} (pid {Id}) to {what}; its output:\n{Tail()}");
    }

    /// <summary>Whether the process ends within <paramref name="timeout"/>.</summary>
    public async Task<bool> ExitedWithinAsync(TimeSpan timeout)
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
        var where = LogPath is null ? "" : $", full log {LogPath}";
        return $"[{Name}{where}]\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)).Select(l => l.Length > 400 ? l[..400] + "…" : l));
    }

    /// <summary>Kills the process if it still runs; a second call (a test and its deployment both dispose it) does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        TryKill(_process);
        Live.TryRemove(Id, out _);
        _process.Dispose();
        lock (_gate)
        {
            _log?.Dispose();
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                Shell.Run("kill", "-CONT", process.Id.ToString(CultureInfo.InvariantCulture)); // a frozen process dies only once thawed
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
            WriteLog(line);
        }
    }

    private void WriteLog(string line)
    {
        try
        {
            _log?.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
