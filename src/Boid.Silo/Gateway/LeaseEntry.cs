namespace Boid.Silo.Gateway;

/// <summary>A lease the gateway handed to an account, with the cap on its outputs; <c>Open</c> until it is reported.</summary>
internal sealed record LeaseEntry(string Account, string Job, string Unit, string LeaseId, long OutputCapBytes, bool Open, DateTimeOffset Deadline);
