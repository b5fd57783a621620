using KataServer.Grading.Reports;
using KataServer.Platform.Progress;

namespace KataServer.Web.Tests;

public sealed class ProgressCollapseTests
{
    [Fact]
    public void Counter_updates_of_one_test_collapse_to_the_latest_and_stage_changes_stay()
    {
        var batch = new List<GradeProgress>
        {
            new("explore", "running A", Test: "A"),
            new("explore", "A", 1, 100, "A"),
            new("explore", "A", 2, 100, "A"),
            new("explore", "A", 3, 100, "A"),
            new("explore", "running B", Test: "B"),
            new("explore", "B", 7, 100, "B"),
            new("stress", "B", 8, 100, "B"),
        };

        var kept = DatabaseProgress.Collapse(batch);

        Assert.Equal(["running A", "A 3", "running B", "B 7", "B 8"], kept.Select(p => p.Done is null ? p.Message : $"{p.Message} {p.Done}"));
    }
}
