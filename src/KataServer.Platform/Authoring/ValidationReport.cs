using KataServer.Grading.Reports;
using KataServer.Grading.Validation;
using KataServer.Katas;

namespace KataServer.Platform.Authoring;

/// <summary>What an author reads after a validation: each check, each mutant caught or missed, and an explore budget suggestion.</summary>
public sealed record ValidationReport(
    bool Passed,
    IReadOnlyList<ValidationReport.Check> Checks,
    IReadOnlyList<ValidationReport.Mutant> Mutants,
    int ExploreSchedules,
    int? SuggestedExploreSchedules,
    string Suggestion)
{
    public sealed record Check(string Subject, bool Passed, string Message, string? Verdict, IReadOnlyList<string> Findings);

    /// <summary>A mutant and what grading it gave: <see cref="Schedules"/> is how many interleavings exploration tried before the bug showed.</summary>
    public sealed record Mutant(string Name, string File, string Expected, IReadOnlyList<string> Accepted, string Mistake, bool Caught,
        string? Verdict, IReadOnlyList<string> Findings, long? Schedules, string? FoundBy, string Message);

    /// <summary>
    /// With e^(-budget/schedules) the chance that one grade misses a bug found after that many schedules (as <c>kata bench seeds</c>
    /// estimates), 7 times the slowest mutant's figure keeps a miss under 0.1 %. One validation is one sample: a rough guide.
    /// </summary>
    public const int BudgetFactor = 7;

    public static ValidationReport From(Kata kata, KataValidation validation)
    {
        var checks = validation.Checks.Select(c => new Check(c.Subject, c.Passed, c.Message, c.Report?.Verdict,
            c.Report?.Findings.Select(f => f.Kind).Distinct().ToList() ?? [])).ToList();
        var mutants = new List<Mutant>();
        foreach (var mutant in kata.Mutants)
        {
            var check = validation.Checks.FirstOrDefault(c => c.Subject == $"mutant {mutant.Name}");
            var report = check?.Report;
            var failedExplore = report?.Tests.Where(t => t.Outcome == TestOutcomes.Failed && t.Mode == "explore").ToList() ?? [];
            var failedAny = report?.Tests.Where(t => t.Outcome == TestOutcomes.Failed).ToList() ?? [];
            mutants.Add(new Mutant(mutant.Name, mutant.Source.Path, mutant.Spec.Finding, mutant.Spec.AcceptedFindings.ToList(), mutant.Spec.Mistake,
                check?.Passed ?? false, report?.Verdict, report?.Findings.Select(f => f.Kind).Distinct().ToList() ?? [],
                failedExplore.Count > 0 ? failedExplore.Min(t => t.Runs) : null,
                failedAny.Count > 0 ? failedAny[0].Mode : report?.Verdict == Verdicts.PolicyViolation ? "policy" : null,
                check?.Message ?? "not graded"));
        }

        var budget = kata.Manifest.Budgets.ExploreSchedules;
        var slowest = mutants.Where(m => m.Caught && m.Schedules is > 0).Select(m => m.Schedules!.Value).DefaultIfEmpty(0).Max();
        int? suggested = slowest > 0 ? (int)Math.Ceiling(slowest * BudgetFactor / 100.0) * 100 : null;
        var suggestion = suggested is null
            ? "no mutant was found by exploration, so there is no figure to suggest an explore budget from"
            : suggested > budget
                ? $"raise budgets.exploreSchedules from {budget} to about {suggested}: the slowest mutant took {slowest} schedules, and a budget {BudgetFactor} times that misses it in under 0.1 % of grades"
                : $"budgets.exploreSchedules = {budget} is enough (the slowest mutant took {slowest} schedules; {BudgetFactor} times that is {suggested})";
        return new ValidationReport(validation.Passed, checks, mutants, budget, suggested, suggestion);
    }
}
