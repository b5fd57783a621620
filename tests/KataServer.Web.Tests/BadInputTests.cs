using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace KataServer.Web.Tests;

[Collection("server")]
public sealed class BadInputTests(ServerFixture fixture)
{
    private async Task<HttpResponseMessage> PostRawAsync(string json, string? token)
    {
        using var http = fixture.Server.Client(token);
        return await http.PostAsync("/api/submissions", new StringContent(json, Encoding.UTF8, "application/json"));
    }

    private static string Body(string kata, string code) => new JsonObject { ["kata"] = kata, ["code"] = code }.ToJsonString();

    [Fact]
    public async Task Code_over_256_KiB_is_413()
    {
        var problem = await Api.AssertProblemAsync(await PostRawAsync(Body("hit-counter", "//" + new string('a', 300 * 1024)), fixture.LearnerToken), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("256 KiB", (string?)problem["detail"]);
        // A body far beyond any solution is cut off by the request size limit, still as ProblemDetails.
        await Api.AssertProblemAsync(await PostRawAsync(Body("hit-counter", "//" + new string('a', 3 * 1024 * 1024)), fixture.LearnerToken), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Binary_code_is_400_with_the_reason()
    {
        var problem = await Api.AssertProblemAsync(await PostRawAsync(Body("hit-counter", "\0\u0001\u0002ELF\0\0\0" + new string('\u0003', 40)), fixture.LearnerToken), HttpStatusCode.BadRequest);
        Assert.Contains("binary", (string?)problem["detail"]);
    }

    [Theory]
    [InlineData("{\"kata\": ")]
    [InlineData("{\"kata\": 5, \"code\": []}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("not json at all")]
    public async Task Malformed_json_is_400(string json) =>
        await Api.AssertProblemAsync(await PostRawAsync(json, fixture.LearnerToken), HttpStatusCode.BadRequest);

    [Fact]
    public async Task An_unknown_kata_or_mode_is_refused()
    {
        await Api.AssertProblemAsync(await PostRawAsync(Body("no-such-kata", "class C { }"), fixture.LearnerToken), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await PostRawAsync("{\"kata\":\"hit-counter\",\"code\":\"class C { }\",\"mode\":\"fast\"}", fixture.LearnerToken), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await PostRawAsync("{\"kata\":\"hit-counter\",\"code\":\"class C { }\",\"mode\":\"replay\",\"replay\":\"no-at-sign\"}", fixture.LearnerToken), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_missing_unknown_or_revoked_token_is_401()
    {
        await Api.AssertProblemAsync(await PostRawAsync(Body("hit-counter", "class C { }"), null), HttpStatusCode.Unauthorized);
        await Api.AssertProblemAsync(await PostRawAsync(Body("hit-counter", "class C { }"), "kst_made-up"), HttpStatusCode.Unauthorized);

        using var http = fixture.Server.Client(fixture.LearnerToken);
        var created = (await (await http.PostAsJsonAsync("/api/tokens", new { name = "short-lived" })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var second = fixture.Server.Client((string)created["token"]!);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/submissions")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/tokens/{created["id"]}")).StatusCode);
        await Api.AssertProblemAsync(await second.GetAsync("/api/submissions"), HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", (await second.GetAsync("/api/submissions")).Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Unknown_paths_and_ids_are_404_problems()
    {
        using var http = fixture.Server.Client(fixture.LearnerToken);
        await Api.AssertProblemAsync(await http.GetAsync($"/api/submissions/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await http.GetAsync("/api/katas/no-such-kata"), HttpStatusCode.NotFound);
        await Api.AssertProblemAsync(await http.GetAsync("/api/no-such-endpoint"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_account_commands_exit_non_zero_with_a_message_on_bad_input()
    {
        var server = fixture.Server;
        var badRole = await server.RunCommandAsync("correct-horse-battery", "users", "add", "eve@example.org", "--role", "root");
        Assert.Equal(2, badRole.ExitCode);
        Assert.Contains("--role must be learner, instructor or admin", badRole.Errors);

        var noPassword = await server.RunCommandAsync(null, "users", "add", "eve@example.org", "--role", "learner");
        Assert.Equal(2, noPassword.ExitCode);
        Assert.Contains("no password", noPassword.Errors);

        var weak = await server.RunCommandAsync("short", "users", "add", "eve@example.org", "--role", "learner");
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("at least 8 characters", weak.Errors);

        var taken = await server.RunCommandAsync("correct-horse-battery", "users", "add", "ada@example.org", "--role", "learner");
        Assert.Equal(1, taken.ExitCode);

        var nobody = await server.RunCommandAsync(null, "tokens", "create", "nobody@example.org");
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("no user nobody@example.org", nobody.Errors);
        Assert.Equal("", nobody.Output);
    }

    [Fact]
    public async Task Health_reports_the_database_the_job_store_and_the_worker()
    {
        using var http = fixture.Server.Client();
        var health = (await http.GetFromJsonAsync<JsonObject>("/api/health"))!;
        Assert.Equal("healthy", (string?)health["status"]);
        Assert.Equal(1, (int)health["workers"]!);
        Assert.Equal("application/json", (await http.GetAsync("/openapi/v1.json")).Content.Headers.ContentType?.MediaType);
    }
}
