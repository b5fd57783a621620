using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace KataServer.Web.Tests;

/// <summary>A browser of its own: a cookie jar, and the session's antiforgery value once read.</summary>
public sealed class CandidateBrowser : IDisposable
{
    private readonly HttpClient http;
    public string? Xsrf;

    public CandidateBrowser(Uri server) => http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(120) };

    public Task<HttpResponseMessage> StartAsync(string secret) => http.PostAsJsonAsync("/api/candidate/start", new { token = secret });

    public async Task<JsonObject> PreviewAsync(string secret)
    {
        var response = await http.PostAsJsonAsync("/api/candidate/invitation", new { token = secret });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<JsonObject> SessionAsync()
    {
        var response = await http.GetAsync("/api/candidate/session");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var session = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Xsrf = (string)session["xsrf"]!;
        return session;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool withXsrf = true)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (withXsrf && Xsrf is not null) request.Headers.Add("X-XSRF-TOKEN", Xsrf);
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public void Dispose() => http.Dispose();
}
