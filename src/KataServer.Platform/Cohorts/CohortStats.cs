using System.Text.Json;

namespace KataServer.Platform.Cohorts;

/// <summary>One graded attempt (a <c>submit</c>) of a cohort member, with what its report said.</summary>
public sealed record Attempt(Guid Id, string UserId, string Kata, int? KataVersion, int? Number, DateTime CreatedAt, string Status,
    string? Verdict, int? Score, IReadOnlyList<string> FindingKinds, IReadOnlyList<string> FailedTests)
{
    public bool Passed => Verdict == "passed";

    /// <summary>Reads the finding kinds and failed tests out of a stored grade report (<c>kata grade --json</c>).</summary>
    public static (IReadOnlyList<string> Kinds, IReadOnlyList<string> FailedTests) FromReport(string? reportJson)
    {
        if (reportJson is null) return ([], []);
        using var report = JsonDocument.Parse(reportJson);
        var root = report.RootElement;
        var kinds = root.TryGetProperty("findings", out var findings) && findings.ValueKind == JsonValueKind.Array
            ? findings.EnumerateArray().Select(f => f.TryGetProperty("kind", out var k) ? k.GetString() : null).OfType<string>().Distinct().ToList()
            : [];
        var failed = root.TryGetProperty("tests", out var tests) && tests.ValueKind == JsonValueKind.Array
            ? tests.EnumerateArray()
                .Where(t => t.TryGetProperty("outcome", out var o) && o.GetString() == "failed")
                .Select(t => t.TryGetProperty("name", out var n) ? n.GetString() : null).OfType<string>().Distinct().ToList()
            : [];
        return (kinds, failed);
    }
}

public sealed record Count(string Name, int Times);

/// <summary>Where a cohort stands on one assigned kata: what the teacher reads to see which concurrency mistake the group makes.</summary>
public sealed record KataStats(string Kata, int Learners, int Attempted, int Passed, double PassRate, double? MedianAttemptsToPass,
    double? MedianMinutesToPass, IReadOnlyList<Count> FindingKinds, IReadOnlyList<Count> FailingTests, int HintsUsed);

public static class CohortStats
{
    /// <summary>
    /// Per kata: pass rate over the cohort's learners, the median number of attempts (submits) and minutes from the first
    /// attempt to the first pass, finding kinds and failing tests counted over failed attempts (most frequent first),
    /// hints revealed by members.
    /// </summary>
    public static KataStats ForKata(string kata, int learners, IReadOnlyList<Attempt> attempts, int hintsUsed)
    {
        var ofKata = attempts.Where(a => a.Kata == kata).ToList();
        var byLearner = ofKata.GroupBy(a => a.UserId).ToList();
        var attemptsToPass = new List<double>();
        var minutesToPass = new List<double>();
        foreach (var learner in byLearner)
        {
            var ordered = learner.OrderBy(a => a.CreatedAt).ToList();
            var firstPass = ordered.FindIndex(a => a.Passed);
            if (firstPass < 0) continue;
            attemptsToPass.Add(firstPass + 1);
            minutesToPass.Add((ordered[firstPass].CreatedAt - ordered[0].CreatedAt).TotalMinutes);
        }

        var failed = ofKata.Where(a => !a.Passed).ToList();
        return new KataStats(kata, learners, byLearner.Count, attemptsToPass.Count,
            learners == 0 ? 0 : Math.Round((double)attemptsToPass.Count / learners, 3),
            Median(attemptsToPass), Median(minutesToPass) is { } m ? Math.Round(m, 1) : null,
            Top(failed.SelectMany(a => a.FindingKinds)), Top(failed.SelectMany(a => a.FailedTests)), hintsUsed);
    }

    public static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static List<Count> Top(IEnumerable<string> names) =>
        names.GroupBy(n => n).Select(g => new Count(g.Key, g.Count())).OrderByDescending(c => c.Times).ThenBy(c => c.Name, StringComparer.Ordinal).Take(5).ToList();
}
