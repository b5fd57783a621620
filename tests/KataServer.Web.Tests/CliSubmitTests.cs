using System.Diagnostics;
using System.Text.Json.Nodes;

namespace KataServer.Web.Tests;

/// <summary>`kata submit` against the real server: the same report as `kata grade --json`, the same exit codes.</summary>
[Collection("server")]
public sealed class CliSubmitTests(ServerFixture fixture)
{
    private static string KataDll
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(Repository.Root, "src", "KataServer.Cli", "bin", configuration, "net10.0", "kata.dll");
        }
    }

    private async Task<(int ExitCode, string Output, string Errors)> KataAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(KataDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("KATA_TOKEN");
        using var kata = Process.Start(start)!;
        var output = kata.StandardOutput.ReadToEndAsync();
        var errors = kata.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await kata.WaitForExitAsync(timeout.Token);
        return (kata.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task Kata_submit_prints_the_servers_report_and_exits_like_grade()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Corpus", "bug-lock-from-only.cs");
        var server = fixture.Server.BaseAddress.ToString();
        var (exit, output, errors) = await KataAsync("submit", "deadlock-transfer", file, "--server", server, "--token", fixture.LearnerToken, "--json");
        Assert.True(exit == 1, errors);
        var report = JsonNode.Parse(output)!;
        Assert.Equal("failed", (string?)report["verdict"]);
        Assert.NotEmpty(report["findings"]!.AsArray());

        var refused = await KataAsync("submit", "deadlock-transfer", file, "--server", server, "--token", "kst_not-a-token");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("401", refused.Errors);
        var unknown = await KataAsync("submit", "no-such-kata", file, "--server", server, "--token", fixture.LearnerToken);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no kata 'no-such-kata'", unknown.Errors);
    }
}
