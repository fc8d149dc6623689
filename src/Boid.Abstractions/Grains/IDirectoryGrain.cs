namespace Boid.Abstractions.Grains;

/// <summary>The lists the API shows: protocols, jobs (newest last) and contributors. Key 0.</summary>
public interface IDirectoryGrain : IGrainWithIntegerKey
{
    Task AddProtocolAsync(string name);

    Task<IReadOnlyList<string>> ListProtocolsAsync();

    Task AddJobAsync(string jobId);

    Task<IReadOnlyList<string>> ListJobsAsync(int limit);

    Task AddContributorAsync(string account);

    Task<IReadOnlyList<string>> ListContributorsAsync();
}
