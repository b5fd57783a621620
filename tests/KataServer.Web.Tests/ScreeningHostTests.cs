using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace KataServer.Web.Tests;

/// <summary>Screenings on hosts of their own: one with authored katas published (and published again), one killed mid-session.</summary>
public sealed class ScreeningHostTests
{
    [Fact]
    public async Task A_screening_of_an_authored_kata_keeps_the_version_it_pinned_and_shows_the_candidate_no_hidden_part()
    {
        var data = Repository.TempDirectory("screen-authored");
        await using var server = new ServerProcess(data, new Dictionary<string, string> { ["KataServer__ValidationReferenceRuns"] = "1" });
        var token = await server.AddUserWithTokenAsync("ivy@example.org", "instructor");
        await server.StartAsync();
        using var interviewer = server.Client(token);

        // The interviewer's own kata (from the template), validated and published as version 1; another one left a draft.
        var created = await (await interviewer.PostAsJsonAsync("/api/authoring/katas", new { id = "screen-counter" })).Content.ReadFromJsonAsync<JsonObject>();
        var files = created!["files"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        await PublishAsync(interviewer, "screen-counter", 1);
        (await interviewer.PostAsJsonAsync("/api/authoring/katas", new { id = "draft-only" })).EnsureSuccessStatusCode();

        foreach (var katas in new[] { new[] { "draft-only" }, ["screen-counter@2"], ["screen-counter@0"], ["hit-counter@1"], ["screen-counter", "screen-counter@1"] })
        {
            var refused = await interviewer.PostAsJsonAsync("/api/screenings", new { title = "t", katas });
            await Api.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        }

        var screening = await ScreeningTests.CreateScreeningAsync(interviewer, katas: ["screen-counter", "hit-counter"]);
        var view = (await interviewer.GetFromJsonAsync<JsonObject>($"/api/screenings/{screening}"))!;
        Assert.Equal(1, (int)view["kataVersions"]!["screen-counter"]!);
        Assert.Null(view["kataVersions"]!["hit-counter"]);

        // The author publishes version 2 (a new statement): learners get it, the screening's candidates keep version 1.
        var v2 = new Dictionary<string, string>(files) { ["README.md"] = files["README.md"].Replace("# A counter that keeps every hit", "# Version two of the counter") };
        (await interviewer.PutAsJsonAsync("/api/authoring/katas/screen-counter/files", new { files = v2 })).EnsureSuccessStatusCode();
        await PublishAsync(interviewer, "screen-counter", 2);
        Assert.Contains("Version two", await interviewer.GetStringAsync("/api/katas/screen-counter"));

        var (candidate, secret) = await ScreeningTests.InviteAsync(interviewer, screening);
        using var browser = new CandidateBrowser(server.BaseAddress);
        Assert.Contains("A counter that keeps every hit", (await browser.PreviewAsync(secret)).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(secret)).StatusCode);
        var session = await browser.SessionAsync();
        var everything = session.ToJsonString();
        Assert.Contains("A counter that keeps every hit", (string)session["katas"]![0]!["statement"]!);
        Assert.DoesNotContain("Version two", everything);
        // Hidden parts never reach the candidate: the reference, the tests' code, the mutants.
        Assert.DoesNotContain("Interlocked.Add", everything);
        Assert.DoesNotContain("[KataTest", everything);
        Assert.DoesNotContain("Volatile.Write", everything);

        // Graded as version 1, by the candidate's Submit and by the end of the session.
        var posted = await browser.SendAsync(HttpMethod.Post, "/api/candidate/submissions", new { kata = "screen-counter", code = files["reference.cs"], mode = "submit" });
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        var id = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave",
            new { code = "public sealed class HitCounter { public void Increment() { } public long Total => 0; }" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, "/api/candidate/katas/screen-counter/autosave",
            new { code = files["reference.cs"] + "// tidied\n" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Post, "/api/candidate/finish")).StatusCode);

        JsonObject report;
        var deadline = DateTime.UtcNow.AddMinutes(4);
        do
        {
            await Task.Delay(1000);
            report = (await interviewer.GetFromJsonAsync<JsonObject>($"/api/screenings/{screening}/candidates/{candidate}/report"))!;
        }
        while (report["katas"]!.AsArray().Any(k => (string?)k!["status"] != "done") && DateTime.UtcNow < deadline);

