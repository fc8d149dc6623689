using System.Reflection;
using Boid.Abstractions.Errors;
using Boid.Cli.Commands;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli;

/// <summary>The <c>boid</c> command tree. Roles: up, dispatcher, worker. Researcher actions: the rest.</summary>
public static class BoidApp
{
    public static CommandApp Create(IAnsiConsole console)
    {
        var app = new CommandApp(Registrar(console));
        app.Configure(config => Configure(config, console));
        return app;
    }

    /// <summary>
    /// Runs a command line as <c>boid</c> does: a command line that does not parse, or an argument a command's <c>Validate</c>
    /// refuses, is one line naming it and exit code 2 (invalid argument, as for the API's errors), not a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(IAnsiConsole console, IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        try
        {
            return await Create(console).RunAsync(args, cancellationToken);
        }
        catch (CommandAppException exception)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message} (see boid --help)");
            return BoidErrors.ExitCodeOf(BoidErrorKind.InvalidArgument);
        }
    }

    /// <summary>Resolves commands from Microsoft DI, with <paramref name="console"/> as their <see cref="IAnsiConsole"/>.</summary>
    public static ITypeRegistrar Registrar(IAnsiConsole console)
    {
        var services = new ServiceCollection();
        services.AddSingleton(console);
        return new TypeRegistrar(services);
    }

    /// <summary>The command tree, its descriptions and examples (also what tests run through <c>CommandAppTester</c>).</summary>
    public static void Configure(IConfigurator config, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.SetApplicationName("boid");
        config.SetApplicationVersion(typeof(BoidApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev");
        config.Settings.Console = console;
        config.PropagateExceptions();
        config.ValidateExamples();

        config.AddCommand<UpCommand>("up")
            .WithDescription("Run dispatcher and worker in one process (embedded cluster, state in a SQLite file)")
            .WithExample("up")
            .WithExample("up", "--run", "examples/montecarlo-pi/job.yaml");
        config.AddCommand<DispatcherCommand>("dispatcher")
            .WithDescription("Run a dispatcher silo: grains and the HTTP API")
            .WithExample("dispatcher", "--data", "/var/lib/boid");
        config.AddCommand<WorkerCommand>("worker")
            .WithDescription("Run a worker silo that joins a dispatcher and runs units in containers")
            .WithExample("worker", "--dispatcher-silo", "127.0.0.1:11111", "--silo-port", "11112")
            .WithExample("worker", "--join", "https://dispatcher.example.org", "--account", "alice", "--key", "alice.key");
        config.AddBranch("keys", keys =>
        {
            keys.SetDescription("Contributor keys (Antelope K1)");
            keys.AddCommand<KeysNewCommand>("new")
                .WithDescription("Write a new K1 key pair to a file only its owner can read (never overwrites)")
                .WithExample("keys", "new", "--out", "alice.key");
        });

        config.AddBranch("db", db =>
        {
            db.SetDescription("The cluster database (PostgreSQL): create or upgrade its schema, show its version");
            db.AddCommand<DbInitCommand>("init")
                .WithDescription("Create or upgrade the schema (versioned migrations; safe to run again)")
                .WithExample("db", "init", "--postgres", "Host=db.lab;Username=boid;Password=secret;Database=boid");
            db.AddCommand<DbStatusCommand>("status")
                .WithDescription("Show the schema version")
                .WithExample("db", "status");
        });

        config.AddCommand<StorageCommand>("storage")
            .WithDescription("Offer an HDFS to a protocol as a storage contributor and report its use (credited per byte-second)")
            .WithExample("storage", "--endpoint", "http://namenode:9870", "--capacity", "500Gi", "--account", "storage1", "--protocol", "montecarlo");
        config.AddCommand<SubmitCommand>("submit")
            .WithDescription("Submit a job spec")
            .WithExample("submit", "examples/montecarlo-pi/job.yaml", "--watch");
        config.AddCommand<StatusCommand>("status")
            .WithDescription("Show one job, or list recent jobs")
            .WithExample("status")
            .WithExample("status", "j-261128-193000-ab12", "--json");
        config.AddCommand<WatchCommand>("watch")
            .WithDescription("Follow a job's progress until it ends")
            .WithExample("watch", "j-261128-193000-ab12");
        config.AddCommand<ResultsCommand>("results")
            .WithDescription("Download a finished job's amalgamated result")
            .WithExample("results", "j-261128-193000-ab12", "-o", "pi-result");
        config.AddCommand<LogsCommand>("logs")
            .WithDescription("Show a unit's attempts and the tails of its stdout and stderr")
            .WithExample("logs", "j-261128-193000-ab12", "17");
        config.AddCommand<CancelCommand>("cancel")
            .WithDescription("Cancel a job; its running containers stop within seconds")
            .WithExample("cancel", "j-261128-193000-ab12");
        config.AddBranch("protocol", protocol =>
        {
            protocol.SetDescription("Manage protocols (research programmes)");
            protocol.AddCommand<ProtocolAddCommand>("add")
                .WithDescription("Add or replace a protocol from its YAML file")
                .WithExample("protocol", "add", "examples/montecarlo-pi/protocol.yaml");
            protocol.AddCommand<ProtocolListCommand>("list")
                .WithDescription("List protocols")
                .WithExample("protocol", "list", "--json");
        });
        config.AddCommand<Commands.Bench.BenchCommand>("bench")
            .WithDescription("Measure dispatch throughput, backlog scale, container overhead, worker footprint and end to end (docs/benchmarks.md)")
            .WithExample("bench", "--smoke")
            .WithExample("bench", "--json", "bench.json");
        config.AddCommand<WorkersCommand>("workers")
            .WithDescription("List registered workers and their credit")
            .WithExample("workers");
        config.AddBranch("ledger", ledger =>
        {
            ledger.SetDescription("Contribution records on chain: status, and replay of a journal");
            ledger.AddCommand<LedgerStatusCommand>("status")
                .WithDescription("Show the ledger: chain or journal, pending records, last transaction id, last error")
                .WithExample("ledger", "status", "--json");
            ledger.AddCommand<LedgerReplayCommand>("replay")
                .WithDescription("Push a ledger journal (kept while no chain was configured) to a chain")
                .WithExample("ledger", "replay", "--chain", "http://127.0.0.1:8888", "--account", "boiddispatch", "--key-file", "dispatch.key");
        });
    }
}

/// <summary>Lets Spectre resolve commands from Microsoft DI (so commands take <see cref="IAnsiConsole"/>).</summary>
internal sealed class TypeRegistrar(IServiceCollection services) : ITypeRegistrar
{
    public ITypeResolver Build() => new TypeResolver(services.BuildServiceProvider());

    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);

    public void RegisterLazy(Type service, Func<object> factory) => services.AddSingleton(service, _ => factory());

    private sealed class TypeResolver(ServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type);

        public void Dispose() => provider.Dispose();
    }
}
