using System.Text.Json;
using KataServer.Grading.Reports;
using KataServer.Grading.Sandbox;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Runs;

/// <summary>
/// Folds the runner's (verified) messages into test reports and findings, and checks them against the grader's own
/// <see cref="RunPlan"/> and the way the process ended. Any doubt (<see cref="Distrust"/>) discards everything the run
/// said and leaves one <c>integrity</c> finding instead.
/// </summary>
internal sealed class RunnerReport(RunRequest request, RunPlan plan, string stage, Action<GradeProgress> progress)
{
    /// <summary>No real run counts more schedules or iterations, or takes longer than a day per test.</summary>
    private const long MaxCount = 1_000_000_000_000;
    private const long MaxDurationMs = 86_400_000;
    /// <summary>Operations per second a benchmark can report: above a trillion, or (when not zero) below one per
    /// million seconds, the figure is not a measurement (and would make the ratio infinite).</summary>
    private const double MaxOpsPerSecond = 1e12;
    private const double MinOpsPerSecond = 1e-6;

    private readonly RunMode mode = request.Mode;
    private readonly object gate = new();
    private readonly List<TestReport> tests = [];
    private readonly List<FindingData> findings = [];
    private readonly List<ThroughputData> throughput = [];
    private readonly List<string> distrust = [];
    private IReadOnlyList<string>? announced;
    private string? running;
    private bool done;
    private bool measured;

    private string ModeName => mode.ToString().ToLowerInvariant();

    public void Distrust(string reason)
    {
        lock (gate) if (distrust.Count < 5) distrust.Add(reason);
    }

    public void Accept(string line)
    {
        lock (gate) AcceptLocked(line);
    }

    private void AcceptLocked(string line)
    {
        RunnerMessage? message;
        try { message = JsonSerializer.Deserialize<RunnerMessage>(line, ProtocolJson.Options); }
        catch (JsonException) { message = null; }
        if (message is null) { Distrust("a message is not a runner message"); return; }
        if (done) { Distrust($"a '{Cut(message.Type)}' message came after the runner said it was done"); return; }
        if (announced is null && message.Type != RunnerMessage.Started) { Distrust($"the first message is '{Cut(message.Type)}', not 'started'"); return; }
        if (!InRange(message.DurationMs, MaxDurationMs) || !InRange(message.Done, MaxCount) || !InRange(message.Total, MaxCount))
        {
            Distrust("a count or duration is out of range");
            return;
        }

        switch (message.Type)
        {
            case RunnerMessage.Started:
                if (announced is not null) { Distrust("the runner started twice"); return; }
                announced = message.Tests ?? [];
                var asked = mode == RunMode.Measure ? [] : plan.Tests.Select(t => t.Name).ToHashSet();
                if (mode != RunMode.Measure && (!asked.SetEquals(announced) || announced.Count != asked.Count))
                    Distrust($"the runner announced tests ({string.Join(", ", announced.Take(10).Select(Cut))}) other than the ones asked for ({string.Join(", ", asked.Take(10))})");
                progress(new GradeProgress(stage, $"{announced.Count} tests"));
                break;
            case RunnerMessage.TestStarted:
                running = message.Test;
                progress(new GradeProgress(stage, $"running {message.Test}", Test: message.Test));
                break;
            case RunnerMessage.Progress:
                progress(new GradeProgress(stage, message.Test ?? "", message.Done, message.Total, message.Test));
                break;
            case RunnerMessage.TestFinished:
                running = null;
                TestFinished(message);
                break;
            case RunnerMessage.Measured:
                if (mode != RunMode.Measure || measured) { Distrust("throughput came when none was asked for, or twice"); return; }
                measured = true;
                foreach (var t in message.Throughput ?? [])
                {
                    if (!plan.Benchmarks.Contains(t.Benchmark) || !plan.Threads.Contains(t.Threads) || !IsRate(t.SubmissionOpsPerSecond) || !IsRate(t.ReferenceOpsPerSecond))
                    {
                        Distrust($"a throughput figure is not a measurement ({Cut(t.Benchmark)} on {t.Threads} threads: {t.SubmissionOpsPerSecond:G3} vs {t.ReferenceOpsPerSecond:G3} operations per second)");
                        return;
                    }
                    throughput.Add(t);
                }
                break;
            case RunnerMessage.Finished:
                done = true;
                break;
            case RunnerMessage.Tampered:
                Distrust($"the test infrastructure's state was changed during the run ({Cut(message.Finding?.Message)})");
                break;
            default:
                Distrust($"unknown message type '{Cut(message.Type)}'");
                break;
        }
    }

