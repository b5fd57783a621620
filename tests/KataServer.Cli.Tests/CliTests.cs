using System.Text.Json;

namespace KataServer.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task ListShowsTheLearningPathInOrder()
    {
        var result = await KataProcess.RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        var hitCounter = result.Stdout.IndexOf("hit-counter", StringComparison.Ordinal);
        var bank = result.Stdout.IndexOf("deadlock-transfer", StringComparison.Ordinal);
        Assert.True(hitCounter > 0 && bank > hitCounter, result.Stdout);
    }

    [Fact]
    public async Task BenchSeedsReportsEveryMutantOfTheKata()
    {
        var result = await KataProcess.RunAsync("bench", "seeds", "--kata", "hit-counter", "--repeat", "2");

        Assert.Equal(0, result.ExitCode);
        foreach (var mutant in new[] { "cas-without-retry", "volatile-read-write", "lock-new-object", "thread-local-count" })
            Assert.Contains($"| hit-counter / {mutant} | 2000 |", result.Stdout);
        Assert.DoesNotContain("never found", result.Stdout);
        Assert.Equal(0, result.Stdout.Split('\n').Count(line => line.StartsWith("| hit-counter /", StringComparison.Ordinal) && !line.Contains("| 0/2 |", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task UnknownBenchmarkIsBadUsage()
    {
        var result = await KataProcess.RunAsync("bench", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown benchmark 'nope'", result.Stderr);
    }

    private static async Task<string> PlainIncrementReplayTokenAsync()
    {
        var found = await KataProcess.RunAsync("grade", "hit-counter", KataProcess.CorpusFile("hit-counter", "bug-plain-increment.cs"), "--mode", "explore", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(found.Stdout);
        return json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => f.TryGetProperty("replay", out var r) ? r.GetString() : null).First(r => r is not null)!;
    }

    [Fact]
    public async Task ReplayOfACutTokenIsBadInputSayingTheTokenIsCorrupt()
    {
        string token = await PlainIncrementReplayTokenAsync();

        var result = await KataProcess.RunAsync("replay", "hit-counter", KataProcess.CorpusFile("hit-counter", "bug-plain-increment.cs"), token[..(token.Length - 12)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("this replay token is corrupt", result.Stderr);
        Assert.DoesNotContain("Your code printed", result.Stdout);
        Assert.DoesNotContain("Exception", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task ReplayOfATokenNamingAnotherKatasTestIsBadInput()
    {
        string token = await PlainIncrementReplayTokenAsync();

        var result = await KataProcess.RunAsync("replay", "hit-counter", KataProcess.CorpusFile("hit-counter", "bug-plain-increment.cs"),
            "OppositeTransfers" + token[token.IndexOf('@')..]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("names the test 'OppositeTransfers'", result.Stderr);
    }

    [Fact]
    public async Task ReplayAgainstTheFixedFileSaysTheInterleavingNoLongerFitsNotPassed()
    {
        string token = await PlainIncrementReplayTokenAsync();

        var result = await KataProcess.RunAsync("replay", "hit-counter", KataProcess.CorpusFile("hit-counter", "ok-lock.cs"), token);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("replay of NoLostIncrementsUnderContention: this interleaving no longer", result.Stdout);
        Assert.Contains("grade the file for a verdict", result.Stdout);
        Assert.DoesNotContain("PASSED", result.Stdout);
        Assert.DoesNotContain("100/100", result.Stdout);
    }

    [Theory]
    [InlineData("grade", "no-such-kata", "x.cs", "--json")]
    [InlineData("grade", "hit-counter", "x.cs", "--mode", "sideways", "--json")]
    [InlineData("no-such-command", "--json")]
    [InlineData("replay", "hit-counter", "x.cs", "NoLostIncrements@ks1.%", "--json")]
    public async Task JsonUsageErrorsPrintOneJsonObjectOnStdout(params string[] args)
    {
        var result = await KataProcess.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal("usage", json.RootElement.GetProperty("error").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task SwappedKataAndFileGiveAHint()
    {
        var result = await KataProcess.RunAsync("grade", "my-bank.cs", "deadlock-transfer");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'my-bank.cs' is a file, not a kata: put the kata first, then the file (deadlock-transfer my-bank.cs)", result.Stderr);
    }

    [Fact]
    public async Task ShowPrintsTheStatementAndHowToGetTheStarter()
    {
        var result = await KataProcess.RunAsync("show", "deadlock-transfer");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("# Fix the deadlock", result.Stdout);
        Assert.Contains("kata show deadlock-transfer --starter > deadlock-transfer.cs", result.Stdout);
    }

    [Fact]
    public async Task ShowStarterPrintsTheStarterCodeAloneSoItCanBeSavedAndGraded()
    {
        var result = await KataProcess.RunAsync("show", "deadlock-transfer", "--starter");

        Assert.Equal(0, result.ExitCode);
        string starter = await File.ReadAllTextAsync(Path.Combine(KataProcess.RepositoryRoot, "katas", "deadlock-transfer", "starter.cs"));
        Assert.Equal(starter.TrimEnd() + "\n", result.Stdout);
    }

    [Fact]
    public async Task ShowHintsPrintsTheHintsAloneAndSaysWhenThereAreFewer()
    {
        var result = await KataProcess.RunAsync("show", "deadlock-transfer", "--hints", "9");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Hint 1 of 4: ", result.Stdout);
        Assert.Contains("Hint 4 of 4: ", result.Stdout);
        Assert.DoesNotContain("# Fix the deadlock", result.Stdout);
        Assert.Contains("deadlock-transfer has only 4 hints", result.Stderr);
    }

    [Fact]
    public async Task UnknownKataIsBadInputAndListsTheKnownOnes()
    {
        var result = await KataProcess.RunAsync("grade", "no-such-kata", "x.cs");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown kata 'no-such-kata'", result.Stderr);
        Assert.Contains("hit-counter", result.Stderr);
    }

    [Fact]
    public async Task MissingFileIsBadInput()
    {
        var result = await KataProcess.RunAsync("grade", "hit-counter", "/nonexistent/solution.cs");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr);
    }

    [Fact]
    public async Task MissingArgumentsAreBadUsage()
    {
        var result = await KataProcess.RunAsync("grade");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: kata grade", result.Stderr);
    }

    [Fact]
    public async Task EmptyFileIsBadInputWithAJsonReport()
    {
        var file = Path.GetTempFileName();
        try
        {
            var result = await KataProcess.RunAsync("grade", "hit-counter", file, "--json");

            Assert.Equal(2, result.ExitCode);
            using var json = JsonDocument.Parse(result.Stdout);
            Assert.Equal("compile_error", json.RootElement.GetProperty("verdict").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PassingSolutionExitsZeroWithOneJsonObject()
    {
        // The real process: stdout must hold the JSON object and nothing else, whatever else in the process writes.
        var result = await KataProcess.RunProcessAsync("grade", "hit-counter", KataProcess.CorpusFile("hit-counter", "ok-lock.cs"), "--json", "--mode", "stress");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout); // stdout holds the JSON object and nothing else
        var root = json.RootElement;
        Assert.Equal("hit-counter", root.GetProperty("kata").GetString());
        Assert.Equal("passed", root.GetProperty("verdict").GetString());
        Assert.InRange(root.GetProperty("score").GetInt32(), 1, 100);
        Assert.All(root.GetProperty("tests").EnumerateArray(), t =>
        {
            Assert.Equal("passed", t.GetProperty("outcome").GetString());
            Assert.True(t.GetProperty("durationMs").GetInt64() >= 0);
        });
        Assert.Empty(root.GetProperty("findings").EnumerateArray());
        var timings = root.GetProperty("timingsMs");
        foreach (var name in new[] { "compile", "explore", "stress", "total" }) Assert.True(timings.TryGetProperty(name, out _), name);
    }

    [Fact]
    public async Task FailingSolutionExitsOneAndNamesTheFinding()
    {
        var result = await KataProcess.RunAsync("grade", "hit-counter", KataProcess.CorpusFile("hit-counter", "bug-plain-increment.cs"), "--mode", "stress");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAILED", result.Stdout);
        Assert.Contains("[lost-update]", result.Stdout);
    }

    [Fact]
    public async Task BadModeIsBadUsage()
    {
        var result = await KataProcess.RunAsync("grade", "hit-counter", KataProcess.CorpusFile("hit-counter", "ok-lock.cs"), "--mode", "sideways");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--mode must be", result.Stderr);
    }

    [Fact]
    public async Task UnknownStrategyIsBadUsageNotACrashOfTheSubmission()
    {
        var result = await KataProcess.RunAsync("grade", "hit-counter", KataProcess.CorpusFile("hit-counter", "ok-lock.cs"), "--mode", "explore", "--strategy", "xyz");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--strategy must be one of random, pct, dfs, window, portfolio (not 'xyz')", result.Stderr);
        Assert.DoesNotContain("CRASHED", result.Stdout);
    }
}
