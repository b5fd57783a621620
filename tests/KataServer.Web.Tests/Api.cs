using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KataServer.Web.Tests;

/// <summary>Small helpers over the HTTP API, as a client script would use it.</summary>
public static class Api
{
    public static string Corpus(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", file));

    public static async Task<Guid> SubmitAsync(HttpClient http, string kata, string code, string mode = "submit")
    {
        var response = await http.PostAsJsonAsync("/api/submissions", new { kata, code, mode });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var id = Guid.Parse((string)body!["id"]!);
        Assert.Equal($"/api/submissions/{id}", response.Headers.Location?.ToString());
        return id;
    }

    public static async Task<JsonObject> GetAsync(HttpClient http, Guid id)
    {
        var response = await http.GetAsync($"/api/submissions/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public sealed record ServerEvent(string Name, JsonNode Data);

    /// <summary>Reads the event stream until its <c>done</c> event.</summary>
    public static async Task<List<ServerEvent>> StreamAsync(HttpClient http, Guid id, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var response = await http.GetAsync($"/api/submissions/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var events = new List<ServerEvent>();
        string? name = null;
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(new ServerEvent(name ?? "message", JsonNode.Parse(line["data: ".Length..])!));
                if (name == "done") return events;
            }
        }

        throw new InvalidOperationException($"the stream ended without a done event after {events.Count} events");
    }

    public static async Task<JsonObject> WaitUntilFinishedAsync(HttpClient http, Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var submission = await GetAsync(http, id);
            if ((string?)submission["status"] is "done" or "error") return submission;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"submission {id} still {submission["status"]} after {timeout}");
            await Task.Delay(250);
        }
    }

    /// <summary>Asserts an error answer is ProblemDetails with the status and returns its body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        return problem;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
