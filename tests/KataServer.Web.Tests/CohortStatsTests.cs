using KataServer.Platform.Cohorts;

namespace KataServer.Web.Tests;

public sealed class CohortStatsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("Ada, the learner", "\"Ada, the learner\"")]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    public void Csv_cells_never_start_a_formula_and_quote_separators(string value, string expected) =>
        Assert.Equal(expected, Csv.Cell(value));

    [Fact]
    public void Stats_count_pass_rate_attempts_time_and_the_mistakes_of_failed_attempts()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        Attempt A(string user, int minutes, string verdict, params string[] kinds) =>
            new(Guid.NewGuid(), user, "k", 1, null, t0.AddMinutes(minutes), "done", verdict, 0, kinds, kinds.Length > 0 ? ["T1"] : []);
        var attempts = new[]
        {
            A("ada", 0, "failed", "lost-update"), A("ada", 10, "failed", "lost-update", "deadlock"), A("ada", 30, "passed"),
            A("bob", 5, "passed"),
            A("cy", 0, "failed", "deadlock"),
            new Attempt(Guid.NewGuid(), "ada", "other", null, null, t0, "done", "failed", 0, ["hang"], []),
        };

        var stats = CohortStats.ForKata("k", learners: 4, attempts, hintsUsed: 3);

        Assert.Equal(3, stats.Attempted);
        Assert.Equal(2, stats.Passed);
        Assert.Equal(0.5, stats.PassRate);
        Assert.Equal(2.0, stats.MedianAttemptsToPass); // ada 3, bob 1
        Assert.Equal(15.0, stats.MedianMinutesToPass); // ada 30, bob 0
        Assert.Equal([new Count("deadlock", 2), new Count("lost-update", 2)], stats.FindingKinds);
        Assert.Equal([new Count("T1", 3)], stats.FailingTests);
        Assert.Equal(3, stats.HintsUsed);
    }

    [Fact]
    public void Findings_and_failed_tests_are_read_from_a_stored_report()
    {
        var (kinds, failed) = Attempt.FromReport("""{"findings":[{"kind":"deadlock"},{"kind":"deadlock"}],"tests":[{"name":"A","outcome":"failed"},{"name":"B","outcome":"passed"}]}""");

        Assert.Equal(["deadlock"], kinds);
        Assert.Equal(["A"], failed);
    }
}
