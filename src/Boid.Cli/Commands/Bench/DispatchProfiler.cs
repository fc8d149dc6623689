using System.Collections.Concurrent;
using System.Diagnostics;
using Boid.Abstractions;
using Boid.Persistence.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Boid.Cli.Commands.Bench;

/// <summary>
/// Counts, while enabled, every grain call the silo executes (an incoming call filter: time from dispatch to
/// completion, nested awaits included, queueing before it not) and every state the grain storage serializes.
/// </summary>
internal sealed class DispatchProfiler : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, Samples> _calls = new();
    private readonly ConcurrentDictionary<string, Samples> _writes = new();
    private volatile bool _enabled;
    private SqliteGrainStorage? _storage;
    private long _transactionsAtStart;
    private long _operationsAtStart;
    private long _transactions;
    private long _operations;

    /// <summary>Installs the filter and wraps the storage serializer of <paramref name="builder"/>'s silo.</summary>
    public void Install(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IIncomingGrainCallFilter>(this);
        builder.Services.PostConfigure<SqliteGrainStorageOptions>(BoidNames.Storage, o =>
        {
            if (o.GrainStorageSerializer is { } inner)
            {
                o.GrainStorageSerializer = new CountingSerializer(inner, this);
            }
        });
    }

    public void Attach(IServiceProvider services) => _storage = services.GetKeyedService<IGrainStorage>(BoidNames.Storage) as SqliteGrainStorage;

    public void Start()
    {
        _calls.Clear();
        _writes.Clear();
        _transactionsAtStart = _storage?.TransactionsCommitted ?? 0;
        _operationsAtStart = _storage?.OperationsCommitted ?? 0;
        _enabled = true;
    }

    public void Stop()
    {
        _enabled = false;
        _transactions = (_storage?.TransactionsCommitted ?? 0) - _transactionsAtStart;
        _operations = (_storage?.OperationsCommitted ?? 0) - _operationsAtStart;
    }

    public DispatchProfile Result(string scenario, long units)
    {
        var n = Math.Max(1, units);
        var calls = _calls
            .Select(c => new CallFigure(c.Key, Math.Round(c.Value.Count / (double)n, 3), Math.Round(c.Value.Mean, 3), Math.Round(c.Value.P99, 3)))
            .Where(c => c.PerUnit >= 0.001)
            .OrderByDescending(c => c.PerUnit * c.MeanMilliseconds)
            .ToList();
        var writes = _writes
            .Select(w => new WriteFigure(w.Key, Math.Round(w.Value.Count / (double)n, 3), Math.Round(w.Value.Mean, 0)))
            .OrderByDescending(w => w.PerUnit * w.MeanBytes)
            .ToList();
        return new DispatchProfile
        {
            Scenario = scenario,
            UnitsAccepted = units,
            Calls = calls,
            Writes = writes,
            WritesPerUnit = Math.Round(_operations / (double)n, 3),
            TransactionsPerUnit = Math.Round(_transactions / (double)n, 4),
            WritesPerTransaction = _transactions > 0 ? Math.Round(_operations / (double)_transactions, 1) : 0,
            BytesPerUnit = Math.Round(_writes.Values.Sum(w => w.Total) / n, 0),
        };
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_enabled)
        {
            await context.Invoke();
            return;
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            var name = (context.InterfaceMethod?.DeclaringType?.Name ?? context.InterfaceName) + "." + context.MethodName;
            _calls.GetOrAdd(name, _ => new Samples()).Add(Stats.Ms(start, Stopwatch.GetTimestamp()));
        }
    }

    private void Serialized(string state, int bytes)
    {
        if (_enabled)
        {
            _writes.GetOrAdd(state, _ => new Samples()).Add(bytes);
        }
    }

    /// <summary>Count, sum and a bounded reservoir of values (for the p99).</summary>
    private sealed class Samples
    {
        private const int Capacity = 20_000;
        private readonly List<double> _kept = [];
        private long _count;
        private double _total;

        public long Count => Interlocked.Read(ref _count);

        public double Total
        {
            get
            {
                lock (_kept)
                {
                    return _total;
                }
            }
        }

        public double Mean => Count == 0 ? 0 : Total / Count;

        public double P99
        {
            get
            {
                lock (_kept)
                {
                    return Stats.Percentile(_kept, 99);
                }
            }
        }

        public void Add(double value)
        {
            var n = Interlocked.Increment(ref _count);
            lock (_kept)
            {
                _total += value;
                if (_kept.Count < Capacity)
                {
                    _kept.Add(value);
                }
                else
                {
                    var slot = Random.Shared.NextInt64(n);
                    if (slot < Capacity)
                    {
                        _kept[(int)slot] = value;
                    }
                }
            }
        }
    }

    private sealed class CountingSerializer(IGrainStorageSerializer inner, DispatchProfiler profiler) : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input)
        {
            var data = inner.Serialize(input);
            profiler.Serialized(typeof(T).Name, data.ToMemory().Length);
            return data;
        }

        public T Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input)!;
    }
}
