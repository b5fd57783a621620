using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// The schedule explorer's findings replay exactly. That it alone finds every mutant and every wrong corpus solution,
/// with the right finding kind, is checked where they are graded once: <see cref="Validation.KataValidationTests"/>
/// and <see cref="CorpusTests"/>.
/// </summary>
public sealed class ExplorationTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    public static TheoryData<string, string> Mutants()
    {
        var data = new TheoryData<string, string>();
        foreach (var kata in Repository.Catalog.Katas)
            foreach (var mutant in kata.Mutants) data.Add(kata.Id, mutant.Name);
        return data;
    }

    [Fact]
    public async Task ReplayTokenReproducesTheFindingWithItsTrace()
    {
        var kata = Repository.Kata("hit-counter");
        var source = await Repository.ReadCorpusFileAsync("hit-counter/bug-plain-increment.cs");
        var found = await fixture.GradeAsync(kata, source, GradeMode.Explore, "bug-plain-increment.cs");
        var finding = found.Findings.First(f => f.Replay is not null);
        Assert.NotNull(finding.Trace);
        Assert.Contains(finding.Trace, step => step.Line is not null && step.Action.Contains("HitCounter", StringComparison.Ordinal));
        var (test, schedule) = ReplayTokens.Parse(finding.Replay!);

        var again = await ReplayAsync(kata, source, "bug-plain-increment.cs", finding, 100);

        Assert.Equal(finding.Trace!.Select(s => s.Action), again.Trace!.Select(s => s.Action));
    }

    public static TheoryData<string> DeterministicBugs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Pipeline", "Deterministic"), "*.cs").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>
    /// Bugs in code whose path depends on state the runtime makes differ from run to run (identity hash codes, thread ids, static
    /// and [ThreadStatic] fields) are found, and their tokens replay in a new process to the same finding.
    /// </summary>
    [Theory]
    [MemberData(nameof(DeterministicBugs))]
    public async Task AFindingInCodeThatLooksNondeterministicStillReplaysExactly(string file)
    {
        var kata = Repository.Kata(file[..file.IndexOf('.')]);
        var source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Pipeline", "Deterministic", file));
        var found = await fixture.GradeAsync(kata, source, GradeMode.Explore, file);
        var finding = found.Findings.FirstOrDefault(f => f.Replay is not null);
        Assert.True(finding is not null && finding.Kind != "uncontrolled",
            $"{file}: {found.Verdict} {string.Join("; ", found.Findings.Select(f => $"[{f.Kind}] {f.Message}"))}");

        await ReplayAsync(kata, source, file, finding, 20);
    }

    /// <summary>The runner replays <paramref name="repeats"/> times and reports any run that ends differently as an uncontrolled finding.</summary>
    [Fact]
    public async Task OnlyTestsRunsJustTheNamedHiddenTests()
    {
        var kata = Repository.Kata("hit-counter");
        var mutant = kata.Mutants.First();
        var request = new GradeRequest(kata, Encoding.UTF8.GetBytes(mutant.Source.Text), "Solution.cs")
        {
            Mode = GradeMode.Explore,
            OnlyTests = ["CountsSequentialHits"],
        };

        var report = await fixture.Grader.GradeAsync(request);

        Assert.Equal(["CountsSequentialHits"], report.Tests.Select(t => t.Name));
        Assert.Equal(Verdicts.Passed, report.Verdict); // the one sequential test cannot see the lost update
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Grader.GradeAsync(request with { OnlyTests = ["NoSuchTest"] }));
        Assert.Contains("NoSuchTest", unknown.Message, StringComparison.Ordinal);
    }

    private async Task<FindingData> ReplayAsync(KataServer.Katas.Kata kata, string source, string file, FindingData finding, int repeats)
    {
        var (test, schedule) = ReplayTokens.Parse(finding.Replay!);
        var replayed = await fixture.Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(source), file)
        {
            Mode = GradeMode.Explore,
            ReplayTest = test,
            ReplayToken = schedule,
            ReplayRepeats = repeats,
        });

        var again = Assert.Single(replayed.Findings);
        Assert.Equal(finding.Kind, again.Kind);
        Assert.Equal(finding.Message, again.Message);
        Assert.Equal(repeats, replayed.Tests.Single(t => t.Name == test && t.Mode == "explore").Runs);
        return again;
    }
}

/// <summary>Every mutant's finding replays to the same finding 100 times out of 100. Slow.</summary>
[Trait("Category", "Slow")]
public sealed class ReplayTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    [Theory]
    [MemberData(nameof(ExplorationTests.Mutants), MemberType = typeof(ExplorationTests))]
    public async Task EveryMutantsFindingReplaysAHundredTimesOutOfAHundred(string kataId, string mutantName)
    {
        var kata = Repository.Kata(kataId);
        var mutant = kata.Mutants.Single(m => m.Name == mutantName);
        var source = Encoding.UTF8.GetBytes(mutant.Source.Text);
        var report = await fixture.Grader.GradeAsync(new GradeRequest(kata, source, Path.GetFileName(mutant.Source.Path)) { Mode = GradeMode.Explore });
        var finding = report.Findings.FirstOrDefault(f => f.Replay is not null);
        if (finding is null) return; // found by the policy check or the compiler: nothing to replay

        var (test, schedule) = ReplayTokens.Parse(finding.Replay!);
        var replayed = await fixture.Grader.GradeAsync(new GradeRequest(kata, source, Path.GetFileName(mutant.Source.Path))
        {
            Mode = GradeMode.Explore,
            ReplayTest = test,
            ReplayToken = schedule,
            ReplayRepeats = 100,
        });

        var again = Assert.Single(replayed.Findings);
        Assert.True(again.Kind == finding.Kind && again.Message == finding.Message, $"{kataId}/{mutantName}: [{finding.Kind}] {finding.Message} replayed as [{again.Kind}] {again.Message}");
    }
}
