namespace KataServer.Similarity;

/// <summary>Lines of two sources that match after normalisation (1-based, inclusive).</summary>
public sealed record MatchRegion(int LeftStartLine, int LeftEndLine, int RightStartLine, int RightEndLine, int Tokens);

/// <summary>
/// How much of two sources is the same after normalisation, with the matching regions. <see cref="LeftCoverage"/> and
/// <see cref="RightCoverage"/> are the shares of each side's own tokens (those not found in the shared base, e.g. the
/// kata's starter) that lie in a matching region. <see cref="Flagged"/> asks a person to look: it is never a verdict.
/// </summary>
public sealed record SimilarityResult(double LeftCoverage, double RightCoverage, bool Flagged, IReadOnlyList<MatchRegion> Regions)
{
    public double Score => Math.Max(LeftCoverage, RightCoverage);
}

/// <summary>The settings: k-gram length, winnowing window, and what is worth a person's look.</summary>
public sealed record SimilaritySettings
{
    /// <summary>Tokens per k-gram: shorter shared runs are noise (every solution has <c>lock ( id ) {</c>).</summary>
    public int K { get; init; } = 12;
    /// <summary>Winnowing window: a shared run of <c>W + K - 1</c> tokens is always found.</summary>
    public int W { get; init; } = 8;
    /// <summary>A region shorter than this many tokens is not reported.</summary>
    public int MinRegionTokens { get; init; } = 20;
    /// <summary>Flag when either side has at least this share of its own tokens in matching regions...</summary>
    public double FlagCoverage { get; init; } = 0.6;
    /// <summary>...and the regions hold at least this many tokens (tiny programs match by chance).</summary>
    public int FlagMinTokens { get; init; } = 60;
}

/// <summary>
/// Compares two C# sources as MOSS does: fingerprints (<see cref="Winnowing"/>) of normalised tokens find the seeds,
/// fingerprints of the shared base code are ignored (code everybody was given is no evidence), and each seed is grown
/// token by token into the longest run both sides share, reported as line ranges on both sides.
/// </summary>
public sealed class SimilarityChecker(SimilaritySettings? settings = null)
{
    private readonly SimilaritySettings settings = settings ?? new SimilaritySettings();

    public SimilaritySettings Settings => settings;

    public SimilarityResult Compare(string left, string right, IEnumerable<string>? baseSources = null)
    {
        var k = settings.K;
        var a = NormalisedTokens.Of(left);
        var b = NormalisedTokens.Of(right);
        var baseHashes = new HashSet<ulong>((baseSources ?? []).SelectMany(s => Winnowing.KGramHashes(NormalisedTokens.Of(s), k)));

        var hashesA = Winnowing.KGramHashes(a, k);
        var hashesB = Winnowing.KGramHashes(b, k);
        var inBaseA = BaseMask(a.Count, hashesA, baseHashes, k);
        var inBaseB = BaseMask(b.Count, hashesB, baseHashes, k);

        // Every k-gram of the right side by hash (all of them, so a seed finds where it is in b exactly).
        var positionsB = new Dictionary<ulong, List<int>>();
        for (var i = 0; i < hashesB.Length; i++)
        {
            if (baseHashes.Contains(hashesB[i])) continue;
            if (!positionsB.TryGetValue(hashesB[i], out var list)) positionsB[hashesB[i]] = list = [];
            list.Add(i);
        }

        var runs = new List<(int A, int B, int Length)>();
        foreach (var seed in Winnowing.Select(hashesA, settings.W))
        {
            if (baseHashes.Contains(seed.Hash) || !positionsB.TryGetValue(seed.Hash, out var inB)) continue;
            foreach (var pb in inB)
            {
                var (startA, startB) = (seed.Position, pb);
                while (startA > 0 && startB > 0 && a[startA - 1].Text == b[startB - 1].Text) { startA--; startB--; }
                var length = 0;
                while (startA + length < a.Count && startB + length < b.Count && a[startA + length].Text == b[startB + length].Text) length++;
                if (length >= k) runs.Add((startA, startB, length));
            }
        }

        // Longest runs first, each token of either side in one region at most.
        var usedA = new bool[a.Count];
        var usedB = new bool[b.Count];
        var kept = new List<(int A, int B, int Length)>();
        foreach (var run in runs.Distinct().OrderByDescending(r => r.Length).ThenBy(r => r.A))
        {
            // Trim the run to the part neither side has given to a longer one.
            var (sa, sb, len) = run;
            while (len > 0 && (usedA[sa] || usedB[sb])) { sa++; sb++; len--; }
            var end = 0;
            while (end < len && !usedA[sa + end] && !usedB[sb + end]) end++;
            if (end < settings.MinRegionTokens) continue;
            for (var i = 0; i < end; i++) { usedA[sa + i] = true; usedB[sb + i] = true; }
            kept.Add((sa, sb, end));
        }

        var coverageA = Coverage(usedA, inBaseA);
        var coverageB = Coverage(usedB, inBaseB);
        var matchedTokens = kept.Sum(r => r.Length);
        var flagged = matchedTokens >= settings.FlagMinTokens && Math.Max(coverageA, coverageB) >= settings.FlagCoverage;
        var regions = kept.OrderBy(r => r.A)
            .Select(r => new MatchRegion(a[r.A].Line, a[r.A + r.Length - 1].Line, b[r.B].Line, b[r.B + r.Length - 1].Line, r.Length))
            .ToList();
        return new SimilarityResult(coverageA, coverageB, flagged, regions);
    }

    /// <summary>Tokens that lie in a k-gram the base code has too.</summary>
    private static bool[] BaseMask(int count, ulong[] hashes, HashSet<ulong> baseHashes, int k)
    {
        var mask = new bool[count];
        for (var i = 0; i < hashes.Length; i++)
        {
            if (!baseHashes.Contains(hashes[i])) continue;
            for (var j = i; j < i + k; j++) mask[j] = true;
        }

        return mask;
    }

    private static double Coverage(bool[] matched, bool[] inBase)
    {
        int own = 0, covered = 0;
        for (var i = 0; i < matched.Length; i++)
        {
            if (inBase[i]) continue;
            own++;
            if (matched[i]) covered++;
        }

        return own == 0 ? 0 : (double)covered / own;
    }
}
