namespace Boid.Examples.Tests;

/// <summary>The examples' deterministic generator, rebuilt in C#: a 64-bit LCG (Knuth's MMIX constants), 31-bit outputs.</summary>
public sealed class Lcg(long seed)
{
    private ulong _state = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) + 12345UL);

    public ulong Next()
    {
        _state = unchecked((_state * 6364136223846793005UL) + 1442695040888963407UL);
        return _state >> 33;
    }
}

/// <summary>Independent C# versions of what the examples compute, to check their amalgamated outputs against.</summary>
public static class Reference
{
    /// <summary>The SIR model by RK4 exactly as examples/sir-sweep/image/sir.py integrates it: (final size, peak infected).</summary>
    public static (double FinalSize, double PeakInfected) Sir(double beta, double gamma)
    {
        const double I0 = 1e-4, Dt = 0.01, Days = 400;
        double s = 1.0 - I0, i = I0, r = 0.0, peak = i;
        var steps = (int)Math.Round(Days / Dt);
        for (var n = 1; n <= steps; n++)
        {
            var (a0, a1, a2) = Derivative(s, i, beta, gamma);
            var (b0, b1, b2) = Derivative(s + (0.5 * Dt * a0), i + (0.5 * Dt * a1), beta, gamma);
            var (c0, c1, c2) = Derivative(s + (0.5 * Dt * b0), i + (0.5 * Dt * b1), beta, gamma);
            var (d0, d1, d2) = Derivative(s + (Dt * c0), i + (Dt * c1), beta, gamma);
            s += Dt / 6.0 * (a0 + (2.0 * b0) + (2.0 * c0) + d0);
            i += Dt / 6.0 * (a1 + (2.0 * b1) + (2.0 * c1) + d1);
            r += Dt / 6.0 * (a2 + (2.0 * b2) + (2.0 * c2) + d2);
            peak = Math.Max(peak, i);
        }

        return (1.0 - s, peak);

        static (double, double, double) Derivative(double s, double i, double beta, double gamma)
        {
            var infection = beta * s * i;
            var recovery = gamma * i;
            return (-infection, infection - recovery, recovery);
        }
    }

    /// <summary>The final-size relation of the SIR model, 1 - z = (1 - I0) exp(-R0 z), solved by bisection.</summary>
    public static double SirFinalSize(double r0, double i0 = 1e-4)
    {
        double lo = 0, hi = 1;
        for (var k = 0; k < 200; k++)
        {
            var z = (lo + hi) / 2;
            if (1 - z - ((1 - i0) * Math.Exp(-r0 * z)) > 0)
            {
                lo = z;
            }
            else
            {
                hi = z;
            }
        }

        return (lo + hi) / 2;
    }

    /// <summary>The word count's generated shard text, as examples/wordcount/image/count.py makes it.</summary>
    public static string WordShard(int shard, int lines, IReadOnlyList<string> vocabulary)
    {
        var g = new Lcg(shard);
        var v = (ulong)vocabulary.Count;
        var text = new System.Text.StringBuilder();
        for (var line = 0; line < lines; line++)
        {
            var count = 5 + (g.Next() % 10);
            var words = new List<string>();
            for (var k = 0UL; k < count; k++)
            {
                var a = g.Next();
                var b = g.Next();
                var c = g.Next();
                var w = vocabulary[(int)(a % (1 + (b % (1 + (c % v)))))];
                if (g.Next() % 7 == 0)
                {
                    w = char.ToUpperInvariant(w[0]) + w[1..];
                }

                words.Add(w + (g.Next() % 11 == 0 ? "," : ""));
            }

            text.Append(string.Join(' ', words)).Append(".\n");
        }

        return text.ToString();
    }

