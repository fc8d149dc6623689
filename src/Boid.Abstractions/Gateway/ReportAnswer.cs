using Boid.Abstractions.Model;

namespace Boid.Abstractions.Gateway;

public sealed record ReportAnswer
{
    public ReportDisposition Disposition { get; init; }
}
