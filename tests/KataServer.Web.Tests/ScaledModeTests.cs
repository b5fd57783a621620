using System.Net.Http.Json;
using KataServer.Platform.Data;
using KataServer.Platform.Data.Authoring;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KataServer.Web.Tests;

/// <summary>
/// Scaled mode: the web host (no in-process grading) and KataServer.Worker processes sharing one PostgreSQL database,
/// app tables and Hangfire's. The cluster is this test run's own (<see cref="PostgresCluster"/>).
/// </summary>
[Collection("postgres")]
public sealed class ScaledModeTests(PostgresCluster postgres)
{
    [Fact]
    public async Task Two_workers_one_killed_while_it_grades_every_submission_ends_done_exactly_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        var shared = new Dictionary<string, string> { ["ConnectionStrings__KataServer"] = database };
        await using var web = new ServerProcess(Repository.TempDirectory("scaled-web"), With(shared, "KataServer__Workers", "0"));
        var token = await web.AddUserWithTokenAsync("wes@example.org", "learner");
        await web.StartAsync();
        await using var first = new WorkerProcess(Repository.TempDirectory("scaled-w1"), shared);
        await using var second = new WorkerProcess(Repository.TempDirectory("scaled-w2"), shared);
        first.Start();
        second.Start();
        await WaitForWorkersAsync(web, 2);

        // A passing solution (compile, explore, stress, measure: the longest grade) and a failing one, twice each.
        using var http = web.Client(token);
        var passing = Api.Corpus("ok-global-lock.cs");
        var failing = Api.Corpus("bug-lock-from-only.cs");
        var expected = new Dictionary<Guid, string>();
        foreach (var (code, verdict) in new[] { (passing, "passed"), (failing, "failed"), (passing, "passed"), (failing, "failed") })
            expected[await Api.SubmitAsync(http, "deadlock-transfer", code)] = verdict;

        // kill -9 a worker in the middle of a passing grade: its row says running and it has written progress.
        var (victim, cutOff) = await FindWorkerGradingAsync(database, [first, second], [.. expected.Where(e => e.Value == "passed").Select(e => e.Key)]);
        victim.Kill();
        var survivor = victim == first ? second : first;
        Assert.Equal("running", await ScalarAsync<string>(database, $"""SELECT "Status" FROM "Submissions" WHERE "Id" = '{cutOff}'"""));

        foreach (var (id, verdict) in expected)
        {
            var finished = await Api.WaitUntilFinishedAsync(http, id, TimeSpan.FromMinutes(5));
            Assert.True("done" == (string?)finished["status"], $"{id}: {finished.ToJsonString()}\n{survivor.Log}");
            Assert.Equal(verdict, (string?)finished["report"]?["verdict"]);
            Assert.Equal(1L, await ScalarAsync<long>(database, $"""SELECT COUNT(*) FROM "SubmissionEvents" WHERE "SubmissionId" = '{id}' AND "Stage" = 'done'"""));
        }