    /// <summary>Escape count of the Mandelbrot iteration at pixel (px, py), as examples/mandelbrot-tiles/image/tile.py computes it.</summary>
    public static int Mandelbrot(int px, int py, int width, int height, int maxIterations)
    {
        var cx = -2.2 + ((px + 0.5) * (3.0 / width));
        var cy = 1.125 - ((py + 0.5) * (2.25 / height));
        double x = 0, y = 0;
        for (var k = 0; k < maxIterations; k++)
        {
            var xx = x * x;
            var yy = y * y;
            if (xx + yy > 4.0)
            {
                return k;
            }

            y = (2.0 * x * y) + cy;
            x = xx - yy + cx;
        }

        return maxIterations;
    }

    /// <summary>Primes below <paramref name="n"/>: count, twin pairs (p below n), largest gap and the prime it follows.</summary>
    public static (long Count, long Twins, long MaxGap, long MaxGapAfter) Primes(int n)
    {
        var composite = new bool[n + 3];
        composite[0] = composite[1] = true;
        for (long p = 2; p * p <= n + 2; p++)
        {
            if (!composite[p])
            {
                for (var m = p * p; m <= n + 2; m += p)
                {
                    composite[m] = true;
                }
            }
        }

        long count = 0, twins = 0, maxGap = 0, after = 0, previous = -1;
        for (var p = 2; p < n; p++)
        {
            if (composite[p])
            {
                continue;
            }

            count++;
            if (!composite[p + 2])
            {
                twins++;
            }

            if (previous >= 0 && p - previous > maxGap)
            {
                (maxGap, after) = (p - previous, previous);
            }

            previous = p;
        }

        return (count, twins, maxGap, after);
    }

    private const string Bases = "ACGT";

    /// <summary>The read-matching example's generated reference genome.</summary>
    public static string Genome(int length)
    {
        var g = new Lcg(1_000_003);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Bases[(int)((g.Next() >> 29) & 3)];
        }

        return new string(chars);
    }

    public static string ReverseComplement(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            chars[s.Length - 1 - i] = s[i] switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', 'T' => 'A', var c => c };
        }

        return new string(chars);
    }

    /// <summary>The read-matching example's generated reads of one shard.</summary>
    public static List<string> Reads(int shard, int count, string reference, int readLength = 64)
    {
        var g = new Lcg(2_000_000 + shard);
        var reads = new List<string>();
        for (var r = 0; r < count; r++)
        {
            if (g.Next() % 10 == 0)
            {
                var random = new char[readLength];
                for (var i = 0; i < readLength; i++)
                {
                    random[i] = Bases[(int)((g.Next() >> 29) & 3)];
                }

                reads.Add(new string(random));
                continue;
            }

            var pos = (int)(g.Next() % (ulong)(reference.Length - readLength + 1));
            var minus = g.Next() % 2 == 1;
            var read = reference.Substring(pos, readLength).ToCharArray();
            var substitutions = g.Next() % 4;
            for (var m = 0UL; m < substitutions; m++)
            {
                var at = (int)(g.Next() % (ulong)readLength);
                read[at] = Bases[(int)((Bases.IndexOf(read[at], StringComparison.Ordinal) + 1 + (long)(g.Next() % 3)) % 4)];
            }

            reads.Add(minus ? ReverseComplement(new string(read)) : new string(read));
        }

        return reads;
    }

    /// <summary>Every (strand, position) where the read or its reverse complement is within maxMismatches of the reference, by brute force.</summary>
    public static IEnumerable<(char Strand, int Position, int Mismatches)> Matches(string read, string reference, int maxMismatches = 2)
    {
        foreach (var (strand, query) in new[] { ('+', read), ('-', ReverseComplement(read)) })
        {
            for (var pos = 0; pos + query.Length <= reference.Length; pos++)
            {
                var mismatches = 0;
                for (var i = 0; i < query.Length && mismatches <= maxMismatches; i++)
                {
                    if (query[i] != reference[pos + i])
                    {
                        mismatches++;
                    }
                }

                if (mismatches <= maxMismatches)
                {
                    yield return (strand, pos, mismatches);
                }
            }
        }
    }
}
