using System.Net;
using System.Net.Http.Json;
using KataServer.Platform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Tests;

/// <summary>Each test here runs its own host: they kill it or fill its queue.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task The_host_killed_while_it_grades_and_started_again_grades_every_submission_exactly_once()
    {
        var data = Repository.TempDirectory("kill");
        await using var server = new ServerProcess(data);
        var token = await server.AddUserWithTokenAsync("kim@example.org", "learner");
        await server.StartAsync();
        using var http = server.Client(token);

        var ids = new List<Guid>();
        foreach (var file in new[] { "ok-global-lock.cs", "bug-lock-from-only.cs", "ok-global-lock.cs" })
            ids.Add(await Api.SubmitAsync(http, "deadlock-transfer", Api.Corpus(file)));

        // Kill -9 once the first submission is being graded (its progress is in the database).
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Scalar(server, $"SELECT COUNT(*) FROM SubmissionEvents WHERE SubmissionId = '{Upper(ids[0])}'") < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "grading never started\n" + server.Log);
            await Task.Delay(100);
        }

        server.Kill();
        Assert.Equal("running", Text(server, $"SELECT Status FROM Submissions WHERE Id = '{Upper(ids[0])}'"));

        await server.StartAsync();
        foreach (var id in ids)
        {
            var finished = await Api.WaitUntilFinishedAsync(http, id, TimeSpan.FromMinutes(4));
            Assert.Equal("done", (string?)finished["status"]);
            Assert.NotNull(finished["report"]?["verdict"]);
        }

        foreach (var id in ids)
        {
            Assert.Equal(1, Scalar(server, $"SELECT COUNT(*) FROM SubmissionEvents WHERE SubmissionId = '{Upper(id)}' AND Stage = 'done'"));
        }

        // The cut-off submission was started twice (before the kill, after the restart), and finished once.
        Assert.Equal(2, Scalar(server, $"SELECT GradingRuns FROM Submissions WHERE Id = '{Upper(ids[0])}'"));
    }

    [Fact]
    public async Task A_full_queue_and_a_too_eager_user_get_429_with_retry_after()
    {
        var data = Repository.TempDirectory("queue");
        await using var server = new ServerProcess(data, new Dictionary<string, string>
        {
            ["KataServer__Workers"] = "0",
            ["KataServer__MaxQueueDepth"] = "2",
            ["KataServer__SubmissionsPerMinute"] = "3",
        });
        var first = await server.AddUserWithTokenAsync("fay@example.org", "learner");
        var second = await server.AddUserWithTokenAsync("gus@example.org", "learner");
        await server.StartAsync();

        using var fay = server.Client(first);
        await Api.SubmitAsync(fay, "hit-counter", "public class HitCounter { }");
        await Api.SubmitAsync(fay, "hit-counter", "public class HitCounter { }");
        var full = await fay.PostAsJsonAsync("/api/submissions", new { kata = "hit-counter", code = "public class HitCounter { }" });
        var problem = await Api.AssertProblemAsync(full, HttpStatusCode.TooManyRequests);
        Assert.Contains("queue is full", (string?)problem["detail"]);
        Assert.True(full.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Another user, the queue aside: the per-user rate limit answers the 4th request within a minute.
        using var gus = server.Client(second);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await gus.PostAsJsonAsync("/api/submissions", new { kata = "no-such-kata", code = "x" })).StatusCode);
        var limited = await gus.PostAsJsonAsync("/api/submissions", new { kata = "no-such-kata", code = "x" });
        await Api.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_infrastructure_failure_is_retried_and_then_ends_as_error_with_its_message()
    {
        var data = Repository.TempDirectory("broken");
        // The grader builds each run's job folder under the temp directory: a temp "directory" that is a file is a
        // failure of the machine, not of the submission (like a sandbox that cannot start).
        var notADirectory = Path.Combine(data, "not-a-directory");
        await File.WriteAllTextAsync(notADirectory, "");
        await using var server = new ServerProcess(data, new Dictionary<string, string>
        {
            ["KataServer__MaxGradingAttempts"] = "2",
            ["TMPDIR"] = notADirectory,
        });
        var token = await server.AddUserWithTokenAsync("ivy@example.org", "learner");
        await server.StartAsync();
        using var http = server.Client(token);

        var id = await Api.SubmitAsync(http, "deadlock-transfer", Api.Corpus("ok-global-lock.cs"));
        var finished = await Api.WaitUntilFinishedAsync(http, id, TimeSpan.FromMinutes(3));
        Assert.Equal("error", (string?)finished["status"]);
        Assert.Null(finished["report"]);
        Assert.Contains("Grading failed 2 times", (string?)finished["error"]);
        Assert.Equal(2, Scalar(server, $"SELECT GradingRuns FROM Submissions WHERE Id = '{Upper(id)}'"));

        var events = await Api.StreamAsync(http, id, TimeSpan.FromSeconds(30));
        Assert.Equal("error", (string?)events[^1].Data["status"]);
    }

    [Fact]
    public async Task A_submission_left_queued_without_a_job_is_graded_by_the_sweep_while_the_host_runs()
    {
        await using var server = new ServerProcess(Repository.TempDirectory("lost"), new Dictionary<string, string> { ["KataServer__LostJobSweepInterval"] = "00:00:02" });
        var token = await server.AddUserWithTokenAsync("lia@example.org", "learner");
        await server.StartAsync();

        // The row a host leaves when it dies between saving a submission and enqueueing its job; written while the host
        // runs, so only the sweep (not the recovery at start) can find it.
        var options = new DbContextOptionsBuilder<PlatformDb>().UseSqlite($"Data Source={server.DatabasePath};Default Timeout=30;Pooling=False").Options;
        var id = Guid.CreateVersion7();
        await using (var db = new PlatformDb(options))
        {
            var user = await db.Users.SingleAsync(u => u.Email == "lia@example.org");
            db.Submissions.Add(new Submission
            {
                Id = id, UserId = user.Id, Kata = "deadlock-transfer", Mode = SubmissionModes.Run, Code = Api.Corpus("bug-lock-from-only.cs"),
                Status = SubmissionStatus.Queued, CreatedAt = DateTime.UtcNow - TimeSpan.FromMinutes(1),
            });
            await db.SaveChangesAsync();
        }

        using var http = server.Client(token);
        var finished = await Api.WaitUntilFinishedAsync(http, id, TimeSpan.FromMinutes(4));
        Assert.True("done" == (string?)finished["status"], finished.ToJsonString() + "\n" + server.Log);
        Assert.Equal("failed", (string?)finished["report"]?["verdict"]);
        Assert.Equal(1, Scalar(server, $"SELECT GradingRuns FROM Submissions WHERE Id = '{Upper(id)}'"));
        Assert.Contains($"submission {id} was queued without a live grading job (never enqueued): enqueued again", server.Log);
    }

    // EF Core stores a Guid as upper-case text in SQLite.
    private static string Upper(Guid id) => id.ToString().ToUpperInvariant();

    private static long Scalar(ServerProcess server, string sql) => Convert.ToInt64(Query(server, sql) ?? 0L);

    private static string? Text(ServerProcess server, string sql) => Query(server, sql) as string;

    private static object? Query(ServerProcess server, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
