using System.Text.Json.Nodes;
using KataServer.Grading.Reports;
using KataServer.Platform.Grading;

namespace KataServer.Web.Tests;

[Collection("server")]
public sealed class GradingTests(ServerFixture fixture)
{
    private static readonly TimeSpan GradeTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_wrong_and_a_correct_solution_stream_progress_and_store_the_grade_report()
    {
        using var http = fixture.Server.Client(fixture.LearnerToken);
        var wrong = await Api.SubmitAsync(http, "deadlock-transfer", Api.Corpus("bug-lock-from-only.cs"));
        var right = await Api.SubmitAsync(http, "deadlock-transfer", Api.Corpus("ok-global-lock.cs"));

        foreach (var (id, verdict) in new[] { (wrong, Verdicts.Failed), (right, Verdicts.Passed) })
        {
            var events = await Api.StreamAsync(http, id, GradeTimeout);
            var progress = events.Where(e => e.Name == "progress").Select(e => (string)e.Data["stage"]!).ToList();
            Assert.Contains("compile", progress);
            Assert.Contains("explore", progress);
            var done = Assert.Single(events, e => e.Name == "done");
            Assert.Equal("done", (string?)done.Data["status"]);
            Assert.Equal(verdict, (string?)done.Data["report"]!["verdict"]);

            var stored = await Api.GetAsync(http, id);
            Assert.Equal("done", (string?)stored["status"]);
            Assert.NotNull(stored["finishedAt"]);
            Assert.True(JsonNode.DeepEquals(done.Data["report"], stored["report"]));
            // The stored report is the JSON `kata grade --json` prints: it reads back as a GradeReport and writes the same.
            var report = ReportJson.Deserialize(stored["report"]!.ToJsonString())!;
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ReportJson.Serialize(report)), stored["report"]));
            Assert.Equal(verdict, report.Verdict);
        }

        // A stream opened after the end answers done at once.
        var again = await Api.StreamAsync(http, wrong, TimeSpan.FromSeconds(20));
        Assert.Equal("done", again[^1].Name);
        var mine = JsonNode.Parse(await http.GetStringAsync("/api/submissions?kata=deadlock-transfer"))!.AsArray();
        Assert.Equal([right.ToString(), wrong.ToString()], mine.Select(s => (string)s!["id"]!).Take(2));
        Assert.Equal("passed", (string?)mine[0]!["verdict"]);
    }

    [Fact]
    public async Task Run_mode_explores_without_counting_as_an_attempt()
    {
        using var http = fixture.Server.Client(fixture.LearnerToken);
        var id = await Api.SubmitAsync(http, "deadlock-transfer", Api.Corpus("bug-lock-from-only.cs"), mode: "run");
        var finished = await Api.WaitUntilFinishedAsync(http, id, GradeTimeout);
        Assert.Equal("done", (string?)finished["status"]);
        Assert.Null(finished["attempt"]);
        var tests = finished["report"]!["tests"]!.AsArray();
        Assert.NotEmpty(tests);
        Assert.All(tests, t => Assert.Equal("explore", (string?)t!["mode"]));
    }
}
