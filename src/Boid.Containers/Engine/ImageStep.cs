using System.Net;
using Boid.Containers.Outcomes;
using Docker.DotNet;

namespace Boid.Containers.Engine;

/// <summary>
/// The images a run needs. Today they are local only: nothing is pulled, and a missing image is told by the create
/// request itself (a 404, judged by <see cref="EngineFailure.IsImageMissing"/>), so the hot path pays no extra request.
/// Every new container passes <see cref="PrepareAsync"/> before its create: the place for pulling by digest.
/// </summary>
internal sealed class ImageStep(DockerEngine engine)
{
    /// <summary>Whether the image is present in the local Engine (never pulls).</summary>
    public async Task<bool> ExistsAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="image"/> ready for a create; a verdict instead when it cannot be had, which ends the run before
    /// any container exists. Today a no-op: see the class remarks.
    /// </summary>
    public ValueTask<Verdict?> PrepareAsync(string image, CancellationToken cancellationToken) => ValueTask.FromResult<Verdict?>(null);
}
