using Boid.Abstractions.Errors;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;

namespace Boid.Grains.Specs;

/// <summary>Reads a protocol file (YAML) and checks a protocol's fields.</summary>
public static class ProtocolSpecParser
{
    /// <exception cref="BoidException">The protocol is not valid; the message names the fields at fault.</exception>
    public static ProtocolSpec Parse(string yaml, string documentName = "protocol")
    {
        var root = SpecReader.Load(yaml, documentName);
        var r = new SpecReader(documentName);
        r.CheckFields(root, "", "name", "title", "researcher", "sponsor", "data_dir", "images", "fund", "rates", "sandbox", "remote_workers");
        var fund = r.Mapping(root, "", "fund");
        if (fund is not null)
        {
            r.CheckFields(fund, "fund", "asset", "token_contract");
        }

        var rates = r.Mapping(root, "", "rates");
        if (rates is not null)
        {
            r.CheckFields(rates, "rates", "worker", "dispatcher", "storage");
        }

        var sandbox = r.Mapping(root, "", "sandbox");
        if (sandbox is not null)
        {
            r.CheckFields(sandbox, "sandbox", "allow_network");
        }

        var remoteWorkers = RemoteWorkerSpecs.ReadPolicy(r, root);
        var name = r.String(root, "", "name", required: true);
        var images = r.StringList(root, "", "images", required: true);
        r.ThrowIfProblems();
        var spec = new ProtocolSpec
        {
            Name = name!,
            Title = r.String(root, "", "title") ?? "",
            Researcher = r.String(root, "", "researcher") ?? "",
            Sponsor = r.String(root, "", "sponsor") ?? "",
            DataDirectory = r.String(root, "", "data_dir") ?? "",
            Images = images!,
            Fund = fund is null ? "0.0000 BOID" : r.String(fund, "fund", "asset") ?? "0.0000 BOID",
            TokenContract = fund is null ? "eosio.token" : r.String(fund, "fund", "token_contract") ?? "eosio.token",
            WorkerRatePerHour = rates is null ? 0 : r.Integer(rates, "rates", "worker", 0, long.MaxValue) ?? 0,
            DispatcherRatePerHour = rates is null ? 0 : r.Integer(rates, "rates", "dispatcher", 0, long.MaxValue) ?? 0,
            StorageRatePerGiBHour = rates is null ? 0 : r.Integer(rates, "rates", "storage", 0, long.MaxValue) ?? 0,
            AllowNetwork = sandbox is not null && (r.Boolean(sandbox, "sandbox", "allow_network") ?? false),
            RemoteWorkers = remoteWorkers,
        };
        r.ThrowIfProblems();
        Validate(spec);
        return spec;
    }

    /// <exception cref="BoidException">A field is not valid.</exception>
    public static void Validate(ProtocolSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (AntelopeName.Problem(spec.Name) is { } problem)
        {
            throw BoidException.Invalid("name", problem);
        }

        foreach (var account in new[] { ("researcher", spec.Researcher), ("sponsor", spec.Sponsor), ("fund.token_contract", spec.TokenContract) })
        {
            if (account.Item2.Length > 0 && AntelopeName.Problem(account.Item2) is { } accountProblem)
            {
                throw BoidException.Invalid(account.Item1, accountProblem);
            }
        }

        if (spec.Images.Count == 0 || spec.Images.Any(i => i.Length == 0 || i.Any(char.IsWhiteSpace)))
        {
            throw BoidException.Invalid("images", "list at least one image reference (a trailing * matches a prefix), with no white space");
        }
    }
}
