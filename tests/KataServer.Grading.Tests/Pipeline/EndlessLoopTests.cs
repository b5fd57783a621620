using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// An endless loop is a timeout at the first test that meets it, named by its line, in seconds: the explorer's
/// watchdog (a loop that reaches no scheduling point) or its step bound (a loop that does) finds it, the spinning
/// thread unwinds at the loop's next turn, and the tests after it are skipped rather than each spinning again.
/// </summary>
public sealed class EndlessLoopTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    // The deadlock-transfer contract with one lock; Transfer's retry loop forgets to count (line 15).
    private const string ForgotToCount = """
        public sealed class Bank
        {
            private readonly long[] _balances;
            private readonly object _lock = new();

            public Bank(int accountCount, long initialBalance)
            {
                _balances = new long[accountCount];
                for (int i = 0; i < accountCount; i++) _balances[i] = initialBalance;
            }

            public bool Transfer(int from, int to, long amount)
            {
                int tries = 0;
                while (tries < 3)
                {
                    amount += 0;
                }
                lock (_lock)
                {
                    if (_balances[from] < amount) return false;
                    _balances[from] -= amount;
                    _balances[to] += amount;
                    return true;
                }
            }

            public long BalanceOf(int account) { lock (_lock) return _balances[account]; }

            public long TotalBalance() { lock (_lock) { long t = 0; foreach (var b in _balances) t += b; return t; } }
        }
        """;

    [Fact]
    public async Task A_loop_that_never_yields_is_a_timeout_at_the_first_test_naming_its_line()
    {
        var report = await fixture.GradeAsync(Repository.Kata("deadlock-transfer"), ForgotToCount, GradeMode.All, "bank.cs");

        Assert.Equal(Verdicts.Timeout, report.Verdict);
        AssertStoppedAtTheFirstTest(report, "line 15");
        Assert.All(report.Findings, f => Assert.Equal("timeout", f.Kind));
        Assert.Null(report.Run?.Output);
    }

    [Fact]
    public async Task A_loop_through_scheduling_points_is_a_timeout_at_the_first_test_naming_its_line()
    {
        var source = await Repository.ReadCorpusFileAsync("adversarial/adv-infinite-loop.cs");

        var report = await fixture.GradeAsync(Repository.Kata("deadlock-transfer"), source, GradeMode.All, "adv-infinite-loop.cs");

        Assert.Equal(Verdicts.Timeout, report.Verdict);
        AssertStoppedAtTheFirstTest(report, "line 20 of adv-infinite-loop.cs");
        Assert.Null(report.Run?.Output);
    }

    /// <summary>
    /// The first test fails naming the loop's line, and the grade stops there: every other test is skipped, except that
    /// each of the runners exploring side by side may have found the loop in its own first test before it was stopped.
    /// </summary>
    private void AssertStoppedAtTheFirstTest(GradeReport report, string line)
    {
        var runners = fixture.Grader.Options.ExploreRunners;
        Assert.InRange(report.Findings.Count, 1, runners);
        // Explored tests are dealt in turn, so the first test of each runner is among the first `runners` tests; the
        // runner that found the loop first stops the other, possibly before that one reported its own first test.
        var firstTests = report.Tests.Take(runners).Select(t => t.Name).ToList();
        Assert.All(report.Findings, f => Assert.Contains(f.Test, firstTests));
        Assert.All(report.Findings, f => Assert.Contains(line, f.Message, StringComparison.Ordinal));
        var failed = report.Findings.Select(f => f.Test).ToHashSet();
        Assert.All(report.Tests.Where(t => !failed.Contains(t.Name)), t =>
        {
            Assert.Equal(TestOutcomes.Skipped, t.Outcome);
            Assert.Equal(ExploreStage.SkippedAfterFinding, t.SkippedBecause);
        });
    }
}