    private void TestFinished(RunnerMessage message)
    {
        var name = message.Test ?? "";
        var outcome = message.Outcome ?? "";
        var finding = message.Finding;
        if (mode == RunMode.Measure)
        {
            // The measure run reports a benchmark only when it failed.
            if (!plan.Benchmarks.Contains(name) || outcome != TestOutcomes.Failed || finding is null)
            {
                Distrust($"the measure run reported '{Cut(name)}' as {Cut(outcome)}");
                return;
            }
        }
        else
        {
            var planned = plan.Tests.FirstOrDefault(t => t.Name == name);
            if (planned is null) { Distrust($"a result came for '{Cut(name)}', which was not asked for"); return; }
            if (tests.Any(t => t.Name == name)) { Distrust($"'{Cut(name)}' reported twice"); return; }
            var runsHere = mode == RunMode.Explore ? planned.Explore || request.Explore.ReplayToken is not null : planned.Stress;
            // After a finding a runner skips the rest when a test got stuck (a spinning or deadlocked thread cannot be
            // stopped); a skip then cannot turn the stage into a pass, since the finding already fails it.
            var legitimateSkip = !runsHere || findings.Count > 0;
            var consistent = outcome switch
            {
                TestOutcomes.Passed => finding is null && runsHere,
                TestOutcomes.Failed => finding is not null && runsHere,
                TestOutcomes.Skipped => finding is null && legitimateSkip,
                _ => false,
            };
            if (!consistent) { Distrust($"'{Cut(name)}' reported {Cut(outcome)}{(finding is null ? "" : " with a finding")}, which its run cannot produce"); return; }
        }

        if (finding is not null && finding.Kind == FindingKind.Integrity.ToWireName())
            Distrust(finding.Message); // the runner saw its own state tampered with
        tests.Add(new TestReport
        {
            Name = name,
            Outcome = outcome,
            DurationMs = message.DurationMs ?? 0,
            Mode = ModeName,
            Runs = message.Done ?? 0,
            Exhausted = message.Exhausted,
        });
        if (finding is not null) findings.Add(finding with { Test = name });
    }

    private static bool InRange(long? value, long max) => value is null || (value >= 0 && value <= max);

    private static bool IsRate(double value) => double.IsFinite(value) && (value == 0 || value is >= MinOpsPerSecond and <= MaxOpsPerSecond);

    private static string Cut(string? s) => s is null ? "" : s.Length > 120 ? s[..120] + "..." : s;

    /// <param name="stoppedEarly">The grader stopped the run itself (another part of the stage already failed the grade):
    /// the tests that had not reported are skipped, and the stop is no finding.</param>
    public StageResult Finish(SandboxOutcome outcome, SandboxLimits limits, bool stoppedEarly = false)
    {
        lock (gate) return FinishLocked(outcome, limits, stoppedEarly);
    }

