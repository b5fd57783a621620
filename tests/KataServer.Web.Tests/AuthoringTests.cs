using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KataServer.Katas.Archives;

namespace KataServer.Web.Tests;

/// <summary>A host of its own for authoring and cohorts: validations grade the reference once (not 5 times) to stay quick.</summary>
public sealed class AuthoringServer : IAsyncLifetime
{
    public ServerProcess Server { get; } = new(Repository.TempDirectory("authoring"), new Dictionary<string, string> { ["KataServer__ValidationReferenceRuns"] = "1" });
    public string Learner { get; private set; } = "";
    public string Instructor { get; private set; } = "";
    public string OtherInstructor { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Learner = await Server.AddUserWithTokenAsync("lea@example.org", "learner");
        Instructor = await Server.AddUserWithTokenAsync("ian@example.org", "instructor");
        OtherInstructor = await Server.AddUserWithTokenAsync("oli@example.org", "instructor");
        await Server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Server.DataDirectory, recursive: true); } catch (IOException) { }
    }
}

public sealed class AuthoringTests(AuthoringServer fixture) : IClassFixture<AuthoringServer>
{
    private const string AdditionsTest = "    [KataTest(Description = \"Two threads add at once: Total counts every addition.\")]";

    [Fact]
    public async Task Learners_get_403_from_every_authoring_and_cohort_endpoint()
    {
        using var instructor = fixture.Server.Client(fixture.Instructor);
        (await instructor.PostAsJsonAsync("/api/authoring/katas", new { id = "learner-probe" })).EnsureSuccessStatusCode();
        var cohort = await (await instructor.PostAsJsonAsync("/api/cohorts", new { name = "probe" })).Content.ReadFromJsonAsync<JsonObject>();
        var cohortId = (string)cohort!["id"]!;
        using var learner = fixture.Server.Client(fixture.Learner);

        foreach (var (method, path) in new[]
        {
            ("GET", "/api/authoring/katas"), ("POST", "/api/authoring/katas"), ("POST", "/api/authoring/katas/import"),
            ("GET", "/api/authoring/katas/learner-probe"), ("GET", "/api/authoring/katas/hit-counter"), ("PUT", "/api/authoring/katas/learner-probe/files"),
            ("GET", "/api/authoring/katas/learner-probe/export"), ("GET", "/api/authoring/katas/hit-counter/export"),
            ("POST", "/api/authoring/katas/learner-probe/diagnostics"), ("POST", "/api/authoring/katas/learner-probe/validations"),
            ("POST", "/api/authoring/katas/learner-probe/publish"), ("GET", "/api/cohorts"), ("POST", "/api/cohorts"),
            ($"GET", $"/api/cohorts/{cohortId}"), ("GET", $"/api/cohorts/{cohortId}/export.csv"), ("POST", $"/api/cohorts/{cohortId}/invites"),
            ("DELETE", "/api/authoring/katas/learner-probe"), ("POST", "/api/authoring/katas/learner-probe/restore"),
            ("DELETE", $"/api/cohorts/{cohortId}/invites"), ("DELETE", $"/api/cohorts/{cohortId}"),
            ("GET", "/api/authoring/katas/learner-probe/authors"), ("POST", "/api/authoring/katas/learner-probe/authors"),
            ("DELETE", "/api/authoring/katas/learner-probe/authors/x"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : JsonContent.Create(new { }) };
            var response = await learner.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
        }

        using var anonymous = fixture.Server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/authoring/katas/learner-probe")).StatusCode);
        // Another instructor is not an author of this kata.
        using var other = fixture.Server.Client(fixture.OtherInstructor);
        await Api.AssertProblemAsync(await other.GetAsync("/api/authoring/katas/learner-probe"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await other.GetAsync($"/api/cohorts/{cohortId}"), HttpStatusCode.Forbidden);
        // ...nor may they delete, restore or revoke what is not theirs (the kata and cohort are still there afterwards).
        await Api.AssertProblemAsync(await other.DeleteAsync("/api/authoring/katas/learner-probe"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await other.PostAsync("/api/authoring/katas/learner-probe/restore", null), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await other.DeleteAsync($"/api/cohorts/{cohortId}/invites"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await other.DeleteAsync($"/api/cohorts/{cohortId}"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await other.DeleteAsync($"/api/cohorts/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await instructor.DeleteAsync("/api/authoring/katas/hit-counter"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await instructor.GetAsync("/api/authoring/katas/learner-probe")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await instructor.GetAsync($"/api/cohorts/{cohortId}")).StatusCode);
    }

    [Fact]
    public async Task A_co_author_sees_and_edits_the_hidden_parts_until_removed_and_only_the_owner_manages_authors()
    {
        using var owner = fixture.Server.Client(fixture.Instructor);
        using var colleague = fixture.Server.Client(fixture.OtherInstructor);
        using var learner = fixture.Server.Client(fixture.Learner);
        (await owner.PostAsJsonAsync("/api/authoring/katas", new { id = "shared-kata" })).EnsureSuccessStatusCode();
        await Api.AssertProblemAsync(await colleague.GetAsync("/api/authoring/katas/shared-kata"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await colleague.GetAsync("/api/authoring/katas/shared-kata/authors"), HttpStatusCode.Forbidden);

        // Learners, unknown emails and the owner cannot be added; nothing says whether a learner's account exists.
        var asLearner = await Api.AssertProblemAsync(await owner.PostAsJsonAsync("/api/authoring/katas/shared-kata/authors", new { email = "lea@example.org" }), HttpStatusCode.NotFound);
        var unknown = await Api.AssertProblemAsync(await owner.PostAsJsonAsync("/api/authoring/katas/shared-kata/authors", new { email = "nobody@example.org" }), HttpStatusCode.NotFound);
        Assert.Equal(((string)asLearner["detail"]!).Replace("lea@", "X@"), ((string)unknown["detail"]!).Replace("nobody@", "X@"));
        await Api.AssertProblemAsync(await owner.PostAsJsonAsync("/api/authoring/katas/shared-kata/authors", new { email = "ian@example.org" }), HttpStatusCode.Conflict);

        var authors = await (await owner.PostAsJsonAsync("/api/authoring/katas/shared-kata/authors", new { email = "oli@example.org" })).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Equal(["ian@example.org", "oli@example.org"], authors!.Select(a => (string)a!["email"]!));
        var colleagueId = (string)authors![1]!["userId"]!;

        // The co-author sees the hidden parts, lists the kata among theirs and saves a new revision...
        var view = await colleague.GetFromJsonAsync<JsonObject>("/api/authoring/katas/shared-kata");
        Assert.Contains("Interlocked", (string)view!["files"]!["reference.cs"]!);
        Assert.Contains((await colleague.GetFromJsonAsync<JsonArray>("/api/authoring/katas"))!, k => (string)k!["id"]! == "shared-kata");
        var files = view["files"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
        files["hints/for-authors.md"] = "# Notes between authors\n";
        (await colleague.PutAsJsonAsync("/api/authoring/katas/shared-kata/files", new { files, revision = (int)view["draftRevision"]! })).EnsureSuccessStatusCode();
        // ...but neither manages authors nor deletes the kata.
        await Api.AssertProblemAsync(await colleague.PostAsJsonAsync("/api/authoring/katas/shared-kata/authors", new { email = "ian@example.org" }), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await colleague.DeleteAsync($"/api/authoring/katas/shared-kata/authors/{colleagueId}"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await colleague.DeleteAsync("/api/authoring/katas/shared-kata"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await learner.GetAsync("/api/authoring/katas/shared-kata/export"), HttpStatusCode.Forbidden);

        // Removed, the colleague is out again.
        Assert.Single((await (await owner.DeleteAsync($"/api/authoring/katas/shared-kata/authors/{colleagueId}")).Content.ReadFromJsonAsync<JsonArray>())!);
        await Api.AssertProblemAsync(await colleague.GetAsync("/api/authoring/katas/shared-kata"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await colleague.GetAsync("/api/authoring/katas/shared-kata/export"), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await owner.DeleteAsync($"/api/authoring/katas/shared-kata/authors/{colleagueId}"), HttpStatusCode.NotFound);
        Assert.Contains("hints/for-authors.md", (await owner.GetFromJsonAsync<JsonObject>("/api/authoring/katas/shared-kata"))!["files"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Draft_files_must_be_named_inside_the_allowed_folders_and_extensions_on_save_and_import()
    {
        using var http = fixture.Server.Client(fixture.Instructor);
        var created = await (await http.PostAsJsonAsync("/api/authoring/katas", new { id = "named-files" })).Content.ReadFromJsonAsync<JsonObject>();
        var files = created!["files"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
        async Task<string> Refused(string path, string? text = "x", HttpStatusCode status = HttpStatusCode.BadRequest)
        {
            var attempt = new Dictionary<string, string?>(files) { [path] = text };
            var problem = await Api.AssertProblemAsync(await http.PutAsJsonAsync("/api/authoring/katas/named-files/files", new { files = attempt }), status);
            return (string)problem["detail"]!;
        }

        foreach (var traversal in new[] { "../evil.cs", "tests/../../evil.cs", "/etc/passwd", "tests\\evil.cs", "C:evil.cs", "tests/./x.cs", "" })
            Assert.Contains("not a file path inside the kata folder", await Refused(traversal));
        Assert.Contains("not in an allowed place", await Refused("scripts/run.cs"));
        Assert.Contains("not in an allowed place", await Refused("tests/deep/x.cs"));
        Assert.Contains("no allowed extension", await Refused("run.sh"));
        Assert.Contains("no allowed extension", await Refused("tests/CounterTests"));
        Assert.Contains("cannot start with '.'", await Refused("mutants/.hidden.cs"));
        Assert.Contains("at most 512 KiB", await Refused("mutants/huge.cs", new string('x', 600 * 1024), HttpStatusCode.RequestEntityTooLarge));
        Assert.Contains("'kata.json' is required", await Refused("kata.json", null));
        // None of the refused saves changed the draft.
        Assert.Equal(1, (int)(await http.GetFromJsonAsync<JsonObject>("/api/authoring/katas/named-files"))!["draftRevision"]!);

        // A mutant added the way the browser adds one (its file and its manifest entry) is what the loader then checks.
        var manifest = JsonNode.Parse(files["kata.json"]!)!.AsObject();
        manifest["mutants"]!.AsArray().Add(new JsonObject { ["file"] = "mutants/lock-on-new-object.cs", ["finding"] = "lost-update", ["mistake"] = "locks a new object each time" });
        files["kata.json"] = manifest.ToJsonString();
        var missing = await (await http.PutAsJsonAsync("/api/authoring/katas/named-files/files", new { files })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(missing!["problems"]!.AsArray(), p => ((string)p!).Contains("mutants[3].file") && ((string)p!).Contains("does not exist"));
        files["mutants/lock-on-new-object.cs"] = files["reference.cs"];
        var saved = await (await http.PutAsJsonAsync("/api/authoring/katas/named-files/files", new { files })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Empty(saved!["problems"]!.AsArray());
        Assert.Contains("lost-update", saved["rules"]!["findingKinds"]!.AsArray().Select(k => (string)k!));

        // An import is held to the same rules, naming the entry.
        var zip = Zip(files.Where(f => f.Value is not null).Select(f => (f.Key, f.Value!)).Append(("scripts/run.sh", "rm -rf /")).ToArray());
        var problem = await Api.AssertProblemAsync(await http.PostAsync("/api/authoring/katas/import?id=named-files", new ByteArrayContent(zip)), HttpStatusCode.BadRequest);
        Assert.Contains("scripts/run.sh", (string)problem["detail"]!);
    }

    [Fact]
    public async Task A_never_published_kata_is_deleted_a_cohort_is_deleted_and_revoked_invite_links_stop_working()
    {
        using var instructor = fixture.Server.Client(fixture.Instructor);
        using var learner = fixture.Server.Client(fixture.Learner);
        (await instructor.PostAsJsonAsync("/api/authoring/katas", new { id = "short-lived" })).EnsureSuccessStatusCode();
        var deleted = await (await instructor.DeleteAsync("/api/authoring/katas/short-lived")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("deleted", (string)deleted!["outcome"]!);
        await Api.AssertProblemAsync(await instructor.GetAsync("/api/authoring/katas/short-lived"), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await instructor.DeleteAsync("/api/authoring/katas/short-lived"), HttpStatusCode.NotFound);
        // The id is free again.
        Assert.Equal(HttpStatusCode.Created, (await instructor.PostAsJsonAsync("/api/authoring/katas", new { id = "short-lived" })).StatusCode);

        var cohort = await (await instructor.PostAsJsonAsync("/api/cohorts", new { name = "Revoked group" })).Content.ReadFromJsonAsync<JsonObject>();
        var cohortId = (string)cohort!["id"]!;
        var first = await (await instructor.PostAsJsonAsync($"/api/cohorts/{cohortId}/invites", new { days = 3 })).Content.ReadFromJsonAsync<JsonObject>();
        var second = await (await instructor.PostAsJsonAsync($"/api/cohorts/{cohortId}/invites", new { days = 3 })).Content.ReadFromJsonAsync<JsonObject>();
        (await learner.PostAsJsonAsync("/api/my/cohorts/join", new { token = (string)first!["token"]! })).EnsureSuccessStatusCode();
        var revoked = await (await instructor.DeleteAsync($"/api/cohorts/{cohortId}/invites")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(2, (int)revoked!["links"]!);
        await Api.AssertProblemAsync(await learner.PostAsJsonAsync("/api/my/cohorts/join", new { token = (string)second!["token"]! }), HttpStatusCode.NotFound);
        var fresh = await (await instructor.PostAsJsonAsync($"/api/cohorts/{cohortId}/invites", new { days = 3 })).Content.ReadFromJsonAsync<JsonObject>();
        (await learner.PostAsJsonAsync("/api/my/cohorts/join", new { token = (string)fresh!["token"]! })).EnsureSuccessStatusCode();
        Assert.Single((await instructor.GetFromJsonAsync<JsonObject>($"/api/cohorts/{cohortId}"))!["members"]!.AsArray()); // members stayed members

        Assert.Equal(HttpStatusCode.NoContent, (await instructor.DeleteAsync($"/api/cohorts/{cohortId}")).StatusCode);
        await Api.AssertProblemAsync(await instructor.GetAsync($"/api/cohorts/{cohortId}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await learner.GetFromJsonAsync<JsonArray>("/api/my/cohorts"))!, c => (string)c!["id"]! == cohortId);
        await Api.AssertProblemAsync(await learner.PostAsJsonAsync("/api/my/cohorts/join", new { token = (string)fresh["token"]! }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cookie_signed_in_instructor_must_send_the_antiforgery_header_to_delete()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = fixture.Server.BaseAddress };
        (await browser.PostAsJsonAsync("/api/auth/signin", new { email = "ian@example.org", password = "correct-horse-battery" })).EnsureSuccessStatusCode();
        var xsrf = cookies.GetCookies(fixture.Server.BaseAddress)["XSRF-TOKEN"]!.Value;
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/cohorts") { Content = JsonContent.Create(new { name = "cookie group" }) };
        create.Headers.Add("X-XSRF-TOKEN", xsrf);
        var cohortId = (string)(await (await browser.SendAsync(create)).Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        await Api.AssertProblemAsync(await browser.DeleteAsync($"/api/cohorts/{cohortId}"), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await browser.DeleteAsync($"/api/cohorts/{cohortId}/invites"), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/cohorts/{cohortId}")).StatusCode);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/cohorts/{cohortId}");
        delete.Headers.Add("X-XSRF-TOKEN", xsrf);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(delete)).StatusCode);
    }

    [Fact]
    public async Task Hostile_uploads_get_a_problem_that_names_what_is_wrong()
    {
        using var http = fixture.Server.Client(fixture.Instructor);
        async Task<string> Refused(byte[] body, string query = "", HttpStatusCode status = HttpStatusCode.BadRequest)
        {
            var problem = await Api.AssertProblemAsync(await http.PostAsync($"/api/authoring/katas/import{query}", new ByteArrayContent(body)), status);
            return (string)problem["detail"]!;
        }

        Assert.Contains("not a zip", await Refused("hello, this is not a zip"u8.ToArray()));
        Assert.Contains("outside the kata folder", await Refused(Zip(("kata.json", "{}"), ("../../evil.cs", "x"))));
        Assert.Contains("absolute path", await Refused(Zip(("kata.json", "{}"), ("/etc/passwd", "x"))));
        Assert.Contains("appears twice", await Refused(Zip(("kata.json", "{}"), ("a.cs", "x"), ("A.cs", "y"))));
        Assert.Contains("'README.md' is 16384 KiB", await Refused(Zip(("kata.json", "{}"), ("README.md", new string(' ', 16 * 1024 * 1024))), ""));

        var hitCounter = await http.GetByteArrayAsync("/api/authoring/katas/hit-counter/export");
        Assert.Contains("says id 'hit-counter'", await Refused(hitCounter, "?id=my-hits"));
        Assert.Contains("copy it to edit", await Refused(hitCounter, "", HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PutAsJsonAsync("/api/authoring/katas/hit-counter/files", new { files = new { a = "b" } })).StatusCode);
    }

    [Fact]
    public async Task A_copied_built_in_kata_exports_as_the_same_files_and_a_broken_save_lists_its_problems()
    {
        using var http = fixture.Server.Client(fixture.Instructor);
        var created = await http.PostAsJsonAsync("/api/authoring/katas", new { id = "my-deadlock", from = "deadlock-transfer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var copy = KataArchive.Read(await http.GetByteArrayAsync("/api/authoring/katas/my-deadlock/export"));
        var original = KataFiles.FromFolder(Path.Combine(Repository.Root, "katas", "deadlock-transfer"));
        Assert.Equal(original.Files.Keys, copy.Files.Keys);
        foreach (var path in original.Files.Keys.Where(p => p != "kata.json")) Assert.Equal(original.Files[path], copy.Files[path]);
        Assert.Contains("\"id\": \"my-deadlock\"", copy.Text("kata.json"));

        var view = await (await http.GetAsync("/api/authoring/katas/my-deadlock")).Content.ReadFromJsonAsync<JsonObject>();
        var files = view!["files"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
        files["reference.cs"] = null; // deleted
        var saved = await (await http.PutAsJsonAsync("/api/authoring/katas/my-deadlock/files", new { files, revision = (int)view["draftRevision"]! })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(saved!["problems"]!.AsArray(), p => ((string)p!).Contains("reference.cs") && ((string)p!).Contains("does not exist"));
        await Api.AssertProblemAsync(await http.PostAsync("/api/authoring/katas/my-deadlock/validations", null), HttpStatusCode.BadRequest);
        // A save from a stale editor is refused rather than overwriting.
        await Api.AssertProblemAsync(await http.PutAsJsonAsync("/api/authoring/katas/my-deadlock/files", new { files, revision = 1 }), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await http.PutAsJsonAsync("/api/authoring/katas/my-deadlock/files", new { files = new Dictionary<string, string> { ["../x.cs"] = "x" } }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_weak_test_blocks_publishing_naming_the_mutant_and_the_strengthened_kata_is_published_graded_and_shown_to_the_cohort()
    {
        using var instructor = fixture.Server.Client(fixture.Instructor);
        using var learner = fixture.Server.Client(fixture.Learner);
        var created = await (await instructor.PostAsJsonAsync("/api/authoring/katas", new { id = "tiny-counter" })).Content.ReadFromJsonAsync<JsonObject>();
        var files = created!["files"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        var strong = files["tests/CounterTests.cs"];
        var weak = strong[..strong.IndexOf(AdditionsTest, StringComparison.Ordinal)].TrimEnd() + "\n}\n";
        files["tests/CounterTests.cs"] = weak;
        (await instructor.PutAsJsonAsync("/api/authoring/katas/tiny-counter/files", new { files })).EnsureSuccessStatusCode();

        var failed = await ValidateAsync(instructor, "tiny-counter");
        Assert.False((bool)failed["passed"]!);
        var mutants = failed["report"]!["mutants"]!.AsArray();
        Assert.False((bool)mutants.Single(m => (string)m!["name"]! == "add-not-atomic")!["caught"]!);
        Assert.True((bool)mutants.Single(m => (string)m!["name"]! == "increment-not-atomic")!["caught"]!);
        Assert.NotNull(mutants.Single(m => (string)m!["name"]! == "increment-not-atomic")!["schedules"]);
        var refused = await Api.AssertProblemAsync(await instructor.PostAsync("/api/authoring/katas/tiny-counter/publish", null), HttpStatusCode.Conflict);
        Assert.Contains("mutant add-not-atomic", (string)refused["detail"]!);
        Assert.DoesNotContain((await learner.GetFromJsonAsync<JsonArray>("/api/katas"))!, k => (string)k!["id"]! == "tiny-counter");

        files["tests/CounterTests.cs"] = strong;
        (await instructor.PutAsJsonAsync("/api/authoring/katas/tiny-counter/files", new { files })).EnsureSuccessStatusCode();
        var passed = await ValidateAsync(instructor, "tiny-counter");
        Assert.True((bool)passed["passed"]!, passed.ToJsonString());
        var published = await (await instructor.PostAsync("/api/authoring/katas/tiny-counter/publish", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1, (int)published!["latestVersion"]!);

        // The learner joins the cohort by link, sees the assignment and solves it; the cohort page shows the attempt.
        var cohort = await (await instructor.PostAsJsonAsync("/api/cohorts", new { name = "=Tuesday group" })).Content.ReadFromJsonAsync<JsonObject>();
        var cohortId = (string)cohort!["id"]!;
        (await instructor.PutAsJsonAsync($"/api/cohorts/{cohortId}/assignments/tiny-counter", new { dueAt = DateTime.UtcNow.AddDays(7) })).EnsureSuccessStatusCode();
        var invite = await (await instructor.PostAsJsonAsync($"/api/cohorts/{cohortId}/invites", new { days = 3 })).Content.ReadFromJsonAsync<JsonObject>();
        await Api.AssertProblemAsync(await learner.PostAsJsonAsync("/api/my/cohorts/join", new { token = "guessed" }), HttpStatusCode.NotFound);
        (await learner.PostAsJsonAsync("/api/my/cohorts/join", new { token = (string)invite!["token"]! })).EnsureSuccessStatusCode();
        var mine = await learner.GetFromJsonAsync<JsonArray>("/api/my/cohorts");
        Assert.Equal("tiny-counter", (string)mine!.Single()!["assignments"]![0]!["kata"]!);

        var detail = await learner.GetStringAsync("/api/katas/tiny-counter");
        Assert.DoesNotContain("Interlocked.Add", detail); // the reference stays hidden
        Assert.DoesNotContain("AdditionsAreNotLost", detail);
        var starterAttempt = await Api.SubmitAsync(learner, "tiny-counter", files["starter.cs"]);
        var first = await Api.WaitUntilFinishedAsync(learner, starterAttempt, TimeSpan.FromMinutes(3));
        Assert.Equal("failed", (string)first["report"]!["verdict"]!);
        var solved = await Api.WaitUntilFinishedAsync(learner, await Api.SubmitAsync(learner, "tiny-counter", files["reference.cs"]), TimeSpan.FromMinutes(3));
        Assert.Equal("passed", (string)solved["report"]!["verdict"]!);
        Assert.Equal(1, (int)solved["kataVersion"]!);

        var pageResponse = await instructor.GetAsync($"/api/cohorts/{cohortId}");
        Assert.True(pageResponse.IsSuccessStatusCode, await pageResponse.Content.ReadAsStringAsync());
        var page = await pageResponse.Content.ReadFromJsonAsync<JsonObject>();
        var stats = page!["katas"]!.AsArray().Single()!;
        Assert.Equal(1.0, (double)stats["passRate"]!);
        Assert.Equal(2.0, (double)stats["medianAttemptsToPass"]!);
        Assert.Equal("lost-update", (string)stats["findingKinds"]![0]!["name"]!);
        Assert.Equal(2, page["learners"]!.AsArray().Single()!["attempts"]!.AsArray().Count);

        var csv = await instructor.GetStringAsync($"/api/cohorts/{cohortId}/export.csv");
        Assert.StartsWith("learner,email,kata,kata_version,attempt", csv);
        Assert.Contains("lea@example.org,tiny-counter,1,2,", csv);

        // Deleting a published kata archives it: learners no longer see or submit it, their submissions stay readable,
        // the cohort page still shows the attempts, and the id stays taken; restoring brings it back.
        var archived = await (await instructor.DeleteAsync("/api/authoring/katas/tiny-counter")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("archived", (string)archived!["outcome"]!);
        Assert.DoesNotContain((await learner.GetFromJsonAsync<JsonArray>("/api/katas"))!, k => (string)k!["id"]! == "tiny-counter");
        await Api.AssertProblemAsync(await learner.GetAsync("/api/katas/tiny-counter"), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await learner.PostAsJsonAsync("/api/submissions", new { kata = "tiny-counter", code = files["reference.cs"], mode = "submit" }), HttpStatusCode.NotFound);
        var kept = await Api.GetAsync(learner, Guid.Parse((string)solved["id"]!));
        Assert.Equal("passed", (string)kept["report"]!["verdict"]!);
        Assert.Equal(1, (int)kept["kataVersion"]!);
        Assert.Equal(2, (await instructor.GetFromJsonAsync<JsonObject>($"/api/cohorts/{cohortId}"))!["learners"]!.AsArray().Single()!["attempts"]!.AsArray().Count);
        await Api.AssertProblemAsync(await instructor.PostAsJsonAsync("/api/authoring/katas", new { id = "tiny-counter" }), HttpStatusCode.Conflict);
        await Api.AssertProblemAsync(await instructor.PutAsJsonAsync("/api/authoring/katas/tiny-counter/files", new { files }), HttpStatusCode.Conflict);
        var restored = await (await instructor.PostAsync("/api/authoring/katas/tiny-counter/restore", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Null(restored!["archivedAt"]);
        Assert.Contains((await learner.GetFromJsonAsync<JsonArray>("/api/katas"))!, k => (string)k!["id"]! == "tiny-counter");
    }

    private static async Task<JsonObject> ValidateAsync(HttpClient http, string id)
    {
        var response = await http.PostAsync($"/api/authoring/katas/{id}/validations", null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var sawProgress = false;
        while (true)
        {
            var run = (await http.GetFromJsonAsync<JsonObject>(location))!;
            if ((string)run["status"]! == "running" && (int)run["total"]! > 0) sawProgress = true;
            if ((string)run["status"]! is "done" or "error")
            {
                Assert.True((string)run["status"]! == "done", run.ToJsonString());
                Assert.True(sawProgress || (int)run["total"]! > 0);
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"validation still {run["status"]}");
            await Task.Delay(300);
        }
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open());
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}
