using System.Diagnostics;
using System.Text.Json;
using KataServer.Bench.Coyote.Comparison;
using KataServer.Katas;

namespace KataServer.Bench.Coyote.Coyote;

/// <summary>
/// Coyote's side: build the mutant for Coyote, then run its test engine in a child process over every seed and both
/// configurations (default, and with its opt-in memory-access race checking), with the same schedule budget as ours.
/// </summary>
public sealed class CoyoteSide(CoyoteBuild build, double timeScale)
{
    public static readonly string[] Configurations = [CoyoteConfigurations.Default, CoyoteConfigurations.MemoryAccessRaces];

    public sealed record Result(IReadOnlyDictionary<string, EngineSummary> ByConfiguration, IReadOnlyList<string> Uncontrolled);

    public async Task<Result> RunAsync(Kata kata, LoadedMutant mutant, IReadOnlyList<string> tests, IReadOnlyList<ulong> seeds)
    {
        var (results, uncontrolled) = await RunAsync(kata, mutant.Name, mutant.Source, tests, seeds);
        var byConfiguration = Configurations.ToDictionary(
            configuration => configuration,
            configuration => new EngineSummary(seeds.Select(seed => Outcome(
                results.Where(r => r.Configuration == configuration && r.Seed == seed).ToList(), mutant)).ToList()));
        return new Result(byConfiguration, uncontrolled);
    }

    /// <summary>The kata's reference solution with seed 1: every iteration runs to its end (the rate a passing grade
    /// sees), and any bug is a false alarm.</summary>
    public async Task<IReadOnlyDictionary<string, (long Iterations, double Milliseconds, string? FalseAlarm)>> RunReferenceAsync(Kata kata, IReadOnlyList<string> tests)
    {
        var (results, _) = await RunAsync(kata, "reference", kata.Reference, tests, [1]);
        return Configurations.ToDictionary(
            configuration => configuration,
            configuration =>
            {
                var runs = results.Where(r => r.Configuration == configuration).ToList();
                var alarm = runs.FirstOrDefault(r => r.BugFound);
                return ((long)runs.Sum(r => r.Iterations), runs.Sum(r => r.Milliseconds),
                    alarm is null ? null : $"{alarm.Test}: {alarm.Kind} ({Shorten(alarm.Message)})");
            });
    }

    private async Task<(IReadOnlyList<CoyoteRunResult> Results, IReadOnlyList<string> Uncontrolled)> RunAsync(
        Kata kata, string name, SourceText source, IReadOnlyList<string> tests, IReadOnlyList<ulong> seeds)
    {
        var built = build.Build(kata, name, source);
        var job = new CoyoteJob
        {
            AssemblyPath = built.AssemblyPath,
            Tests = tests,
            Seeds = seeds,
            Configurations = Configurations,
            Iterations = (uint)kata.Manifest.Budgets.ExploreSchedules,
            SecondsPerTest = kata.Manifest.Budgets.ExploreSeconds * timeScale,
        };
        var results = await RunChildAsync(job);
        var seen = results.SelectMany(r => r.UncontrolledInvocations).Select(ShortName);
        return (results, [.. built.UncontrolledApis.Concat(seen).Distinct().Order(StringComparer.Ordinal)]);
    }

    /// <summary>Found when a test's bug is of a kind the mutant accepts (Coyote's deadlock stands for our deadlock and hang).</summary>
    private static SeedOutcome Outcome(IReadOnlyList<CoyoteRunResult> runs, LoadedMutant mutant)
    {
        var accepted = mutant.Spec.AcceptedFindings.ToHashSet();
        bool Accepts(CoyoteRunResult r) => r.BugFound && r.Kind is { } kind && (accepted.Contains(kind) || (kind == "deadlock" && accepted.Contains("hang")));
        var hits = runs.Where(Accepts).ToList();
        var other = runs.FirstOrDefault(r => r.BugFound && !Accepts(r));
        var stopped = runs.FirstOrDefault(r => r.Stopped);
        var note = hits.Count > 0 ? null
            : other is not null ? $"found {other.Kind}, not what the mutant breaks ({Shorten(other.Message)})"
            : stopped is not null ? "stopped at the wall-clock limit before the schedule budget"
            : null;
        return new SeedOutcome(hits.Count > 0, hits.Count > 0 ? hits.Min(r => r.BugIteration) : null,
            runs.Sum(r => r.Iterations), runs.Sum(r => r.Milliseconds), note);
    }

    private static async Task<IReadOnlyList<CoyoteRunResult>> RunChildAsync(CoyoteJob job)
    {
        var jobPath = Path.ChangeExtension(job.AssemblyPath, ".job.json");
        await File.WriteAllTextAsync(jobPath, JsonSerializer.Serialize(job, CoyoteConfigurations.Json));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(CoyoteSide).Assembly.Location, "coyote-child", jobPath }) start.ArgumentList.Add(arg);
        start.Environment["COYOTE_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new BenchFailure("could not start the Coyote child process");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Every engine run stops itself at its time limit; this is for a child stuck outside the engine.
        var limit = TimeSpan.FromSeconds(job.SecondsPerTest * job.Tests.Count * job.Seeds.Count * job.Configurations.Count + 120);
        using var watchdog = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(watchdog.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var results = (await stdout).Split('\n')
            .Where(line => line.StartsWith(CoyoteConfigurations.ResultPrefix, StringComparison.Ordinal))
            .Select(line => JsonSerializer.Deserialize<CoyoteRunResult>(line[CoyoteConfigurations.ResultPrefix.Length..], CoyoteConfigurations.Json)!)
            .ToList();
        var expected = job.Tests.Count * job.Seeds.Count * job.Configurations.Count;
        if (results.Count < expected)
        {
            var why = watchdog.IsCancellationRequested ? $"killed after {limit.TotalSeconds:0} s" : $"exit code {process.ExitCode}";
            throw new BenchFailure($"the Coyote child for {Path.GetFileName(job.AssemblyPath)} gave {results.Count} of {expected} results ({why}):\n{Shorten(await stderr, 2000)}");
        }

        return results;
    }

    /// <summary>The type of an invocation Coyote reported ("System.Threading.ManualResetEventSlim..ctor()" gives "ManualResetEventSlim").</summary>
    private static string ShortName(string invocation)
    {
        var name = invocation.Split('(')[0].Replace("..ctor", ".ctor", StringComparison.Ordinal);
        var parts = name.Split('.');
        return parts.Length >= 2 ? parts[^2] : name;
    }

    private static string Shorten(string? text, int max = 120)
    {
        var line = (text ?? "").ReplaceLineEndings(" ").Trim();
        return line.Length <= max ? line : line[..max] + "…";
    }
}
