using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// A replay token comes from a person's clipboard: the grader refuses a corrupt one or one of a test the kata lacks
/// before running anything, and a replay that no longer fails says so instead of grading the file "passed".
/// </summary>
public sealed class ReplayRefusalTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    private static async Task<(KataServer.Katas.Kata Kata, string Source, ReplayTarget Token)> PlainIncrementFindingAsync(GraderFixture fixture)
    {
        var kata = Repository.Kata("hit-counter");
        var source = await Repository.ReadCorpusFileAsync("hit-counter/bug-plain-increment.cs");
        var found = await fixture.GradeAsync(kata, source, GradeMode.Explore, "bug-plain-increment.cs");
        var finding = found.Findings.First(f => f.Replay is not null);
        return (kata, source, ReplayTarget.Parse(finding.Replay!));
    }

    [Theory]
    [InlineData("NoLostIncrements")]                       // no schedule
    [InlineData("NoLostIncrements@")]                      // nothing after the @
    [InlineData("NoLostIncrements@ks1.%%%")]               // not base64url
    [InlineData("NoLostIncrements@xyz.AAAA")]              // not a KataServer token
    [InlineData("NoLostIncrements@ks1.EHBvcnRmb2xpby9yYW5kb22rpd3knMb269ABGwEBAQEAAgIBAA")] // cut short
    [InlineData("NoLostIncrements@ks2.G0EAiC6OdxDdcJzqYfp7UQcACEBsE2Nye7AxNq")]            // compressed, cut short
    public void A_corrupt_token_is_refused_with_what_is_wrong(string token)
    {
        var refused = Assert.Throws<InvalidReplayException>(() => ReplayTarget.Parse(token));

        Assert.StartsWith(ReplayTarget.CorruptMessage, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_grader_refuses_a_cut_token_before_running_anything()
    {
        var (kata, source, token) = await PlainIncrementFindingAsync(fixture);
        var request = new GradeRequest(kata, Encoding.UTF8.GetBytes(source), "bug-plain-increment.cs")
        {
            Mode = GradeMode.Explore,
            ReplayTest = token.Test,
            ReplayToken = token.Schedule[..(token.Schedule.Length / 2)],
        };

        var refused = await Assert.ThrowsAsync<InvalidReplayException>(() => fixture.Grader.GradeAsync(request));

        Assert.StartsWith(ReplayTarget.CorruptMessage, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_of_a_test_the_kata_lacks_is_refused()
    {
        var (kata, source, token) = await PlainIncrementFindingAsync(fixture);
        var request = new GradeRequest(kata, Encoding.UTF8.GetBytes(source), "bug-plain-increment.cs")
        {
            Mode = GradeMode.Explore,
            ReplayTest = "OppositeTransfers",
            ReplayToken = token.Schedule,
        };

        var refused = await Assert.ThrowsAsync<InvalidReplayException>(() => fixture.Grader.GradeAsync(request));

        Assert.Contains("'OppositeTransfers'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("hit-counter", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replaying_against_a_fixed_file_says_the_interleaving_no_longer_fits_and_gives_no_score()
    {
        var (kata, _, token) = await PlainIncrementFindingAsync(fixture);
        var fixedSource = await Repository.ReadCorpusFileAsync("hit-counter/ok-lock.cs");

        var report = await fixture.Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(fixedSource), "ok-lock.cs")
        {
            Mode = GradeMode.Explore,
            ReplayTest = token.Test,
            ReplayToken = token.Schedule,
        });

        Assert.Empty(report.Findings);
        Assert.NotNull(report.Replay);
        Assert.False(report.Replay!.Reproduced);
        // The lock adds steps the recorded schedule does not have: the replay diverges, which is not the learner's bug.
        Assert.Equal(ReplayTarget.NoLongerFitsMessage, report.Replay.Message);
        Assert.Equal(0, report.Score);
    }

    [Fact]
    public async Task Replaying_against_a_file_fixed_without_new_steps_says_the_interleaving_no_longer_fails()
    {
        // The deadlock-transfer starter deadlocks; swapping the lock order of the reverse transfer takes the same steps.
        var kata = Repository.Kata("deadlock-transfer");
        // Seed 7: OppositeTransfers draws (TestData) accounts 1 and 3, so thread 1 takes its locks in the same order
        // in both files (with the lower account second, its first lock would differ and the replay would not fit).
        var found = await fixture.Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(kata.Starter.Text), "bank.cs") { Mode = GradeMode.Explore, Seed = 7 });
        var deadlock = found.Findings.First(f => f.Kind == "deadlock" && f.Replay is not null);
        var token = ReplayTarget.Parse(deadlock.Replay!);
        string ordered = kata.Starter.Text
            .Replace("lock (_locks[from])", "lock (_locks[Math.Min(from, to)])", StringComparison.Ordinal)
            .Replace("lock (_locks[to])", "lock (_locks[Math.Max(from, to)])", StringComparison.Ordinal);
        Assert.NotEqual(kata.Starter.Text, ordered);

        var report = await fixture.Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(ordered), "bank.cs")
        {
            Mode = GradeMode.Explore,
            ReplayTest = token.Test,
            ReplayToken = token.Schedule,
        });

        Assert.False(report.Replay!.Reproduced, string.Join("; ", report.Findings.Select(f => f.Message)));
        Assert.Equal(ReplayTarget.NoLongerFailsMessage, report.Replay.Message);
        Assert.Equal(0, report.Score);
    }

    [Fact]
    public async Task Replaying_against_the_same_file_reproduces_the_finding()
    {
        var (kata, source, token) = await PlainIncrementFindingAsync(fixture);

        var report = await fixture.Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(source), "bug-plain-increment.cs")
        {
            Mode = GradeMode.Explore,
            ReplayTest = token.Test,
            ReplayToken = token.Schedule,
        });

        Assert.True(report.Replay!.Reproduced);
        Assert.Null(report.Replay.Message);
        Assert.NotEmpty(report.Findings);
    }
}
