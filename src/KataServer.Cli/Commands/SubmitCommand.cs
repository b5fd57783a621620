using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KataServer.Cli.Output;
using KataServer.Compilation;
using KataServer.Grading.Reports;
using KataServer.Testing.Protocol;

namespace KataServer.Cli.Commands;

/// <summary>Grades on a KataServer: posts the file, streams the progress, prints the same report as <c>kata grade</c>.</summary>
public sealed class SubmitCommand : ICommand
{
    public const string DefaultServer = "http://127.0.0.1:5917";

    public string Usage => "submit <kata> <file.cs> [--server URL] [--token TOKEN] [--mode submit|run] [--json]";
    public string Summary => "grade on a server (token from --token or KATA_TOKEN, server from --server or KATA_SERVER); exit codes as grade";

    public async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var kata = args.Required(0, "kata id");
        var file = args.Required(1, "solution file");
        args.ExpectAtMost(2);
        var server = args.Option("server") ?? Environment.GetEnvironmentVariable("KATA_SERVER") ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            throw new UsageException($"--server must be an http(s) URL (not '{server}')");
        var token = args.Option("token") ?? Environment.GetEnvironmentVariable("KATA_TOKEN")
            ?? throw new UsageException("--token is required (or set KATA_TOKEN); create one with: dotnet run --project src/KataServer.Web -- tokens create EMAIL");
        var mode = args.Option("mode") ?? "submit";
        if (mode is not ("submit" or "run")) throw new UsageException($"--mode must be submit or run (not '{mode}')");
        // The server judges the code the same way; saying it here saves a round trip.
        if (!SubmissionSource.TryRead(SubmissionFile.Read(file), Path.GetFileName(file), out var code, out var unreadable))
            throw new UsageException(unreadable!);

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage posted;
        try
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/submissions") { Content = JsonContent.Create(new { kata, code, mode }) };
            post.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            posted = await http.SendAsync(post);
        }
        catch (HttpRequestException e)
        {
            await errors.WriteLineAsync($"error: cannot reach {baseAddress}: {e.Message}");
            return ExitCodes.InternalError;
        }

        if (posted.StatusCode != HttpStatusCode.Accepted)
        {
            await errors.WriteLineAsync($"error: the server refused the submission ({(int)posted.StatusCode}): {await ProblemText(posted)}");
            return (int)posted.StatusCode is >= 400 and < 500 ? ExitCodes.BadInput : ExitCodes.InternalError;
        }

        var id = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var json = args.Flag("json");
        var progress = new ProgressLine(errors, live: !json && CommandLine.IsTerminal(errors));
        var done = await StreamAsync(http, id, json ? null : progress);
        progress.Clear();
        if ((string?)done["status"] != "done" || done["report"] is not JsonObject reportJson)
        {
            await errors.WriteLineAsync($"error: the server could not grade submission {id}: {(string?)done["error"] ?? "no report"}");
            return ExitCodes.InternalError;
        }

        var report = reportJson.Deserialize<GradeReport>(ProtocolJson.Options)!;
        if (json) output.WriteLine(Json.Serialize(report));
        else ReportPrinter.Print(report, output);
        return GradeCommand.ExitCodeOf(report);
    }

    /// <summary>Reads the server-sent events until <c>done</c>, passing progress on; returns the done event's data.</summary>
    private static async Task<JsonObject> StreamAsync(HttpClient http, string id, IProgress<GradeProgress>? progress)
    {
        using var response = await http.GetAsync($"/api/submissions/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"events of {id}: {(int)response.StatusCode} {await ProblemText(response)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var data = JsonNode.Parse(line["data: ".Length..])!.AsObject();
            if (name == "done") return data;
            progress?.Report(new GradeProgress((string)data["stage"]!, (string?)data["message"] ?? "", (long?)data["done"], (long?)data["total"], (string?)data["test"]));
        }

        throw new HttpRequestException($"the server closed the event stream of {id} before the grade was done");
    }

    private static async Task<string> ProblemText(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            var problem = JsonNode.Parse(text);
            return $"{(string?)problem?["title"]}{((string?)problem?["detail"] is { } detail ? ": " + detail : "")}";
        }
        catch (JsonException)
        {
            return text.Length > 200 ? text[..200] : text;
        }
    }
}
