namespace KataServer.Testing;

/// <summary>
/// Sizes, keys, amounts and balances for kata tests and benchmarks, drawn from the grade's seed instead of written
/// as constants, so that a submission cannot recognise a test (or the benchmark) by its numbers and behave only
/// there. Every call of a test (each stress iteration, each explored schedule, each timed benchmark call) draws the
/// same values in the same order within one grade, so exploration stays deterministic and a finding's replay token
/// (which carries the seed) draws them again; another grade draws others.
/// Draw in the test's own thread, before <see cref="Concurrent.Run(Action[])"/>, and put the values in messages:
/// the learner sees them with the finding.
/// </summary>
public static class TestData
{
    private static readonly object Gate = new();
    private static ulong seed;
    private static ulong state;

    /// <summary>The seed of this grade's values (0 outside a grade).</summary>
    public static ulong Seed
    {
        get { lock (Gate) return seed; }
    }

    /// <summary>For the runner: the values of <paramref name="test"/> in the grade with <paramref name="gradeSeed"/>, from the first.</summary>
    public static void Begin(ulong gradeSeed, string test)
    {
        ulong hash = 14695981039346656037;
        foreach (var c in test) hash = (hash ^ c) * 1099511628211;
        lock (Gate)
        {
            seed = gradeSeed;
            state = gradeSeed ^ hash;
        }
    }

    /// <summary>A value from <paramref name="minInclusive"/> to <paramref name="maxInclusive"/>, both included.</summary>
    public static int Int(int minInclusive, int maxInclusive) => (int)Long(minInclusive, maxInclusive);

    /// <summary>A value from <paramref name="minInclusive"/> to <paramref name="maxInclusive"/>, both included.</summary>
    public static long Long(long minInclusive, long maxInclusive)
    {
        if (maxInclusive < minInclusive) throw new ArgumentOutOfRangeException(nameof(maxInclusive), "maxInclusive is below minInclusive");
        var span = (ulong)(maxInclusive - minInclusive) + 1;
        var bits = Next();
        return span == 0 ? (long)bits : minInclusive + (long)(bits % span);
    }

    /// <summary>One of <paramref name="choices"/>.</summary>
    public static T Pick<T>(params T[] choices) => choices[Int(0, choices.Length - 1)];

    private static ulong Next()
    {
        lock (Gate)
        {
            // SplitMix64
            var z = state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
