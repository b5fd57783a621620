using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// Grades every learner solution of the corpus (tests/corpus) whose kata exists here, and checks the verdict and
/// finding kind its expected.json gives; a wrong solution must be found by the explorer, before stress. Hostile files are graded the same way; their side effects are
/// checked in <see cref="HostileSubmissionTests"/>.
/// </summary>
public sealed class CorpusTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    public static TheoryData<CorpusEntry> Solutions()
    {
        var data = new TheoryData<CorpusEntry>();
        foreach (var entry in Repository.CorpusEntries().Where(e => !e.File.StartsWith("adversarial/", StringComparison.Ordinal)))
            if (Repository.Catalog.TryGet(entry.Kata, out _)) data.Add(entry);
        return data;
    }

    [Theory]
    [MemberData(nameof(Solutions))]
    public async Task GradesAsExpected(CorpusEntry entry)
    {
        var source = await Repository.ReadCorpusFileAsync(entry.File);

        // A wrong file is graded for every finding: expected.json names the kind of bug it has, which a grade that stops at
        // its first failing test may not reach when another test fails first (a correct file is graded as a learner's).
        var report = await fixture.Grader.GradeAsync(new GradeRequest(Repository.Kata(entry.Kata), System.Text.Encoding.UTF8.GetBytes(source), Path.GetFileName(entry.File))
        {
            Mode = CorpusModes.Default,
            StopAtFirstFinding = entry.Expect != "fail",
        });

        CorpusModes.AssertExpected(entry, report);
        if (entry.Expect == "fail" && entry.Finding != "any")
        {
            // A grade stops at the first stage that finds a bug: no stress test ran, so the explorer alone found it
            // ("any": code the explorer may call uncontrolled, which stress then judges).
            Assert.True(report.Tests.All(t => t.Mode != GradeProgress.Stress),
                $"{entry.File}: not found by the explorer: " + string.Join("; ", report.Tests.Select(t => $"{t.Mode} {t.Name} {t.Outcome}")));
        }
    }
}

/// <summary>How the corpus is graded, and what its expected.json asks of a report.</summary>
public static class CorpusModes
{
    public const GradeMode Default = GradeMode.All;

    public static void AssertExpected(CorpusEntry entry, GradeReport report)
    {
        var findings = string.Join("\n", report.Findings.Select(f => $"[{f.Kind}] {f.Test}: {f.Message}"));
        if (entry.Expect == "pass")
        {
            Assert.True(report.Verdict == Verdicts.Passed, $"{entry.File} must pass but got {report.Verdict}:\n{findings}");
            Assert.Empty(report.Findings);
            return;
        }

        Assert.True(report.Verdict != Verdicts.Passed, $"{entry.File} must fail but passed");
        Assert.NotEmpty(report.Findings);
        if (entry.Finding != "any")
            Assert.True(report.Findings.Any(f => entry.AcceptedFindings.Contains(f.Kind)),
                $"{entry.File} must report {string.Join(" or ", entry.AcceptedFindings)}, got:\n{findings}");
    }
}
