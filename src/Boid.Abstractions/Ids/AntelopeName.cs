namespace Boid.Abstractions.Ids;

/// <summary>Antelope account and table names: a–z, 1–5 and '.', at most 12 characters, not ending in '.'.</summary>
public static class AntelopeName
{
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > 12)
        {
            return $"'{name}' is not an Antelope name: 1 to 12 characters";
        }

        if (name.Any(c => c is not ((>= 'a' and <= 'z') or (>= '1' and <= '5') or '.')))
        {
            return $"'{name}' is not an Antelope name: only a-z, 1-5 and '.'";
        }

        return name.EndsWith('.') ? $"'{name}' is not an Antelope name: it cannot end with '.'" : null;
    }
}
