using KataServer.Katas;
using KataServer.Platform.Grading;
using KataServer.Similarity;

namespace KataServer.Web.Screenings;

/// <summary>
/// Similarity of a candidate's last code of a kata against the other candidates' and the known solutions (the kata's
/// reference and mutants, and the repository's <c>tests/corpus/&lt;kata&gt;</c> when it is beside <c>katas/</c>). The
/// kata's starter is the shared base, so code everybody was given is no evidence. A flag asks a person to look.
/// </summary>
public sealed class ScreeningSimilarity(KataLibrary katas)
{
    public const double ShownFrom = 0.3;
    private readonly SimilarityChecker checker = new();

    public sealed record Source(string Kind, string Name, string Code, Guid? CandidateId = null);
    public sealed record Match(string Kind, string Name, Guid? CandidateId, double Score, double ThisCoverage, double OtherCoverage, bool Flagged,
        IReadOnlyList<MatchRegion> Regions, string OtherCode);

    /// <summary>Matches scoring at least <see cref="ShownFrom"/> or flagged, strongest first.</summary>
    public IReadOnlyList<Match> Compare(Kata kata, string code, IEnumerable<Source> otherCandidates)
    {
        var matches = new List<Match>();
        foreach (var other in otherCandidates.Concat(KnownSolutions(kata)))
        {
            var result = checker.Compare(code, other.Code, [kata.Starter.Text]);
            if (!result.Flagged && result.Score < ShownFrom) continue;
            matches.Add(new Match(other.Kind, other.Name, other.CandidateId, Math.Round(result.Score, 3), Math.Round(result.LeftCoverage, 3),
                Math.Round(result.RightCoverage, 3), result.Flagged, result.Regions, other.Code));
        }

        return matches.OrderByDescending(m => m.Flagged).ThenByDescending(m => m.Score).ToList();
    }

    private IEnumerable<Source> KnownSolutions(Kata kata)
    {
        yield return new Source("reference", "reference.cs", kata.Reference.Text);
        foreach (var mutant in kata.Mutants) yield return new Source("mutant", mutant.Name, mutant.Source.Text);
        var corpus = Path.Combine(Path.GetDirectoryName(katas.Catalog.Root) ?? ".", "tests", "corpus", kata.Id);
        if (!Directory.Exists(corpus)) yield break;
        foreach (var file in Directory.EnumerateFiles(corpus, "*.cs").Order(StringComparer.Ordinal))
            yield return new Source("corpus", Path.GetFileName(file), File.ReadAllText(file));
    }
}
