using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Boid.Testing;
using Boid.Testing.Specs;

namespace Boid.Examples.Tests;

/// <summary>
/// Every example of docs/use-cases.md, run at a reduced size on an embedded cluster, its amalgamated
/// output checked against an independent computation in C# (not only that it exists).
/// </summary>
[Collection(ExampleCollection.Name)]
public sealed partial class ExampleTests(ExampleCluster cluster)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [GeneratedRegex(@"^  (beta|gamma): \[.*\]$", RegexOptions.Multiline)]
    private static partial Regex SweepLine();

    [GeneratedRegex(@"mandelbrot\.png, (\d+) x (\d+): the rendering pixel for pixel at column (\d+), row (\d+)")]
    private static partial Regex Placement();

    [Fact]
    public async Task SirSweep_FinalSizesTableAndHeatMap_MatchTheModel()
    {
        double[] betas = [0.15, 0.3, 0.6], gammas = [0.1, 0.25];
        var run = await cluster.RunAsync("sir-sweep", spec =>
        {
            Assert.Equal(2, SweepLine().Matches(spec).Count);
            return SweepLine().Replace(spec, m => m.Groups[1].Value == "beta"
                ? "  beta: [" + string.Join(", ", betas.Select(b => b.ToString(Invariant))) + "]"
                : "  gamma: [" + string.Join(", ", gammas.Select(g => g.ToString(Invariant))) + "]");
        });
        Assert.Equal(6, run.Job.Progress.Accepted);

        var rows = File.ReadAllLines(run.File("results.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(6, rows.Count);
        foreach (var row in rows)
        {
            double beta = double.Parse(row[0], Invariant), gamma = double.Parse(row[1], Invariant);
            var (finalSize, peak) = Reference.Sir(beta, gamma);
            Assert.True(Math.Abs(double.Parse(row[3], Invariant) - finalSize) < 1e-9, $"beta {beta} gamma {gamma}: final size {row[3]}, the C# integration gives {finalSize:R}");
            Assert.True(Math.Abs(double.Parse(row[4], Invariant) - peak) < 1e-9, $"beta {beta} gamma {gamma}: peak {row[4]}, expected {peak:R}");
            if (beta / gamma > 1.5)
            {
                // The integration agrees with the final-size relation of the model, too.
                Assert.InRange(finalSize, Reference.SirFinalSize(beta / gamma) - 2e-3, Reference.SirFinalSize(beta / gamma) + 2e-3);
            }
        }

        var table = run.Text("table.md");
        Assert.Contains("| gamma \\ beta | 0.15 | 0.3 | 0.6 |", table, StringComparison.Ordinal);
        Assert.Contains($"| 0.1 | {100 * Reference.Sir(0.15, 0.1).FinalSize:F1} | {100 * Reference.Sir(0.3, 0.1).FinalSize:F1} | {100 * Reference.Sir(0.6, 0.1).FinalSize:F1} |", table, StringComparison.Ordinal);

        AssertPlot(Png.Read(run.File("heatmap.png")), 800, 520);
    }

    [Fact]
    public async Task MonteCarloStreams_PooledPi_WithinItsErrorAndStreamsDistinct()
    {
        var run = await cluster.RunAsync("montecarlo-streams", spec =>
            Spec.Replace(Spec.Replace(spec, "units: 100", "units: 12"), "\"2000000\", \"20261128\"", "\"250000\", \"20261128\""));
        var result = JsonDocument.Parse(run.Text("result.json")).RootElement;
        Assert.Equal(12, result.GetProperty("units").GetInt32());
        Assert.Equal(12 * 250_000L, result.GetProperty("samples").GetInt64());
        Assert.Equal(12, result.GetProperty("distinct_streams").GetInt32());
        var hits = result.GetProperty("hits").GetInt64();
        var p = hits / (12 * 250_000.0);
        var se = 4 * Math.Sqrt(p * (1 - p) / (12 * 250_000.0));
        var pi = result.GetProperty("pi").GetDouble();
        Assert.Equal(4 * p, pi, 1e-9);
        Assert.Equal(se, result.GetProperty("standard_error").GetDouble(), 1e-9);
        Assert.InRange(pi, Math.PI - (5 * se), Math.PI + (5 * se));
        // Dispersion of 12 independent binomial counts: chi-square with 11 degrees of freedom over 11; beyond 0.15..3 is a 1-in-1000 event.
        Assert.InRange(result.GetProperty("dispersion_index").GetDouble(), 0.15, 3.0);
        Assert.Matches(@"pi estimate\s+[0-9.]+\s+standard error\s+[0-9.]+", run.Text("result.txt"));
    }

    [Fact]
    public async Task WordCount_Counts_EqualCountingTheShardsInCSharp()
    {
        // The shards are staged from the cluster's store (job.yaml's inputs), written here by C#.
        const int Shards = 3, Lines = 1500;
        var vocabulary = File.ReadAllText(Repository.Example("wordcount", "image/vocabulary.txt")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var shardDirectory = Directory.CreateDirectory(Path.Combine(cluster.StoreDirectory, "examples", "wordcount")).FullName;
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var shard = 0; shard < Shards; shard++)
        {
            var text = Reference.WordShard(shard, Lines, vocabulary);
            await File.WriteAllTextAsync(Path.Combine(shardDirectory, $"shard-{shard}.txt"), text);
            foreach (Match word in Regex.Matches(text.ToLowerInvariant(), "[a-z]+"))
            {
                expected[word.Value] = expected.GetValueOrDefault(word.Value) + 1;
            }
        }

        var run = await cluster.RunAsync("wordcount", spec =>
            Spec.Replace(Spec.Replace(spec, "units: 48", $"units: {Shards}"), "\"{{unit}}\", \"40000\"", $"\"{{{{unit}}}}\", \"{Lines}\""));
        for (var shard = 0; shard < Shards; shard++)
        {
            var unit = await cluster.Client.GetUnitAsync(run.Job.Id, shard.ToString(Invariant));
            Assert.Contains("(/in/shard.txt)", unit.StdoutTail, StringComparison.Ordinal); // counted the staged shard, not a generated one
        }

        var actual = File.ReadAllLines(run.File("counts.tsv")).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => long.Parse(p[1], Invariant), StringComparer.Ordinal);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (word, count) in expected)
        {
            Assert.True(actual.TryGetValue(word, out var got) && got == count, $"'{word}': counted {count} in C#, the job says {got}");
        }

        var lines = File.ReadAllLines(run.File("counts.tsv"));
        Assert.StartsWith("the\t", lines[0], StringComparison.Ordinal); // most frequent first
        Assert.Contains($"words          {expected.Values.Sum()}", run.Text("result.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MandelbrotTiles_StitchedPicture_EveryPixelAsComputedInCSharp()
    {
        const int Width = 160, Height = 120, MaxIterations = 200;
        var run = await cluster.RunAsync("mandelbrot-tiles", spec =>
            Spec.Replace(Spec.Replace(spec, "units: 48", "units: 12"), "\"1920\", \"1440\", \"8\", \"6\", \"1000\"", $"\"{Width}\", \"{Height}\", \"4\", \"3\", \"{MaxIterations}\""));

        // The figure holds the stitched rendering pixel for pixel where result.txt says. Inside the axes' frame
        // (2 pixels in from the edge, where the frame line is drawn) every pixel has its count's colour: black
        // inside the set, else one of 32 bands by count mod 32, one colour per class and a different colour for
        // each, so every pixel's count came through tiling and stitching intact.
        var result = run.Text("result.txt");
        var placement = Placement().Match(result);
        Assert.True(placement.Success, "result.txt does not say where the rendering lies in mandelbrot.png:\n" + result);
        int At(int group) => int.Parse(placement.Groups[group].Value, Invariant);
        var png = Png.Read(run.File("mandelbrot.png"));
        AssertPlot(png, At(1), At(2));
        var (left, top) = (At(3), At(4));
        Assert.True(left + Width <= png.Width && top + Height <= png.Height, $"the rendering at ({left},{top}) does not fit the {png.Width} x {png.Height} figure");
        var (inside, bands) = MandelbrotBands(png, left, top, Width, Height, MaxIterations);
        Assert.Equal((0, 0, 0), bands[-1]);
        Assert.True(bands.Count >= 25, $"only {bands.Count} of the 33 colour classes appear");
        Assert.Contains($"inside the set {inside} pixels", result, StringComparison.Ordinal);
        Assert.Contains("missing pixels 0", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrimesRange_Replicated_CountsEqualASieveAndEveryRangeAgreedOnTwoWorkers()
    {
        const int Units = 4, Size = 250_000;
        var run = await cluster.RunAsync("primes-range", spec =>
            Spec.Replace(Spec.Replace(spec, "units: 50", $"units: {Units}"), "\"20000000\"", $"\"{Size}\""));

        var (count, twins, maxGap, after) = Reference.Primes(Units * Size);
        var result = JsonDocument.Parse(run.Text("result.json")).RootElement;
        Assert.True(result.GetProperty("contiguous").GetBoolean(), "the ranges do not cover [0, N)");
        Assert.Equal(count, result.GetProperty("primes").GetInt64());
        Assert.Equal(78498, count); // pi(10^6)
        Assert.Equal(twins, result.GetProperty("twins").GetInt64());
        Assert.Equal(maxGap, result.GetProperty("max_gap").GetInt64());
        Assert.Equal(after, result.GetProperty("max_gap_after").GetInt64());
        Assert.Contains("known pi(1000000) = 78498: agrees", run.Text("result.txt"), StringComparison.Ordinal);

        // Replication: every range was run by both workers and accepted on their agreement.
        for (var unit = 0; unit < Units; unit++)
        {
            var u = await cluster.Client.GetUnitAsync(run.Job.Id, unit.ToString(Invariant));
            var succeeded = u.Attempts.Where(a => a.Outcome == "Succeeded").Select(a => a.Worker).Distinct().ToList();
            Assert.True(succeeded.Count >= 2, $"unit {unit} was accepted on {succeeded.Count} worker(s): {string.Join(", ", u.Attempts.Select(a => $"{a.Worker} {a.Outcome}"))}");
        }
    }

    [Fact]
    public async Task SeqMatch_Hits_EqualABruteForceSearch()
    {
        // The reference is staged from the cluster's store (job.yaml's inputs), written here by C# as FASTA.
        const int Shards = 3, Reads = 60, ReferenceLength = 20_000;
        var genome = Reference.Genome(ReferenceLength);
        var referenceDirectory = Directory.CreateDirectory(Path.Combine(cluster.StoreDirectory, "examples", "seqmatch")).FullName;
        await File.WriteAllTextAsync(Path.Combine(referenceDirectory, "reference.fa"),
            ">test reference\n" + string.Join('\n', Enumerable.Range(0, (genome.Length + 59) / 60).Select(i => genome.Substring(i * 60, Math.Min(60, genome.Length - (i * 60))))) + "\n");
        var run = await cluster.RunAsync("seqmatch", spec =>
            Spec.Replace(Spec.Replace(spec, "units: 40", $"units: {Shards}"), "\"5000\", \"1000000\"", $"\"{Reads}\", \"{ReferenceLength}\""));
        Assert.Contains("(staged)", run.Text("result.txt"), StringComparison.Ordinal);
        var expected = new List<string>();
        for (var shard = 0; shard < Shards; shard++)
        {
            var reads = Reference.Reads(shard, Reads, genome);
            for (var r = 0; r < reads.Count; r++)
            {
                expected.AddRange(Reference.Matches(reads[r], genome).Select(m => $"s{shard}r{r}\t{m.Strand}\t{m.Position}\t{m.Mismatches}"));
            }
        }

        var actual = File.ReadAllLines(run.File("hits.tsv")).Skip(1).ToList();
        Assert.True(expected.Count > Shards * Reads / 2, $"the C# reference found only {expected.Count} hits");
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Contains($"reads          {Shards * Reads} of 64 bases", run.Text("result.txt"), StringComparison.Ordinal);
        AssertPlot(Png.Read(run.File("coverage.png")), 900, 360);
    }

    /// <summary>
    /// The colour of each class of count (-1 inside the set, else count mod 32) in the rendering at (left, top),
    /// 2 pixels in from its edges, and the number of pixels inside the set; fails when a class has two colours
    /// or two classes share one.
    /// </summary>
    private static (int Inside, Dictionary<int, (int R, int G, int B)> Bands) MandelbrotBands(Png png, int left, int top, int width, int height, int maxIterations)
    {
        var colourOf = new Dictionary<int, (int R, int G, int B)>();
        var classOf = new Dictionary<(int R, int G, int B), int>();
        var inside = 0;
        var wrong = new List<string>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var k = Reference.Mandelbrot(x, y, width, height, maxIterations);
                inside += k == maxIterations ? 1 : 0;
                if (x < 2 || y < 2 || x >= width - 2 || y >= height - 2)
                {
                    continue;
                }

                var band = k == maxIterations ? -1 : k % 32;
                var colour = png[left + x, top + y];
                var bandSeen = colourOf.TryGetValue(band, out var seen);
                var colourSeen = classOf.TryGetValue(colour, out var other);
                if ((bandSeen && seen != colour) || (colourSeen && other != band))
                {
                    if (wrong.Count < 5)
                    {
                        wrong.Add($"({x},{y}) with {k} iterations (band {band}) is {colour}; band {band} was {(bandSeen ? seen : "unseen")}, {colour} was band {(colourSeen ? other : "none")}");
                    }

                    continue;
                }

                colourOf[band] = colour;
                classOf[colour] = band;
            }
        }

        Assert.True(wrong.Count == 0, "pixels differ from the C# computation: " + string.Join("; ", wrong));
        return (inside, colourOf);
    }

    /// <summary>
    /// What a plot the amalgamation drew must be: its size, opaque, and data drawn on it in colour — at least
    /// 2 % of it coloured (not grey) in at least 8 colours, and at least 5 % not white. Measured with this
    /// matplotlib: empty axes with a title and labels are about 4 % not white and nothing in colour.
    /// </summary>
    private static void AssertPlot(Png png, int width, int height)
    {
        Assert.Equal((width, height), (png.Width, png.Height));
        var colours = new HashSet<(int, int, int)>();
        int notOpaque = 0, notWhite = 0, coloured = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                notOpaque += png.Alpha(x, y) == 255 ? 0 : 1;
                var (r, g, b) = png[x, y];
                notWhite += r + g + b < 750 ? 1 : 0;
                if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 60)
                {
                    coloured++;
                    colours.Add((r, g, b));
                }
            }
        }

        Assert.True(notOpaque == 0, $"{notOpaque} pixels of the plot are not opaque");
        var pixels = (double)png.Width * png.Height;
        Assert.True(notWhite / pixels > 0.05, $"only {notWhite / pixels:P1} of the plot is not white");
        Assert.True(coloured / pixels > 0.02, $"only {coloured / pixels:P1} of the plot is in colour");
        Assert.True(colours.Count >= 8, $"the plot has only {colours.Count} colours that are not grey");
    }
}