        var kata = report["katas"]![0]!;
        Assert.Equal("A counter that keeps every hit", (string?)kata["title"]);
        Assert.Equal("passed", (string?)kata["verdict"]);
        Assert.NotEqual(id, (string?)kata["finalSubmissionId"]); // the code changed after Submit: the end submitted it again
        Assert.Equal(2L, Query<long>(server, "SELECT COUNT(*) FROM Submissions WHERE Kata = 'screen-counter' AND KataVersion = 1 AND UserId LIKE 'candidate-%'"));
        Assert.Equal(0L, Query<long>(server, "SELECT COUNT(*) FROM Submissions WHERE Kata = 'screen-counter' AND (KataVersion IS NULL OR KataVersion <> 1)"));
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task A_host_killed_during_a_session_keeps_its_clock_and_ends_it_on_time_after_a_restart_without_anyone_asking()
    {
        var data = Repository.TempDirectory("screen-restart");
        await using var server = new ServerProcess(data);
        var token = await server.AddUserWithTokenAsync("rita@example.org", "instructor");
        await server.StartAsync();
        using var interviewer = server.Client(token);
        var screening = await ScreeningTests.CreateScreeningAsync(interviewer, limitSeconds: 75);
        var (candidate, secret) = await ScreeningTests.InviteAsync(interviewer, screening);
        using var browser = new CandidateBrowser(server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(secret)).StatusCode);
        var endsAt = DateTime.Parse((string)(await browser.SessionAsync())["endsAt"]!).ToUniversalTime();
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// before the crash" })).StatusCode);

