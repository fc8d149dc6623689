using Boid.Worker;
using Microsoft.Extensions.Hosting;

namespace Boid.Silo.Hosting;

/// <summary>Runs the worker engine for the lifetime of a silo with the worker role (started after the silo).</summary>
public sealed class WorkerService(WorkerEngine engine) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => engine.RunAsync(stoppingToken);
}
