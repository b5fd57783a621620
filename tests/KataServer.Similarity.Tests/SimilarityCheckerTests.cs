using Xunit.Abstractions;

namespace KataServer.Similarity.Tests;

public sealed class SimilarityCheckerTests(ITestOutputHelper output)
{
    private static readonly string Root = FindRoot();
    private readonly SimilarityChecker checker = new();

    // Pairs of correct solutions of one kata written independently: the kata's reference and the corpus solution
    // where their designs differ (deadlock-transfer: ordered per-account locks vs one global lock; hit-counter:
    // striped counters vs one lock; inventory-oversell: per-SKU locks vs one lock; parallel-map; lock-free-stack, two
    // Treiber stacks: the textbook algorithm makes them about half alike, which must stay under the flag).
    // Not independent, so not here: bounded-buffer, countdown-latch, concurrency-limiter, token-bucket and read-through-cache, whose corpus
    // solution is the reference re-worded (same fields, same statements); mutants (derived from the reference).
    public static TheoryData<string, string> IndependentCorrectPairs => new()
    {
        { "deadlock-transfer", "ok-global-lock.cs" },
        { "hit-counter", "ok-lock.cs" },
        { "inventory-oversell", "ok-global-lock.cs" },
        { "parallel-map", "ok-worker-pool.cs" },
        { "lock-free-stack", "ok-treiber.cs" },
    };

    // Solutions big enough that a copy is evidence (a ten-line program matches another by necessity).
    public static TheoryData<string, string> CopiedSolutions => new()
    {
        { "deadlock-transfer", "ok-global-lock.cs" },
        { "bounded-buffer", "ok-monitor-pulseall.cs" },
        { "token-bucket", "ok-lock.cs" },
        { "countdown-latch", "ok-monitor.cs" },
        { "concurrency-limiter", "ok-semaphoreslim.cs" },
        { "inventory-oversell", "ok-global-lock.cs" },
        { "parallel-map", "ok-worker-pool.cs" },
        { "read-through-cache", "ok-per-key-lock.cs" },
        { "lock-free-stack", "ok-treiber.cs" },
    };

    [Theory]
    [InlineData("bounded-buffer", "ok-monitor-pulseall.cs")]
    [InlineData("countdown-latch", "ok-monitor.cs")]
    [InlineData("read-through-cache", "ok-per-key-lock.cs")]
    public void A_solution_reworded_from_the_reference_is_flagged(string kata, string corpusFile)
    {
        var result = checker.Compare(Read("tests", "corpus", kata, corpusFile), Read("katas", kata, "reference.cs"), [Read("katas", kata, "starter.cs")]);

        Assert.True(result.Flagged, $"{kata}: {result.Score:P0}");
    }

    [Theory]
    [MemberData(nameof(IndependentCorrectPairs))]
    public void Two_independently_written_correct_solutions_are_not_flagged(string kata, string corpusFile)
    {
        var (reference, starter) = (Read("katas", kata, "reference.cs"), Read("katas", kata, "starter.cs"));
        var solution = Read("tests", "corpus", kata, corpusFile);

        var result = checker.Compare(solution, reference, [starter]);

        output.WriteLine($"{kata}: {result.LeftCoverage:P0} / {result.RightCoverage:P0}, {result.Regions.Count} regions");
        Assert.False(result.Flagged, $"{kata}: {corpusFile} vs reference flagged at {result.Score:P0}");
    }

    [Theory]
    [MemberData(nameof(CopiedSolutions))]
    public void A_copy_with_renamed_identifiers_reordered_members_and_new_whitespace_is_flagged_with_its_regions(string kata, string corpusFile)
    {
        var starter = Read("katas", kata, "starter.cs");
        var original = Read("tests", "corpus", kata, corpusFile);
        var copy = Disguise.Apply(original);
        Assert.DoesNotContain(FirstDeclaredMethodLine(original), copy); // the disguise did change names

        var result = checker.Compare(copy, original, [starter]);

        output.WriteLine($"{kata}: {result.LeftCoverage:P0} / {result.RightCoverage:P0}, {result.Regions.Count} regions");
        Assert.True(result.Flagged, $"{kata}: the disguised copy scored only {result.Score:P0}");
        Assert.NotEmpty(result.Regions);
        var copyLines = copy.Split('\n').Length;
        var originalLines = original.Split('\n').Length;
        foreach (var region in result.Regions)
        {
            Assert.InRange(region.LeftStartLine, 1, region.LeftEndLine);
            Assert.InRange(region.LeftEndLine, region.LeftStartLine, copyLines);
            Assert.InRange(region.RightStartLine, 1, region.RightEndLine);
            Assert.InRange(region.RightEndLine, region.RightStartLine, originalLines);
        }
    }

    [Fact]
    public void Regions_point_at_the_copied_lines_on_both_sides()
    {
        const string original = """
            public sealed class Counter
            {
                private readonly object gate = new();
                private long count;

                public void Increment()
                {
                    lock (gate) { count = count + 1; if (count > 1000) { count = count - 1000; overflow++; } }
                }

                private long overflow;
            }
            """;
        const string unrelated = """
            using System.Threading;
            public sealed class Other
            {
                public int Twice(int x) => x * 2;
            }
            """;
        var copied = unrelated + "\n" + original.Replace("count", "total").Replace("gate", "sync").Replace("overflow", "wraps");

        var result = new SimilarityChecker(new SimilaritySettings { FlagMinTokens = 20 }).Compare(copied, original);

        var region = Assert.Single(result.Regions);
        Assert.Equal(6, region.LeftStartLine); // after the 5 unrelated lines
        Assert.Equal(1, region.RightStartLine);
        Assert.Equal(12, region.RightEndLine);
        Assert.True(result.Flagged);
    }

    [Fact]
    public void Code_everybody_was_given_is_no_evidence()
    {
        var starter = Read("katas", "deadlock-transfer", "starter.cs");

        var result = checker.Compare(starter, starter, [starter]);

        Assert.False(result.Flagged);
        Assert.Empty(result.Regions);
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public void Winnowing_keeps_a_fingerprint_in_every_window()
    {
        var tokens = NormalisedTokens.Of(Read("katas", "hit-counter", "reference.cs"));
        var hashes = Winnowing.KGramHashes(tokens, 5);
        var selected = Winnowing.Select(hashes, 4).Select(f => f.Position).ToHashSet();

        for (var start = 0; start + 4 <= hashes.Length; start++)
        {
            Assert.Contains(selected, p => p >= start && p < start + 4);
        }
    }

    private static string FirstDeclaredMethodLine(string code) =>
        code.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("public ", StringComparison.Ordinal) && l.Contains('('));

    private static string Read(params string[] parts) => File.ReadAllText(Path.Combine([Root, .. parts]));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("run the tests inside the repository");
    }
}
