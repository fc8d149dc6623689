namespace Boid.Abstractions.Model;

public enum ContributorRole
{
    Worker = 0,
    Dispatcher = 1,
    Storage = 2,
}
