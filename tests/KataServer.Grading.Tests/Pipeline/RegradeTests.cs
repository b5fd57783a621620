using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>No false positives: every correct corpus solution passes 20 regrades, each with another seed. Slow.</summary>
[Trait("Category", "Slow")]
public sealed class RegradeTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    public static TheoryData<CorpusEntry> CorrectSolutions()
    {
        var data = new TheoryData<CorpusEntry>();
        foreach (var entry in Repository.CorpusEntries().Where(e => e.Expect == "pass"))
            if (Repository.Catalog.TryGet(entry.Kata, out _)) data.Add(entry);
        return data;
    }

    [Theory]
    [MemberData(nameof(CorrectSolutions))]
    public async Task CorrectSolutionPassesTwentyRegrades(CorpusEntry entry)
    {
        var source = Encoding.UTF8.GetBytes(await Repository.ReadCorpusFileAsync(entry.File));
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var report = await fixture.Grader.GradeAsync(new GradeRequest(Repository.Kata(entry.Kata), source, Path.GetFileName(entry.File))
            {
                Seed = seed * 7919,
                MeasurePerformance = false,
            });

            Assert.True(report.Verdict == Verdicts.Passed,
                $"{entry.File}, seed {seed * 7919}: {report.Verdict} {string.Join("; ", report.Findings.Select(f => $"[{f.Kind}] {f.Test}: {f.Message}"))}");
        }
    }
}
