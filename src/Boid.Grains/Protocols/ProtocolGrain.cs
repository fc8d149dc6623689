using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;

namespace Boid.Grains.Protocols;

[GenerateSerializer, Alias("boid.ProtocolGrainState")]
public sealed class ProtocolGrainState
{
    [Id(0)] public ProtocolSpec? Spec { get; set; }}

public sealed class ProtocolGrain(
    [PersistentState("protocol", BoidNames.Storage)] IPersistentState<ProtocolGrainState> state,
    IGrainFactory grains) : Grain, IProtocolGrain
{
    public async Task<ProtocolSpec> SetAsync(ProtocolSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Name != this.GetPrimaryKeyString())
        {
            throw BoidException.Invalid("name", $"'{spec.Name}' does not match the protocol key '{this.GetPrimaryKeyString()}'");
        }

        ProtocolSpecParser.Validate(spec);
        state.State.Spec = spec;
        await state.WriteStateAsync();
        await grains.GetGrain<IDirectoryGrain>(0).AddProtocolAsync(spec.Name);
        return spec;
    }

    public Task<ProtocolSpec?> GetAsync() => Task.FromResult(state.State.Spec);
}
