using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// Submissions that try to pass the tests without fixing anything (Pipeline/Cheats/, one file per attack, named
/// kata.attack.cs; each has a wrong solution underneath, so any pass is a forged pass): making the test's threads take
/// turns by sleeping or timed waits, hiding from the explorer behind an API it does not model, special-casing the
/// tests' sizes, doing nothing in the benchmark. None may pass, in any mode.
/// </summary>
public sealed class CheatTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Pipeline", "Cheats");

    /// <summary>Cheats that make the test's threads run one after another (all timing tricks, any kata).</summary>
    public static TheoryData<string> TakingTurns() => Files(name => !new[] { "benchmark", "overfit", "recognise-explorer", "first-calls" }.Any(other => name.Contains(other, StringComparison.Ordinal)));

    /// <summary>Cheats that behave right only where they think the explorer is watching (its clocks, its thread ids).</summary>
    public static TheoryData<string> RecognisingTheExplorer() => Files(name => name.Contains("recognise-explorer", StringComparison.Ordinal));

    /// <summary>Cheats that are right only for the sizes, keys or amounts the tests used to use, each graded with two seeds.</summary>
    public static TheoryData<string, ulong> Overfitting()
    {
        var data = new TheoryData<string, ulong>();
        foreach (var file in Names(name => name.Contains("overfit", StringComparison.Ordinal)))
            foreach (var seed in new[] { 1UL, 2UL }) data.Add(file, seed);
        return data;
    }

    /// <summary>Cheats that change behaviour after a number of calls, counted in static state that outlives a test.</summary>
    public static TheoryData<string> CountingCalls() => Files(name => name.Contains("first-calls", StringComparison.Ordinal));

    private static TheoryData<string> Files(Func<string, bool> which)
    {
        var data = new TheoryData<string>();
        foreach (var file in Names(which)) data.Add(file);
        return data;
    }

    private static IEnumerable<string> Names(Func<string, bool> which) =>
        Directory.GetFiles(Folder, "*.cs").Select(path => Path.GetFileName(path)).Order().Where(which);

    private Task<GradeReport> Grade(string file, GradeMode mode, ulong? seed = null)
    {
        var kata = Repository.Kata(file[..file.IndexOf('.')]);
        var source = File.ReadAllBytes(Path.Combine(Folder, file));
        return fixture.Grader.GradeAsync(new GradeRequest(kata, source, file) { Mode = mode, Seed = seed });
    }

    private static string Describe(GradeReport report) =>
        $"{report.Verdict} {report.Score}: " + string.Join("; ", report.Findings.Select(f => $"[{f.Kind}] {f.Test}: {f.Message}"));

    [Theory]
    [MemberData(nameof(TakingTurns))]
    public async Task TakingTurnsNeverPasses(string file)
    {
        var report = await Grade(file, GradeMode.All);

        Assert.True(report.Verdict != Verdicts.Passed, $"{file} passed: {Describe(report)}");
        Assert.Equal(0, report.Score);
    }

    [Theory]
    [MemberData(nameof(TakingTurns))]
    public async Task StressSaysTheThreadsTookTurns(string file)
    {
        var report = await Grade(file, GradeMode.Stress);

        Assert.True(report.Verdict != Verdicts.Passed, $"{file} passed stress: {Describe(report)}");
        Assert.Contains(report.Findings, f => f.Kind == "serialized");
        Assert.Contains("one after another", report.Findings.First(f => f.Kind == "serialized").Message);
    }

    [Theory]
    [MemberData(nameof(TakingTurns))]
    public async Task TheExplorerCutsSleepsShortAndCertifiesNothing(string file)
    {
        var report = await Grade(file, GradeMode.Explore);

        Assert.True(report.Verdict != Verdicts.Passed, $"{file} passed exploration: {Describe(report)}");
        Assert.DoesNotContain(report.Tests, t => t.Exhausted == true && t.Outcome == TestOutcomes.Passed && report.Verdict == Verdicts.Passed);
    }

    [Theory]
    [MemberData(nameof(RecognisingTheExplorer))]
    public async Task TheExplorerCannotBeRecognised(string file)
    {
        // Exploration alone: the code must take its wrong path there too, and the explorer then finds the deadlock.
        var report = await Grade(file, GradeMode.Explore);

        Assert.True(report.Verdict != Verdicts.Passed, $"{file} passed exploration: {Describe(report)}");
        Assert.Contains(report.Findings, f => f.Kind == "deadlock");
    }

    [Theory]
    [MemberData(nameof(CountingCalls))]
    public async Task BehaviourThatChangesWithTheCallCountDoesNotPass(string file)
    {
        var report = await Grade(file, GradeMode.All);

        Assert.True(report.Verdict != Verdicts.Passed, $"{file} passed: {Describe(report)}");
        Assert.Equal(0, report.Score);
    }

    [Fact]
    public async Task HidingFromTheExplorerLeavesStressToCatchTheTurns()
    {
        var report = await Grade("deadlock-transfer.explorer-blind-then-sleep.cs", GradeMode.All);

        Assert.True(report.Verdict != Verdicts.Passed, $"passed: {Describe(report)}");
        // The explorer could not judge (an unmodelled wait): a notice, and stress, with more iterations, judges alone.
        Assert.Contains(report.Notices, n => n.Kind == "uncontrolled");
        Assert.Contains(report.Findings, f => f.Kind == "serialized");
    }

    [Theory]
    [InlineData("deadlock-transfer.benchmark-does-nothing.cs", "RandomTransfers")]
    [InlineData("lock-free-queue.benchmark-does-nothing.cs", "EnqueueDequeuePairs")]
    public async Task ABenchmarkWhoseWorkWasNotDoneEarnsNothing(string file, string benchmark)
    {
        var report = await Grade(file, GradeMode.All);

        Assert.True(report.Verdict != Verdicts.Passed, $"passed: {Describe(report)}");
        Assert.Equal(0, report.Score);
        Assert.Contains(report.Findings, f => f.Test == benchmark);
    }

    [Theory]
    [MemberData(nameof(Overfitting))]
    public async Task SpecialCasingTheTestsSizesDoesNotPass(string file, ulong seed)
    {
        var report = await Grade(file, GradeMode.All, seed);

        Assert.True(report.Verdict != Verdicts.Passed, $"{file} passed with seed {seed}: {Describe(report)}");
        Assert.Equal(0, report.Score);
    }
}