    private StageResult FinishLocked(SandboxOutcome outcome, SandboxLimits limits, bool stoppedEarly)
    {
        var output = outcome.Stdout + (outcome.Stderr.Length > 0 ? outcome.Stderr : "");
        if (done)
        {
            // The runner said it was done: from here on only a clean exit and a complete report are believed. A runner the
            // grader itself stopped while it was exiting (another runner had failed the grade) was killed by us, not by its code.
            var stoppedByUs = stoppedEarly && outcome.Termination == SandboxTermination.Killed;
            if (!stoppedByUs && (outcome.Termination != SandboxTermination.Exited || outcome.ExitCode != 0))
                Distrust($"the runner said it was done, then {(outcome.Termination == SandboxTermination.Exited ? $"exited with code {outcome.ExitCode}" : $"was stopped ({outcome.Termination})")}");
            if (mode != RunMode.Measure)
            {
                var missing = plan.Tests.Where(p => tests.All(t => t.Name != p.Name)).Select(p => p.Name).ToList();
                if (missing.Count > 0) Distrust($"no result came for {string.Join(", ", missing.Take(10))}");
            }
            else if (!measured)
                Distrust("the measure run ended without its throughput figures");
        }

        if (distrust.Count > 0)
        {
            // Nothing the run said is believed: not its passes, and not its findings either (they may be forged too).
            var integrity = new FindingData
            {
                Kind = FindingKind.Integrity.ToWireName(),
                Message = $"the run's report could not be trusted: {string.Join("; ", distrust)}",
            };
            var untrusted = plan.Tests.Select(t => new TestReport { Name = t.Name, Outcome = TestOutcomes.Skipped, Mode = ModeName }).ToList();
            return new StageResult(mode == RunMode.Measure ? [] : untrusted, [integrity], false, outcome.ActiveLayers, output, outcome.OutputTruncated);
        }

        var crashed = false;
        if (!done && stoppedEarly)
        {
            tests.AddRange(plan.Tests.Where(p => tests.All(t => t.Name != p.Name))
                .Select(p => new TestReport { Name = p.Name, Outcome = TestOutcomes.Skipped, Mode = ModeName }));
        }
        else if (!done)
        {
            var (kind, message) = WhyItEnded(outcome, limits);
            crashed = kind == FindingKind.Crash;
            findings.Add(new FindingData { Kind = kind.ToWireName(), Test = running, Message = message });
            if (running is not null && tests.All(t => t.Name != running))
                tests.Add(new TestReport { Name = running, Outcome = TestOutcomes.Failed, Mode = ModeName });
            tests.AddRange((announced ?? []).Where(name => tests.All(t => t.Name != name))
                .Select(name => new TestReport { Name = name, Outcome = TestOutcomes.Skipped, Mode = ModeName }));
        }

        return new StageResult(tests, findings, crashed, outcome.ActiveLayers, output, outcome.OutputTruncated) { Throughput = throughput };
    }

    /// <summary>The runner never said it was done: the process ended some other way.</summary>
    private (FindingKind, string) WhyItEnded(SandboxOutcome outcome, SandboxLimits limits) => outcome.Termination switch
    {
        // The runtime prints a long trace of the overflowing frames; it can hit the output limit first.
        SandboxTermination.Exited or SandboxTermination.OutputLimit when outcome.Stderr.Contains("Stack overflow", StringComparison.Ordinal) =>
            (FindingKind.Crash, "your code overflowed the stack (endless recursion?), which ends the whole test process"),
        SandboxTermination.WallTimeout => (FindingKind.Timeout, $"the run did not finish within its time limit of {limits.WallTime.TotalSeconds:0} s"),
        SandboxTermination.CpuLimit => (FindingKind.Timeout, $"your code used more than its {limits.CpuTime.TotalSeconds:0} s of CPU time"),
        SandboxTermination.MemoryLimit => (FindingKind.Crash, $"your code used more than the memory limit of {limits.MemoryBytes / (1024 * 1024)} MiB and the run was stopped"),
        SandboxTermination.ThreadLimit => (FindingKind.Crash, $"your code started more than the limit of {limits.MaxThreads} threads and the run was stopped"),
        SandboxTermination.OutputLimit => (FindingKind.Crash, "your code printed far too much output and the run was stopped"),
        SandboxTermination.Killed => (FindingKind.Crash, "the run was cancelled"),
        _ when outcome.ThreadLimitHit => (FindingKind.Crash, $"your code hit the limit of {limits.MaxThreads} threads and the test process died"),
        _ => (FindingKind.Crash, $"the test process ended before reporting its results (exit code {outcome.ExitCode?.ToString() ?? "none"}{(outcome.Signal is { } s ? $", signal {s}" : "")}): did your code exit the process or crash it?"),
    };
}