        // The cut-off submission was started twice (by the killed worker, then by the other one) and stored once.
        Assert.Equal(2, await ScalarAsync<int>(database, $"""SELECT "GradingRuns" FROM "Submissions" WHERE "Id" = '{cutOff}'"""));
        Assert.Contains($"grading submission {cutOff} (run 2)", survivor.Log);
    }

    [Fact]
    public async Task A_worker_recycles_itself_after_a_runaway_compile_with_exit_code_75()
    {
        // A compile limit no compile can meet: the first compile (the warm-up, or a grade) runs past it.
        var database = await postgres.CreateDatabaseAsync();
        await using var worker = new WorkerProcess(Repository.TempDirectory("scaled-recycle"), new Dictionary<string, string>
        {
            ["ConnectionStrings__KataServer"] = database,
            ["KataServer__CompileTimeout"] = "00:00:00.001",
        });
        worker.Start();
        Assert.Equal(75, await worker.WaitForExitAsync(TimeSpan.FromMinutes(3)));
        Assert.Contains("a compile ran past its time limit", worker.Log);
    }

    [Fact]
    public async Task A_submission_left_queued_without_a_live_job_is_found_by_the_sweep_and_graded_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        var shared = new Dictionary<string, string> { ["ConnectionStrings__KataServer"] = database, ["KataServer__LostJobSweepInterval"] = "00:00:02" };
        await using var web = new ServerProcess(Repository.TempDirectory("lost-web"), With(shared, "KataServer__Workers", "0"));
        var token = await web.AddUserWithTokenAsync("lou@example.org", "learner");
        await web.StartAsync();
        await using var worker = new WorkerProcess(Repository.TempDirectory("lost-worker"), shared);
        worker.Start();
        await WaitForWorkersAsync(web, 1);

        // Rows as a web host leaves them when it dies between saving a submission and enqueueing its job (no job id),
        // and when the job it enqueued is gone from the job store.
        var userId = await ScalarAsync<string>(database, """SELECT "Id" FROM "AspNetUsers" WHERE "Email" = 'lou@example.org'""");
        var neverEnqueued = await InsertQueuedSubmissionAsync(database, userId, jobId: null, attempt: 1);
        var jobGone = await InsertQueuedSubmissionAsync(database, userId, jobId: "987654", attempt: 2);

        using var http = web.Client(token);
        foreach (var id in new[] { neverEnqueued, jobGone })
        {
            var finished = await Api.WaitUntilFinishedAsync(http, id, TimeSpan.FromMinutes(4));
            Assert.True("done" == (string?)finished["status"], $"{id}: {finished.ToJsonString()}\n{worker.Log}");
            Assert.Equal("failed", (string?)finished["report"]?["verdict"]);
            Assert.Equal(1, await ScalarAsync<int>(database, $"""SELECT "GradingRuns" FROM "Submissions" WHERE "Id" = '{id}'"""));
            Assert.Equal(1L, await ScalarAsync<long>(database, $"""SELECT COUNT(*) FROM "SubmissionEvents" WHERE "SubmissionId" = '{id}' AND "Stage" = 'done'"""));
        }

        // Both processes sweep (every 2 s, one at a time under the job store's lock): each row was enqueued again once.
        var logs = web.Log + worker.Log;
        Assert.Single(Occurrences(logs, $"submission {neverEnqueued} was queued without a live grading job (never enqueued): enqueued again"));
        Assert.Single(Occurrences(logs, $"submission {jobGone} was queued without a live grading job (job 987654 gone): enqueued again"));
    }

    [Fact]
    public async Task A_kata_published_on_one_web_host_is_offered_by_another_on_the_same_database()
    {
        var database = await postgres.CreateDatabaseAsync();
        var shared = new Dictionary<string, string> { ["ConnectionStrings__KataServer"] = database, ["KataServer__Workers"] = "0" };
        await using var first = new ServerProcess(Repository.TempDirectory("publish-first"), shared);
        var instructor = await first.AddUserWithTokenAsync("ines@example.org", "instructor");
        var learner = await first.AddUserWithTokenAsync("leo@example.org", "learner");
        await first.StartAsync();
        await using var second = new ServerProcess(Repository.TempDirectory("publish-second"), shared);
        await second.StartAsync();

        // The second host has read the catalogue (and the published katas) before the kata exists.
        using var onSecond = second.Client(learner);
        Assert.DoesNotContain("shared-counter", await CatalogueAsync(onSecond));

        using var author = first.Client(instructor);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await author.PostAsJsonAsync("/api/authoring/katas", new { id = "shared-counter" })).StatusCode);
        // Validating grades the reference and every mutant on a worker; this test is about the catalogue, so it records
        // a passed validation of the draft as the validation job would, and publishes through the API.
        await RecordPassedValidationAsync(database, "shared-counter");
        var published = await author.PostAsync("/api/authoring/katas/shared-counter/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await CatalogueAsync(onSecond)).Contains("shared-counter"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the kata published on the first web host never showed up on the second\n" + second.Log);
            await Task.Delay(250);
        }

        // A submission made on the second host is graded against the version published on the first.
        var id = await Api.SubmitAsync(onSecond, "shared-counter", "public class Counter { }", mode: "run");
        Assert.Equal(1, await ScalarAsync<int>(database, $"""SELECT "KataVersion" FROM "Submissions" WHERE "Id" = '{id}'"""));
    }

    [Fact]
    public async Task A_browser_signed_in_on_one_web_host_stays_signed_in_on_another_on_the_same_database()
    {
        var database = await postgres.CreateDatabaseAsync();
        var shared = new Dictionary<string, string> { ["ConnectionStrings__KataServer"] = database, ["KataServer__Workers"] = "0" };
        await using var first = new ServerProcess(Repository.TempDirectory("cookie-first"), shared);
        await first.StartAsync();
        await using var second = new ServerProcess(Repository.TempDirectory("cookie-second"), shared);
        await second.StartAsync();

        // A load balancer sends the browser's requests to either host; cookies do not depend on the port.
        var cookies = new System.Net.CookieContainer();
        using var onFirst = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = first.BaseAddress };
        using var onSecond = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = second.BaseAddress };
        var signup = await onFirst.PostAsJsonAsync("/api/auth/signup", new { email = "hosts@example.org", password = "long-enough-1" });
        Assert.Equal(System.Net.HttpStatusCode.OK, signup.StatusCode);

        Assert.Equal(System.Net.HttpStatusCode.OK, (await onSecond.GetAsync("/api/auth/me")).StatusCode);
        // The antiforgery token issued by the first host is accepted by the second on a cookie-authenticated write.
        var xsrf = cookies.GetCookies(first.BaseAddress)["XSRF-TOKEN"]!.Value;
        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/submissions")
        {
            Content = JsonContent.Create(new { kata = "hit-counter", code = "public class HitCounter { }", mode = "run" }),
        };
        write.Headers.Add("X-XSRF-TOKEN", xsrf);
        var accepted = await onSecond.SendAsync(write);
        Assert.True(accepted.StatusCode == System.Net.HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
    }

    private static IEnumerable<int> Occurrences(string text, string value)
    {
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal)) yield return at;
    }

    private static async Task<List<string>> CatalogueAsync(HttpClient http) =>
        [.. (await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/katas"))!.Select(k => (string)k!["id"]!)];

    private static PlatformDb Open(string database)
    {
        var options = new DbContextOptionsBuilder<PlatformDb>();
        PlatformDatabase.UsePostgres(options, database);
        return new PlatformDb(options.Options);
    }

    private static async Task<Guid> InsertQueuedSubmissionAsync(string database, string userId, string? jobId, int attempt)
    {
        await using var db = Open(database);
        var submission = new Submission
        {
            Id = Guid.CreateVersion7(), UserId = userId, Kata = "deadlock-transfer", Mode = SubmissionModes.Submit,
            Code = Api.Corpus("bug-lock-from-only.cs"), Attempt = attempt, Status = SubmissionStatus.Queued,
            CreatedAt = DateTime.UtcNow - TimeSpan.FromMinutes(1), JobId = jobId,
        };
        db.Submissions.Add(submission);
        await db.SaveChangesAsync();
        return submission.Id;
    }

    private static async Task RecordPassedValidationAsync(string database, string kataId)
    {
        await using var db = Open(database);
        var kata = await db.AuthoredKatas.SingleAsync(k => k.Id == kataId);
        db.KataValidations.Add(new KataValidationRun
        {
            Id = Guid.CreateVersion7(), KataId = kataId, DraftRevision = kata.DraftRevision, Files = kata.Draft, RequestedBy = kata.OwnerId,
            Status = ValidationStatus.Done, Passed = true, CreatedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow,
        });
        kata.ValidatedRevision = kata.DraftRevision;
        await db.SaveChangesAsync();
    }

    private static Dictionary<string, string> With(Dictionary<string, string> settings, string key, string value) =>
        new(settings) { [key] = value };

    private static async Task WaitForWorkersAsync(ServerProcess web, int count)
    {
        using var http = web.Client();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var health = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/health");
            if ((int?)health?["workers"] >= count) return;
            Assert.True(DateTime.UtcNow < deadline, $"{count} grading workers never showed up in /api/health: {health}");
            await Task.Delay(250);
        }
    }

    /// <summary>Waits until one of <paramref name="ids"/> is running with progress written, and names the worker grading it (from its log).</summary>
    private static async Task<(WorkerProcess Worker, Guid Submission)> FindWorkerGradingAsync(string database, WorkerProcess[] workers, Guid[] ids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (true)
        {
            foreach (var id in ids)
            {
                var status = await ScalarAsync<string>(database, $"""SELECT "Status" FROM "Submissions" WHERE "Id" = '{id}'""");
                var events = await ScalarAsync<long>(database, $"""SELECT COUNT(*) FROM "SubmissionEvents" WHERE "SubmissionId" = '{id}'""");
                var worker = workers.SingleOrDefault(w => w.Log.Contains($"grading submission {id} (run 1)"));
                if (status == "running" && events >= 2 && worker is not null) return (worker, id);
            }

            Assert.True(DateTime.UtcNow < deadline, "no passing submission was ever seen grading\n" + string.Join("\n", workers.Select(w => w.Log)));
            await Task.Delay(100);
        }
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>A worker without PostgreSQL: refuses at once (the SQLite job store is unsafe for several processes).</summary>
public sealed class WorkerSettingsTests
{
    [Fact]
    public async Task A_worker_on_the_sqlite_default_refuses_to_start_and_names_postgresql()
    {
        var data = Repository.TempDirectory("worker-sqlite");
        await using var worker = new WorkerProcess(data);
        worker.Start();
        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("ConnectionStrings__KataServer", worker.Log);
        Assert.False(File.Exists(Path.Combine(data, "jobs.db")), "the refused worker created an SQLite job store");
    }

    [Fact]
    public async Task A_connection_string_naming_no_host_is_refused_not_taken_for_sqlite()
    {
        var data = Repository.TempDirectory("worker-badcs");
        await using var worker = new WorkerProcess(data, new Dictionary<string, string> { ["ConnectionStrings__KataServer"] = "Data Source=kataserver.db" });
        worker.Start();
        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("ConnectionStrings__KataServer", worker.Log);
    }
}