        // kill -9 mid-session and start again: same deadline, the same browser continues.
        server.Kill();
        await server.StartAsync();
        var session = await browser.SessionAsync();
        Assert.Equal(endsAt, DateTime.Parse((string)session["endsAt"]!).ToUniversalTime());
        Assert.Null(session["finishedAt"]);
        const string last = "public sealed class HitCounter { public void Increment() { } public long Total => 0; }";
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = last })).StatusCode);

        // Killed again, and down when the deadline passes: the end job scheduled at Start (in the first process's job
        // store) runs once the host is back. Nobody calls the server meanwhile, so only the job can end the session.
        server.Kill();
        var wait = endsAt - DateTime.UtcNow + TimeSpan.FromSeconds(2);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal(0L, Query<long>(server, $"SELECT COUNT(*) FROM ScreeningCandidates WHERE Id = '{Upper(candidate)}' AND FinishedAt IS NOT NULL"));
        await server.StartAsync();

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Query<long>(server, $"SELECT COUNT(*) FROM CodeSnapshots WHERE CandidateId = '{Upper(candidate)}' AND Kind = 'final'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the session was not ended after the restart\n" + server.Log);
            await Task.Delay(500);
        }

        Assert.Equal("time-up", Query<string>(server, $"SELECT FinishedBecause FROM ScreeningCandidates WHERE Id = '{Upper(candidate)}'"));
        Assert.Equal(last, Query<string>(server, $"SELECT Code FROM CodeSnapshots WHERE CandidateId = '{Upper(candidate)}' AND Kind = 'final'"));
        Assert.Equal(1L, Query<long>(server, "SELECT COUNT(*) FROM Submissions WHERE IdempotencyKey LIKE 'screening-final:%'"));

        // The automatic submission is graded, and the candidate reads the end in the same browser.
        var report = (await interviewer.GetFromJsonAsync<JsonObject>($"/api/screenings/{screening}/candidates/{candidate}/report"))!;
        var final = Guid.Parse((string)report["katas"]![0]!["finalSubmissionId"]!);
        var graded = await Api.WaitUntilFinishedAsync(server.Client(await server.AddUserWithTokenAsync("root@example.org", "admin")), final, TimeSpan.FromMinutes(3));
        Assert.Equal("done", (string?)graded["status"]);
        Assert.Equal("time-up", (string?)(await browser.SessionAsync())["finishedBecause"]);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task With_an_smtp_server_configured_invitations_and_new_links_are_emailed_and_the_emailed_link_starts_the_session()
    {
        await using var smtp = new SmtpSink();
        var data = Repository.TempDirectory("screen-smtp");
        await using var server = new ServerProcess(data, new Dictionary<string, string>
        {
            ["KataServer__Smtp__Host"] = "127.0.0.1", ["KataServer__Smtp__Port"] = smtp.Port.ToString(), ["KataServer__Smtp__From"] = "screenings@example.org",
        });
        var token = await server.AddUserWithTokenAsync("max@example.org", "instructor");
        await server.StartAsync();
        using var interviewer = server.Client(token);
        var created = await interviewer.PostAsJsonAsync("/api/screenings", new { title = "Line\r\nBcc: everyone@example.org", katas = new[] { "hit-counter" } });
        var screening = Guid.Parse((string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);

        var invited = await (await interviewer.PostAsJsonAsync($"/api/screenings/{screening}/invitations", new { name = "Mia", email = "mia@example.org" }))
            .Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)invited!["emailed"]!, invited.ToJsonString());
        Assert.NotNull(invited["candidate"]!["emailedAt"]);
        var mail = Assert.Single(smtp.Messages);
        Assert.Contains("To: mia@example.org", mail);
        Assert.Contains("From: screenings@example.org", mail);
        // The title's line break made no header (it stays inside the one-line subject).
        var headers = mail[..mail.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        Assert.DoesNotContain(headers, h => h.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(headers, h => h.StartsWith("Subject: Your invitation: Line  Bcc:", StringComparison.Ordinal));
        var secret = Regex.Match(mail, @"/screening/join#(ksi_[A-Za-z0-9_-]{43})").Groups[1].Value;
        Assert.Equal(((string)invited["link"]!).Split('#')[1], secret);

        // A new link is e-mailed too; the first one stops working, the e-mailed one starts the session.
        var candidate = (string)invited["candidate"]!["id"]!;
        var reissued = await (await interviewer.PostAsync($"/api/screenings/{screening}/candidates/{candidate}/invitation", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)reissued!["emailed"]!);
        Assert.Equal(2, smtp.Messages.Count);
        var newSecret = Regex.Match(smtp.Messages.Last(), @"/screening/join#(ksi_[A-Za-z0-9_-]{43})").Groups[1].Value;
        using var browser = new CandidateBrowser(server.BaseAddress);
        await Api.AssertProblemAsync(await browser.StartAsync(secret), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(newSecret)).StatusCode);
        Directory.Delete(data, recursive: true);
    }

    private static async Task PublishAsync(HttpClient http, string kata, int expectedVersion)
    {
        var response = await http.PostAsync($"/api/authoring/katas/{kata}/validations", null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        JsonObject run;
        while ((string)(run = (await http.GetFromJsonAsync<JsonObject>(location))!)["status"]! is not ("done" or "error"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the validation did not finish");
            await Task.Delay(500);
        }

        Assert.True((bool?)run["passed"] == true, run.ToJsonString());
        var published = await http.PostAsync($"/api/authoring/katas/{kata}/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        Assert.Equal(expectedVersion, (int)(await published.Content.ReadFromJsonAsync<JsonObject>())!["latestVersion"]!);
    }

    // EF Core stores a Guid as upper-case text in SQLite.
    private static string Upper(Guid id) => id.ToString().ToUpperInvariant();

    private static T Query<T>(ServerProcess server, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }
}

/// <summary>
/// A minimal SMTP receiver on a loopback port (the machine has no mail server): it speaks enough of RFC 5321 for
/// System.Net.Mail (EHLO, MAIL, RCPT, DATA, QUIT) and keeps each message's text.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly System.Net.Sockets.TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task serving;

    public SmtpSink()
    {
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            System.Net.Sockets.TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (OperationCanceledException) { return; }
            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream);
                await using var writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\r\n" };
                await writer.WriteLineAsync("220 sink ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    if (verb == "EHLO") await writer.WriteLineAsync("250 sink");
                    else if (verb == "DATA")
                    {
                        await writer.WriteLineAsync("354 go on");
                        var message = new System.Text.StringBuilder();
                        while (await reader.ReadLineAsync() is { } data && data != ".") message.Append(data).Append("\r\n");
                        // Undo quoted-printable's soft line breaks, which would cut a long link.
                        Messages.Enqueue(message.ToString().Replace("=\r\n", ""));
                        await writer.WriteLineAsync("250 kept");
                    }
                    else if (verb == "QUIT")
                    {
                        await writer.WriteLineAsync("221 bye");
                        break;
                    }
                    else await writer.WriteLineAsync("250 ok");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try { await serving; } catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException or IOException) { }
        stop.Dispose();
    }
}
