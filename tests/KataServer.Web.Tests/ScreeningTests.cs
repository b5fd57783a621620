using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace KataServer.Web.Tests;

/// <summary>Interview screenings over HTTP: invitations, the candidate's session and clock, hidden findings, who may read what.</summary>
[Collection("server")]
public sealed class ScreeningTests(ServerFixture fixture)
{
    private static string CorpusFile(string kata, string file) => File.ReadAllText(Path.Combine(Repository.Root, "tests", "corpus", kata, file));

    internal static async Task<Guid> CreateScreeningAsync(HttpClient interviewer, string findings = "full", int limitSeconds = 3600, string[]? katas = null)
    {
        var response = await interviewer.PostAsJsonAsync("/api/screenings", new
        {
            title = "Concurrency screening", katas = katas ?? ["hit-counter"], timeLimitSeconds = limitSeconds, invitationValidHours = 24,
            hintsAllowed = false, findingsShown = findings,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
    }

    internal static async Task<(Guid Candidate, string Secret)> InviteAsync(HttpClient interviewer, Guid screening, string name = "Cora Candidate")
    {
        var response = await interviewer.PostAsJsonAsync($"/api/screenings/{screening}/invitations", new { name, email = "cora@example.org" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var link = (string)body["link"]!;
        Assert.False((bool)body["emailed"]!); // no SMTP server configured: the link is there to copy
        Assert.Contains("/screening/join#", link);
        return (Guid.Parse((string)body["candidate"]!["id"]!), link[(link.IndexOf('#') + 1)..]);
    }

    [Fact]
    public async Task The_link_starts_one_session_in_one_browser_and_the_servers_clock_survives_a_reload()
    {
        using var interviewer = fixture.Server.Client(fixture.InstructorToken);
        var screening = await CreateScreeningAsync(interviewer);
        var (_, secret) = await InviteAsync(interviewer, screening);
        using var first = new CandidateBrowser(fixture.Server.BaseAddress);
        using var second = new CandidateBrowser(fixture.Server.BaseAddress);

        var preview = await (await first.SendAsync(HttpMethod.Post, "/api/candidate/invitation", new { token = secret })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("invited", (string?)preview!["state"]);
        Assert.Equal(3600, (int)preview["timeLimitSeconds"]!);
        await Api.AssertProblemAsync(await first.SendAsync(HttpMethod.Post, "/api/candidate/invitation", new { token = secret + "x" }), HttpStatusCode.NotFound);

        var started = await first.StartAsync(secret);
        Assert.True(started.StatusCode == HttpStatusCode.OK, await started.Content.ReadAsStringAsync());
        await Api.AssertProblemAsync(await second.StartAsync(secret), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await second.GetAsync("/api/candidate/session"), HttpStatusCode.Unauthorized);

        var session = await first.SessionAsync();
        var endsAt = DateTime.Parse((string)session["endsAt"]!).ToUniversalTime();
        Assert.Equal(DateTime.Parse((string)session["startedAt"]!).ToUniversalTime().AddSeconds(3600), endsAt);
        await Task.Delay(1100);
        var reloaded = await first.SessionAsync();
        Assert.Equal(endsAt, DateTime.Parse((string)reloaded["endsAt"]!).ToUniversalTime());

        // Writes need the antiforgery header; the candidate cookie opens no learner endpoint.
        await Api.AssertProblemAsync(await first.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// x" }, withXsrf: false), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await first.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// x", pastes = new[] { new { line = 1, chars = 400 } } })).StatusCode);
        await Api.AssertProblemAsync(await first.SendAsync(HttpMethod.Put, "/api/candidate/katas/deadlock-transfer/autosave", new { code = "// x" }), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/submissions")).StatusCode);
        Assert.Equal("// x", (string?)(await first.SessionAsync())["katas"]![0]!["code"]);
    }

    [Fact]
    public async Task When_findings_are_hidden_no_candidate_endpoint_shows_finding_text_or_interleavings()
    {
        using var interviewer = fixture.Server.Client(fixture.InstructorToken);
        using var admin = fixture.Server.Client(fixture.AdminToken);
        var screening = await CreateScreeningAsync(interviewer, findings: "pass-fail");
        var (_, secret) = await InviteAsync(interviewer, screening);
        using var browser = new CandidateBrowser(fixture.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(secret)).StatusCode);
        await browser.SessionAsync();

        var posted = await browser.SendAsync(HttpMethod.Post, "/api/candidate/submissions",
            new { kata = "hit-counter", code = CorpusFile("hit-counter", "bug-plain-increment.cs"), mode = "run" });
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        var id = Guid.Parse((string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);

        var stream = await ReadEventsAsync(browser, id);
        var seen = await (await browser.GetAsync($"/api/candidate/submissions/{id}")).Content.ReadAsStringAsync();
        var full = await Api.WaitUntilFinishedAsync(admin, id, TimeSpan.FromMinutes(3));

        // The full report (for the interviewer) has findings with text; the candidate saw none of it.
        var findings = full["report"]!["findings"]!.AsArray();
        Assert.NotEmpty(findings);
        // Test names are shown (pass/fail per test); everything else a finding says is not.
        var testNames = full["report"]!["tests"]!.AsArray().Select(t => (string)t!["name"]!).ToHashSet();
        var secrets = findings.SelectMany(f => Strings(f)).Where(s => s.Length >= 12 && !testNames.Any(s.Contains)).Distinct().ToList();
        Assert.NotEmpty(secrets);
        foreach (var text in new[] { stream, seen })
        {
            foreach (var secretText in secrets) Assert.DoesNotContain(secretText, text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"findings\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"message\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("replay", text, StringComparison.OrdinalIgnoreCase);
        }

        var report = JsonNode.Parse(seen)!["report"]!;
        Assert.Equal((string?)full["report"]!["verdict"], (string?)report["verdict"]);
        Assert.Equal(full["report"]!["tests"]!.AsArray().Count, report["tests"]!.AsArray().Count);
        Assert.True((bool)report["findingsHidden"]!);
    }

    [Fact]
    public async Task Only_the_owner_and_admins_see_a_screening_and_its_candidates_code()
    {
        using var owner = fixture.Server.Client(fixture.InstructorToken);
        using var admin = fixture.Server.Client(fixture.AdminToken);
        using var learner = fixture.Server.Client(fixture.LearnerToken);
        using var other = fixture.Server.Client(await fixture.Server.AddUserWithTokenAsync($"ivan{Guid.NewGuid():N}@example.org", "instructor"));
        var screening = await CreateScreeningAsync(owner);
        var (candidate, secret) = await InviteAsync(owner, screening);
        using var browser = new CandidateBrowser(fixture.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(secret)).StatusCode);
        await browser.SessionAsync();
        var posted = await browser.SendAsync(HttpMethod.Post, "/api/candidate/submissions", new { kata = "hit-counter", code = "public class HitCounter { }", mode = "run" });
        var submission = Guid.Parse((string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);

        var paths = new[]
        {
            $"/api/screenings/{screening}", $"/api/screenings/{screening}/candidates/{candidate}/report",
            $"/api/screenings/{screening}/compare", $"/api/screenings/{screening}/compare.csv",
        };
        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(path)).StatusCode);
            await Api.AssertProblemAsync(await other.GetAsync(path), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.Forbidden, (await learner.GetAsync(path)).StatusCode);
        }

        await Api.AssertProblemAsync(await other.PostAsJsonAsync($"/api/screenings/{screening}/invitations", new { name = "X" }), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await other.DeleteAsync($"/api/screenings/{screening}/candidates/{candidate}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await learner.PostAsJsonAsync("/api/screenings", new { title = "t", katas = new[] { "hit-counter" } })).StatusCode);
        Assert.DoesNotContain(JsonNode.Parse(await other.GetStringAsync("/api/screenings"))!.AsArray(), s => (string?)s!["id"] == screening.ToString());
        // The learners' submission endpoint does not open a candidate's code to other instructors either.
        await Api.AssertProblemAsync(await other.GetAsync($"/api/submissions/{submission}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/submissions/{submission}")).StatusCode);
    }

    [Fact]
    public async Task When_time_runs_out_the_last_code_is_submitted_and_nothing_can_be_changed()
    {
        using var interviewer = fixture.Server.Client(fixture.InstructorToken);
        var screening = await CreateScreeningAsync(interviewer, limitSeconds: 10);
        var (candidate, secret) = await InviteAsync(interviewer, screening);
        using var browser = new CandidateBrowser(fixture.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(secret)).StatusCode);
        var session = await browser.SessionAsync();
        const string last = "public sealed class HitCounter { public void Increment() { } public long Total => 0; }";
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = last })).StatusCode);

        var endsAt = DateTime.Parse((string)session["endsAt"]!).ToUniversalTime();
        var wait = endsAt - DateTime.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        // The scheduled end job submits the last code without anyone asking (no request touches the session meanwhile).
        JsonObject report;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        do
        {
            await Task.Delay(500);
            report = (await interviewer.GetFromJsonAsync<JsonObject>($"/api/screenings/{screening}/candidates/{candidate}/report"))!;
        }
        while (report["katas"]![0]!["finalSubmissionId"] is null && DateTime.UtcNow < deadline);

        var kata = report["katas"]![0]!;
        Assert.NotNull(kata["finalSubmissionId"]);
        Assert.Equal("finished", (string?)report["candidate"]!["state"]);
        Assert.Contains(kata["snapshots"]!.AsArray(), s => (string?)s!["kind"] == "final" && (string?)s["code"] == last);
        await Api.AssertProblemAsync(await browser.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "changed" }), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await browser.SendAsync(HttpMethod.Post, "/api/candidate/submissions", new { kata = "hit-counter", code = "changed", mode = "submit" }), HttpStatusCode.Conflict);
        Assert.NotNull((await browser.SessionAsync())["finishedAt"]);
    }

    [Fact]
    public async Task A_revoked_or_unknown_invitation_does_not_start_and_the_csv_defuses_formulas()
    {
        using var interviewer = fixture.Server.Client(fixture.InstructorToken);
        var screening = await CreateScreeningAsync(interviewer);
        var (candidate, secret) = await InviteAsync(interviewer, screening, name: "=HYPERLINK(\"http://evil\",\"x\")");
        Assert.Equal(HttpStatusCode.NoContent, (await interviewer.DeleteAsync($"/api/screenings/{screening}/candidates/{candidate}")).StatusCode);
        using var browser = new CandidateBrowser(fixture.Server.BaseAddress);
        await Api.AssertProblemAsync(await browser.StartAsync(secret), HttpStatusCode.Gone);
        await Api.AssertProblemAsync(await browser.StartAsync("ksi_" + new string('A', 43)), HttpStatusCode.NotFound);

        var csv = await interviewer.GetStringAsync($"/api/screenings/{screening}/compare.csv");
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"", csv);
        Assert.DoesNotContain("\"=HYPERLINK", csv);
        Assert.Contains("\"revoked\"", csv);

        var bad = await interviewer.PostAsJsonAsync("/api/screenings", new { title = "t", katas = new[] { "no-such-kata" } });
        await Api.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_interviewer_extends_a_running_session_and_reissues_links_that_work_once_and_nobody_else_can()
    {
        using var owner = fixture.Server.Client(fixture.InstructorToken);
        using var learner = fixture.Server.Client(fixture.LearnerToken);
        using var other = fixture.Server.Client(await fixture.Server.AddUserWithTokenAsync($"olga{Guid.NewGuid():N}@example.org", "instructor"));
        var screening = await CreateScreeningAsync(owner, limitSeconds: 20);
        var (ada, firstLink) = await InviteAsync(owner, screening, "Ada");
        var (bea, beaLink) = await InviteAsync(owner, screening, "Bea");
        var elsewhere = await CreateScreeningAsync(owner);
        var (stranger, _) = await InviteAsync(owner, elsewhere, "Stranger");
        string Path(Guid candidate, string action, Guid? of = null) => $"/api/screenings/{of ?? screening}/candidates/{candidate}/{action}";

        // Attacks on the new endpoints: another interviewer, a learner, a candidate of another screening, bad minutes.
        foreach (var action in new[] { "invitation", "extend" })
        {
            await Api.AssertProblemAsync(await other.PostAsJsonAsync(Path(ada, action), new { minutes = 5 }), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.Forbidden, (await learner.PostAsJsonAsync(Path(ada, action), new { minutes = 5 })).StatusCode);
            await Api.AssertProblemAsync(await owner.PostAsJsonAsync(Path(stranger, action), new { minutes = 5 }), HttpStatusCode.NotFound);
            await Api.AssertProblemAsync(await owner.PostAsJsonAsync(Path(ada, action, of: Guid.NewGuid()), new { minutes = 5 }), HttpStatusCode.NotFound);
        }

        foreach (var minutes in new int?[] { null, 0, -5, 1441 })
            await Api.AssertProblemAsync(await owner.PostAsJsonAsync(Path(ada, "extend"), new { minutes }), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await owner.PostAsJsonAsync(Path(ada, "extend"), new { minutes = 5 }), HttpStatusCode.Conflict); // not started

        // A re-issued link replaces the old one, which no longer opens anything; the new one starts the session once.
        var reissued = await (await owner.PostAsync(Path(ada, "invitation"), null)).Content.ReadFromJsonAsync<JsonObject>();
        var secondLink = ((string)reissued!["link"]!).Split('#')[1];
        Assert.NotEqual(firstLink, secondLink);
        using var first = new CandidateBrowser(fixture.Server.BaseAddress);
        await Api.AssertProblemAsync(await first.StartAsync(firstLink), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await first.StartAsync(secondLink)).StatusCode);
        using var thief = new CandidateBrowser(fixture.Server.BaseAddress);
        await Api.AssertProblemAsync(await thief.StartAsync(secondLink), HttpStatusCode.Conflict);
        Assert.Equal("used", (string?)(await thief.PreviewAsync(secondLink))["state"]);

        // More time: the server's deadline moves, and the session outlives its first deadline.
        var session = await first.SessionAsync();
        var firstEnd = DateTime.Parse((string)session["endsAt"]!).ToUniversalTime();
        var extended = await owner.PostAsJsonAsync(Path(ada, "extend"), new { minutes = 10 });
        Assert.True(extended.StatusCode == HttpStatusCode.OK, await extended.Content.ReadAsStringAsync());
        Assert.Equal(firstEnd.AddMinutes(10), DateTime.Parse((string)(await extended.Content.ReadFromJsonAsync<JsonObject>())!["endsAt"]!).ToUniversalTime());
        Assert.Equal(firstEnd.AddMinutes(10), DateTime.Parse((string)(await first.SessionAsync())["endsAt"]!).ToUniversalTime());
        var wait = firstEnd - DateTime.UtcNow + TimeSpan.FromSeconds(3);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal(HttpStatusCode.NoContent, (await first.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// after the first deadline" })).StatusCode);
        Assert.Null((await first.SessionAsync())["finishedAt"]);

        // Re-issuing a running session's link signs the old browser out; the new link continues the same session, once.
        var third = await (await owner.PostAsync(Path(ada, "invitation"), null)).Content.ReadFromJsonAsync<JsonObject>();
        var thirdLink = ((string)third!["link"]!).Split('#')[1];
        await Api.AssertProblemAsync(await first.GetAsync("/api/candidate/session"), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await first.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// stale browser" }), HttpStatusCode.Unauthorized);
        using var laptop = new CandidateBrowser(fixture.Server.BaseAddress);
        var preview = await laptop.PreviewAsync(thirdLink);
        Assert.Equal("resumable", (string?)preview["state"]);
        Assert.Equal(HttpStatusCode.OK, (await laptop.StartAsync(thirdLink)).StatusCode);
        var resumed = await laptop.SessionAsync();
        Assert.Equal(firstEnd.AddMinutes(10), DateTime.Parse((string)resumed["endsAt"]!).ToUniversalTime());
        Assert.Equal("// after the first deadline", (string?)resumed["katas"]![0]!["code"]);
        await Api.AssertProblemAsync(await thief.StartAsync(thirdLink), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await first.StartAsync(secondLink), HttpStatusCode.NotFound);

        // One candidate's cookie does not reach another candidate's session or submissions.
        using var beaBrowser = new CandidateBrowser(fixture.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await beaBrowser.StartAsync(beaLink)).StatusCode);
        await beaBrowser.SessionAsync();
        var posted = await beaBrowser.SendAsync(HttpMethod.Post, "/api/candidate/submissions", new { kata = "hit-counter", code = "public class HitCounter { }", mode = "run" });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var beaSubmission = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        await Api.AssertProblemAsync(await laptop.GetAsync($"/api/candidate/submissions/{beaSubmission}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await laptop.GetAsync($"/api/candidate/submissions/{beaSubmission}/events")).StatusCode);
        Assert.Equal("Ada", (string?)(await laptop.SessionAsync())["candidate"]);
        // Bea's antiforgery value is bound to Bea: Ada's browser cannot write with it.
        laptop.Xsrf = beaBrowser.Xsrf;
        await Api.AssertProblemAsync(await laptop.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// with Bea's token" }), HttpStatusCode.BadRequest);

        // Ended or revoked: no more time, no new link.
        Assert.Equal(HttpStatusCode.NoContent, (await beaBrowser.SendAsync(HttpMethod.Post, "/api/candidate/finish")).StatusCode);
        await Api.AssertProblemAsync(await owner.PostAsJsonAsync(Path(bea, "extend"), new { minutes = 5 }), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await owner.PostAsync(Path(bea, "invitation"), null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/screenings/{screening}/candidates/{ada}")).StatusCode);
        await Api.AssertProblemAsync(await owner.PostAsync(Path(ada, "invitation"), null), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await owner.PostAsJsonAsync(Path(ada, "extend"), new { minutes = 5 }), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await laptop.SendAsync(HttpMethod.Put, "/api/candidate/katas/hit-counter/autosave", new { code = "// revoked" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_paste_is_kept_as_the_line_range_it_covers_and_a_range_outside_the_code_is_refused()
    {
        using var interviewer = fixture.Server.Client(fixture.InstructorToken);
        var screening = await CreateScreeningAsync(interviewer);
        var (candidate, secret) = await InviteAsync(interviewer, screening);
        using var browser = new CandidateBrowser(fixture.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.StartAsync(secret)).StatusCode);
        await browser.SessionAsync();
        const string code = "// mine\npublic sealed class HitCounter\n{\n    private long _total;\n}\n";
        const string path = "/api/candidate/katas/hit-counter/autosave";

        foreach (var bad in new object[] { new { line = 0, endLine = 1, chars = 10 }, new { line = 3, endLine = 2, chars = 10 }, new { line = 2, endLine = 7, chars = 10 }, new { line = 2, endLine = 3, chars = 0 } })
            await Api.AssertProblemAsync(await browser.SendAsync(HttpMethod.Put, path, new { code, pastes = new[] { bad } }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Put, path, new { code, pastes = new[] { new { line = 2, endLine = 5, chars = 71 } } })).StatusCode);
        var posted = await browser.SendAsync(HttpMethod.Post, "/api/candidate/submissions",
            new { kata = "hit-counter", code = code + "// typed\n", mode = "run", pastes = new[] { new { line = 6, endLine = 6, chars = 45 } } });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        var report = (await interviewer.GetFromJsonAsync<JsonObject>($"/api/screenings/{screening}/candidates/{candidate}/report"))!;
        var snapshots = report["katas"]![0]!["snapshots"]!.AsArray();
        Assert.Equal(new[] { "2-5:71", "6-6:45" }, snapshots.Select(s => (string?)s!["pastes"]).ToArray());
        Assert.Equal(new[] { "autosave", "run" }, snapshots.Select(s => (string?)s!["kind"]).ToArray());
    }

    private static async Task<string> ReadEventsAsync(CandidateBrowser browser, Guid id)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var response = await browser.GetAsync($"/api/candidate/submissions/{id}/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(cancel.Token);
        Assert.Contains("event: done", text);
        return text;
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
