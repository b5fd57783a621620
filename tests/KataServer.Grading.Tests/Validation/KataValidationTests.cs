using KataServer.Grading.Reports;
using KataServer.Grading.Tests.Pipeline;
using KataServer.Grading.Validation;

namespace KataServer.Grading.Tests.Validation;

/// <summary>
/// Every kata of the repository validates (what `kata validate` checks, with one warm grader): its starter compiles
/// and fails, its reference passes (two grades, each with its own seed), and each mutant fails with the finding it
/// names, found by the explorer alone (the grade stops before stress). The reference's twenty-fold repetition is
/// <see cref="RepeatedKataValidationTests"/>, with the slow tests.
/// </summary>
public sealed class KataValidationTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    public const int ReferenceGrades = 2;

    public static TheoryData<string> Katas()
    {
        var data = new TheoryData<string>();
        foreach (var kata in Repository.Catalog.Katas) data.Add(kata.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Katas))]
    public async Task KataIsValidAndTheExplorerAloneFindsEveryMutant(string kataId)
    {
        var kata = Repository.Kata(kataId);

        var validation = await new KataValidator(fixture.Grader).ValidateAsync(kata, ReferenceGrades);

        Assert.True(validation.Passed, Describe(validation));
        Assert.Contains(validation.Checks, c => c.Subject == "reference" && c.Message == $"passed {ReferenceGrades}/{ReferenceGrades} times in a row");
        Assert.Equal(kata.Mutants.Count, validation.Checks.Count(c => c.Subject.StartsWith("mutant ", StringComparison.Ordinal)));
        foreach (var mutant in validation.Checks.Where(c => c.Subject.StartsWith("mutant ", StringComparison.Ordinal)))
        {
            // The grade stops at the first stage that finds a bug: no stress test ran, so policy or exploration found it.
            var report = mutant.Report!;
            Assert.True(report.Findings.Count > 0 && report.Tests.All(t => t.Mode != GradeProgress.Stress),
                $"{kataId}/{mutant.Subject}: not found before stress: " + string.Join("; ", report.Tests.Select(t => $"{t.Mode} {t.Name} {t.Outcome}")));
        }
    }

    internal static string Describe(KataValidation validation) =>
        string.Join("\n", validation.Checks.Select(c => $"{(c.Passed ? "ok  " : "FAIL")} {c.Subject}: {c.Message}"));
}

/// <summary>No false positives on the references: each kata's reference passes twenty grades in a row, each with its own seed. Slow.</summary>
[Trait("Category", "Slow")]
public sealed class RepeatedKataValidationTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    [Theory]
    [MemberData(nameof(KataValidationTests.Katas), MemberType = typeof(KataValidationTests))]
    public async Task ReferencePassesTwentyGradesInARow(string kataId)
    {
        var validation = await new KataValidator(fixture.Grader).ValidateAsync(Repository.Kata(kataId), 20);

        Assert.True(validation.Passed, KataValidationTests.Describe(validation));
    }
}
