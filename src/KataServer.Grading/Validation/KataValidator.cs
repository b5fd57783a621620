using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Katas;

namespace KataServer.Grading.Validation;

/// <summary>
/// Proves a kata can be trusted: its starter compiles and fails, its reference passes every time,
/// and each mutant fails with the finding it names.
/// </summary>
public sealed class KataValidator(Grader grader)
{
    public async Task<KataValidation> ValidateAsync(Kata kata, int referenceRepeats, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var checks = new List<ValidationCheck>();

        progress?.Report($"{kata.Id}: starter");
        var starter = await GradeAsync(kata, kata.Starter, cancellationToken);
        checks.Add(starter.Verdict switch
        {
            Verdicts.Passed => Fail("starter", "the starter passes: it must compile and fail", starter),
            Verdicts.CompileError or Verdicts.PolicyViolation => Fail("starter", $"the starter must compile and run, but: {Summary(starter)}", starter),
            _ => Ok("starter", $"fails as it should ({Summary(starter)})", starter),
        });

        var passes = 0;
        GradeReport? firstFailure = null;
        for (var i = 0; i < referenceRepeats && firstFailure is null; i++)
        {
            progress?.Report($"{kata.Id}: reference {i + 1}/{referenceRepeats}");
            var reference = await GradeAsync(kata, kata.Reference, cancellationToken);
            if (reference.Verdict == Verdicts.Passed) passes++;
            else firstFailure = reference;
        }

        checks.Add(firstFailure is null
            ? Ok("reference", $"passed {passes}/{referenceRepeats} times in a row", null)
            : Fail("reference", $"failed on run {passes + 1}: {Summary(firstFailure)}", firstFailure));

        foreach (var mutant in kata.Mutants)
        {
            progress?.Report($"{kata.Id}: mutant {mutant.Name}");
            // Every finding: the mutant's own bug must be found, even where another test fails first.
            var report = await GradeAsync(kata, mutant.Source, cancellationToken, stopAtFirstFinding: false);
            var kinds = report.Findings.Select(f => f.Kind).ToHashSet();
            var accepted = mutant.Spec.AcceptedFindings.ToList();
            checks.Add(report.Verdict == Verdicts.Passed
                ? Fail($"mutant {mutant.Name}", $"passes, but must fail with {mutant.Spec.Finding}", report)
                : kinds.Overlaps(accepted)
                    ? Ok($"mutant {mutant.Name}", $"fails with {string.Join(", ", kinds.Intersect(accepted))} as it should", report)
                    : Fail($"mutant {mutant.Name}", $"fails, but with {Summary(report)} instead of {string.Join(" or ", accepted)}", report));
        }

        return new KataValidation(kata.Id, checks);
    }

    private Task<GradeReport> GradeAsync(Kata kata, SourceText source, CancellationToken cancellationToken, bool stopAtFirstFinding = true) =>
        grader.GradeAsync(
            new GradeRequest(kata, Encoding.UTF8.GetBytes(source.Text), Path.GetFileName(source.Path)) { MeasurePerformance = false, StopAtFirstFinding = stopAtFirstFinding },
            progress: null,
            cancellationToken);

    private static string Summary(GradeReport report)
    {
        var first = report.Findings.FirstOrDefault();
        return first is null ? report.Verdict : $"{report.Verdict}: [{first.Kind}] {first.Test}: {first.Message}";
    }

    private static ValidationCheck Ok(string subject, string message, GradeReport? report) => new(subject, true, message, report);

    private static ValidationCheck Fail(string subject, string message, GradeReport? report) => new(subject, false, message, report);
}

public sealed record KataValidation(string Kata, IReadOnlyList<ValidationCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);
}

public sealed record ValidationCheck(string Subject, bool Passed, string Message, GradeReport? Report);
