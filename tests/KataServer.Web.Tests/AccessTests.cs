using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KataServer.Katas;

namespace KataServer.Web.Tests;

[Collection("server")]
public sealed class AccessTests(ServerFixture fixture)
{
    [Fact]
    public async Task A_learner_cannot_read_another_learners_submission_but_an_instructor_can()
    {
        using var ada = fixture.Server.Client(fixture.LearnerToken);
        using var bob = fixture.Server.Client(fixture.OtherLearnerToken);
        using var instructor = fixture.Server.Client(fixture.InstructorToken);
        var id = await Api.SubmitAsync(ada, "hit-counter", "public class HitCounter { }");

        await Api.AssertProblemAsync(await bob.GetAsync($"/api/submissions/{id}"), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await bob.GetAsync($"/api/submissions/{id}/events"), HttpStatusCode.NotFound);
        var bobs = JsonNode.Parse(await bob.GetStringAsync("/api/submissions"))!.AsArray();
        Assert.DoesNotContain(bobs, s => (string?)s!["id"] == id.ToString());

        var seen = await Api.GetAsync(instructor, id);
        Assert.Equal("public class HitCounter { }", (string?)seen["code"]);
        Assert.Equal("public class HitCounter { }", (string?)(await Api.GetAsync(ada, id))["code"]);
    }

    [Fact]
    public async Task No_endpoint_shows_a_katas_hidden_tests_reference_or_mutants()
    {
        using var http = fixture.Server.Client(fixture.LearnerToken);
        var catalog = KataCatalog.Load(Path.Combine(Repository.Root, "katas"));
        var answers = new List<string> { await http.GetStringAsync("/api/katas"), await http.GetStringAsync("/openapi/v1.json") };
        foreach (var kata in catalog.Katas)
        {
            answers.Add(await http.GetStringAsync($"/api/katas/{kata.Id}"));
            answers.Add(await http.GetStringAsync($"/api/katas/{kata.Id}/hints"));
            answers.Add(await http.GetStringAsync($"/api/katas/{kata.Id}/leaderboard"));
        }

        var everything = string.Join("\n", answers.SelectMany(a => Strings(JsonNode.Parse(a))));
        // What any kata shows (its starter, statement, hints) is public, even when another kata's hidden file has the same line.
        var shown = string.Join("\n", catalog.Katas.Select(k => k.Starter.Text + k.Statement + k.Manifest.Summary + string.Join("\n", k.Manifest.Hints)));
        foreach (var kata in catalog.Katas)
        {
            var hidden = kata.Tests.Append(kata.Reference).Concat(kata.Mutants.Select(m => m.Source))
                .SelectMany(f => f.Text.Split('\n'))
                .Select(l => l.Trim())
                .Where(l => l.Length >= 30 && !shown.Contains(l, StringComparison.Ordinal))
                .Distinct()
                .ToList();
            Assert.NotEmpty(hidden);
            foreach (var line in hidden) Assert.DoesNotContain(line, everything, StringComparison.Ordinal);
        }

        var one = JsonNode.Parse(await http.GetStringAsync("/api/katas/deadlock-transfer"))!.AsObject();
        Assert.Equal(["id", "title", "order", "difficulty", "topics", "summary", "statement", "starter", "hintCount"], one.Select(p => p.Key));
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value).Append(p.Key)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [Fact]
    public async Task A_cookie_signed_in_browser_must_send_the_antiforgery_header_on_writes()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = fixture.Server.BaseAddress };
        var signup = await browser.PostAsJsonAsync("/api/auth/signup", new { email = "cleo@example.org", password = "long-enough-1" });
        Assert.Equal(HttpStatusCode.OK, signup.StatusCode);

        var body = new { kata = "hit-counter", code = "public class HitCounter { }", mode = "run" };
        await Api.AssertProblemAsync(await browser.PostAsJsonAsync("/api/submissions", body), HttpStatusCode.BadRequest);

        var xsrf = cookies.GetCookies(fixture.Server.BaseAddress)["XSRF-TOKEN"]!.Value;
        using var withHeader = new HttpRequestMessage(HttpMethod.Post, "/api/submissions") { Content = JsonContent.Create(body) };
        withHeader.Headers.Add("X-XSRF-TOKEN", xsrf);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.SendAsync(withHeader)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account()
    {
        using var http = fixture.Server.Client();
        await http.PostAsJsonAsync("/api/auth/signup", new { email = "dora@example.org", password = "long-enough-1" });
        for (var i = 0; i < 5; i++) await http.PostAsJsonAsync("/api/auth/signin", new { email = "dora@example.org", password = "wrong-password" });
        var locked = await Api.AssertProblemAsync(
            await http.PostAsJsonAsync("/api/auth/signin", new { email = "dora@example.org", password = "long-enough-1" }), HttpStatusCode.Locked);
        Assert.NotNull(locked["lockoutEnd"]);
    }

    [Fact]
    public async Task An_idempotency_key_makes_a_retry_return_the_first_submission()
    {
        using var http = fixture.Server.Client(fixture.LearnerToken);
        var key = Guid.NewGuid().ToString();
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/submissions")
            {
                Content = JsonContent.Create(new { kata = "hit-counter", code = "public class HitCounter { }", mode = "run" }),
            };
            post.Headers.Add("Idempotency-Key", key);
            var response = await http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
        }

        Assert.Equal(ids[0], ids[1]);
    }
}
