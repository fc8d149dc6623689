using System.Diagnostics;
using Boid.Abstractions.Model;
using Boid.Worker.Inputs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Worker.Tests;

/// <summary>
/// One <see cref="WorkerEngine"/> wired to the in-memory link and runner, on a fake clock that only the test moves
/// (renewals, heartbeats, report back-off and the shutdown grace all read it), with a scratch work directory.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _work = Directory.CreateTempSubdirectory("boid-worker-tests-").FullName;
    private Task? _run;
    private int _leases;

    public EngineHarness(int slots)
    {
        Link = new InMemoryDispatcherLink(Time);
        Options = new WorkerOptions
        {
            Id = "testworker",
            Slots = slots,
            WorkDirectory = _work,
            RenewInterval = RenewInterval,
            HeartbeatInterval = HeartbeatInterval,
            MaxPollInterval = TimeSpan.FromMilliseconds(20), // the idle back-off is real time: keep it short
        };
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        var stager = new InputStager(new InputCache(options, Time, NullLogger<InputCache>.Instance)); // the real stager and cache, in the work directory
        Sut = new WorkerEngine(Link, Runner, options, Time, NullLogger<WorkerEngine>.Instance, stager);
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InMemoryDispatcherLink Link { get; }

    public InMemoryContainerRunner Runner { get; } = new();

    public WorkerOptions Options { get; }

    public WorkerEngine Sut { get; }

    /// <summary>A lease of one unit of job <c>j1</c>, with optional inputs.</summary>
    public UnitAssignment NewLease(string unitKey, IReadOnlyList<JobInput>? inputs = null) => new()
    {
        JobId = "j1",
        UnitKey = unitKey,
        LeaseId = $"lease-{unitKey}-{Interlocked.Increment(ref _leases)}",
        Image = "boid/busybox:1",
        Command = ["true"],
        Inputs = inputs ?? [],
    };

    /// <summary>Starts the engine and waits until it has registered and asked for work (its renew and heartbeat timers exist then).</summary>
    public async Task StartAsync()
    {
        _run = Task.Run(() => Sut.RunAsync(_stop.Token));
        await UntilAsync(() => !Link.LeaseRequests.IsEmpty, "the engine to register and ask for its first leases");
    }

    /// <summary>Offers one lease (unit 0), starts the engine and waits until that unit's container runs.</summary>
    public async Task<UnitAssignment> StartWithOneUnitRunningAsync()
    {
        var lease = NewLease("0");
        Link.Offer(lease);
        await StartAsync();
        await Within(Runner.RunningAsync(lease.LeaseId), "the unit's container to run");
        return lease;
    }

    /// <summary>Shuts the engine down (the host stopping) and waits for it to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is { } run)
        {
            await Within(run, "the engine to shut down");
        }
    }

    /// <summary>Moves the fake clock one step at a time until <paramref name="condition"/> holds (each step lets the engine react).</summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds:0} s (moving the fake clock {step.TotalSeconds:0.###} s at a time, now {Time.GetUtcNow():HH:mm:ss.fff}) for {what}");
            }

            Time.Advance(step);
            await Task.Delay(5);
        }
    }

    /// <summary>Waits (real time) for the engine's own threads to reach <paramref name="condition"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Awaits <paramref name="task"/>; a timeout says what was awaited.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        await Within((Task)task, what);
        return await task;
    }

    /// <inheritdoc cref="Within{T}(Task{T}, string)"/>
    public static async Task Within(Task task, string what)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await task.WaitAsync(Patience);
        }
        catch (TimeoutException exception) when (!task.IsCompleted)
        {
            throw new TimeoutException($"waited {Patience.TotalSeconds:0} s for {what}", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
