using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// Correct solutions built on primitives the katas do not suggest (BlockingCollection, the kernel Semaphore and
/// Mutex, [MethodImpl(Synchronized)] methods, the legacy ReaderWriterLock, ...) or in idioms the references do not use
/// (written blind, see the README) pass under the explorer: the engine models them, so it neither flags them nor calls them uncontrolled.
/// </summary>
public sealed class OtherPrimitivesTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    public static TheoryData<string> Solutions()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.cs").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Pipeline", "OtherPrimitives");

    [Theory]
    [MemberData(nameof(Solutions))]
    public async Task CorrectSolutionPassesTheExplorer(string file)
    {
        var kata = Repository.Kata(file[..file.IndexOf('.')]);

        var report = await fixture.GradeAsync(kata, await File.ReadAllTextAsync(Path.Combine(Folder, file)), GradeMode.Explore, file);

        Assert.True(report.Verdict == Verdicts.Passed,
            $"{file}: {report.Verdict} {string.Join("; ", report.Findings.Select(f => $"[{f.Kind}] {f.Test}: {f.Message}"))}");
    }

    [Theory]
    [InlineData("countdown-latch.slim-event-wait-handle.cs", "ManualResetEventSlim.WaitHandle")]
    public async Task AnApiTheExplorerDoesNotModelLeavesTheTestsToStressInsteadOfFailingThem(string file, string api)
    {
        var source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Pipeline", "Unmodelled", file));

        var report = await fixture.Grader.GradeAsync(new GradeRequest(Repository.Kata(file[..file.IndexOf('.')]), System.Text.Encoding.UTF8.GetBytes(source), file)
        {
            MeasurePerformance = false,
        });

        Assert.Equal(Verdicts.Passed, report.Verdict);
        Assert.Empty(report.Findings);
        Assert.NotEmpty(report.Notices);
        Assert.Contains(report.Notices, notice => notice.Message.Contains(api, StringComparison.Ordinal));
        var unexplored = report.Tests.Where(t => t.Outcome == TestOutcomes.Unexplored).Select(t => t.Name).ToList();
        Assert.NotEmpty(unexplored);
        Assert.All(unexplored, name => Assert.Contains(report.Tests, t => t.Name == name && t.Mode == "stress" && t.Outcome == TestOutcomes.Passed));
    }
}
