using Boid.Abstractions;
using Boid.Abstractions.Grains;

namespace Boid.Grains.Catalog;

[GenerateSerializer, Alias("boid.DirectoryGrainState")]
public sealed class DirectoryGrainState
{
    [Id(0)] public List<string> Protocols { get; set; } = [];
    [Id(1)] public List<string> Jobs { get; set; } = [];
    [Id(2)] public List<string> Contributors { get; set; } = [];
}

public sealed class DirectoryGrain(
    [PersistentState("directory", BoidNames.Storage)] IPersistentState<DirectoryGrainState> state) : Grain, IDirectoryGrain
{
    public Task AddProtocolAsync(string name) => AddAsync(state.State.Protocols, name);

    public Task<IReadOnlyList<string>> ListProtocolsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Protocols]);

    public Task AddJobAsync(string jobId) => AddAsync(state.State.Jobs, jobId);

    public Task<IReadOnlyList<string>> ListJobsAsync(int limit)
    {
        var jobs = state.State.Jobs;
        return Task.FromResult<IReadOnlyList<string>>([.. jobs.Skip(Math.Max(0, jobs.Count - limit))]);
    }

    public Task AddContributorAsync(string account) => AddAsync(state.State.Contributors, account);

    public Task<IReadOnlyList<string>> ListContributorsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Contributors]);

    private Task AddAsync(List<string> list, string item)
    {
        if (list.Contains(item))
        {
            return Task.CompletedTask;
        }

        list.Add(item);
        return state.WriteStateAsync();
    }
}
