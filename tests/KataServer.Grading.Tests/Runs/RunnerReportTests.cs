using System.Text.Json;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using KataServer.Grading.Sandbox;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Tests.Runs;

/// <summary>
/// The grader's acceptance rules for what a runner reported, fed with messages as a compromised runner (or learner
/// code holding the key) could send them: a run is believed only when complete, consistent and in range; otherwise
/// it leaves one `integrity` finding and no pass.
/// </summary>
public sealed class RunnerReportTests
{
    private static readonly RunPlan Plan = new(
        [new PlannedTest("Transfers", Explore: true, Stress: true), new PlannedTest("Snapshots", Explore: true, Stress: true), new PlannedTest("OnlyStress", Explore: false, Stress: true)],
        ["Throughput"], [1, 2]);

    private static string Msg(RunnerMessage m) => JsonSerializer.Serialize(m, ProtocolJson.Options);

    private static string Started(params string[] tests) => Msg(new() { Type = RunnerMessage.Started, Tests = tests.Length == 0 ? ["Transfers", "Snapshots", "OnlyStress"] : tests });
    private static string Passed(string test, long done = 10) => Msg(new() { Type = RunnerMessage.TestFinished, Test = test, Outcome = TestOutcomes.Passed, Done = done, DurationMs = 5 });
    private static string Skipped(string test) => Msg(new() { Type = RunnerMessage.TestFinished, Test = test, Outcome = TestOutcomes.Skipped });
    private static readonly string Done = Msg(new() { Type = RunnerMessage.Finished });

    private static SandboxOutcome Exit(int code, SandboxTermination termination = SandboxTermination.Exited) =>
        new(code, null, termination, "", "", false, TimeSpan.FromSeconds(1), TimeSpan.Zero, 0, ["test layer"]);

    private static StageResult Run(RunMode mode, SandboxOutcome outcome, params string[] lines) => Run(mode, outcome, stoppedEarly: false, lines);

    private static StageResult Run(RunMode mode, SandboxOutcome outcome, bool stoppedEarly, params string[] lines)
    {
        var report = new RunnerReport(new RunRequest { Mode = mode }, Plan, "stage", _ => { });
        foreach (var line in lines) report.Accept(line);
        return report.Finish(outcome, SandboxLimits.Default, stoppedEarly);
    }

    [Fact]
    public void A_run_the_grader_stopped_early_keeps_what_it_reported_and_skips_the_rest_without_a_finding()
    {
        var killed = Exit(137, SandboxTermination.Killed);

        var stopped = Run(RunMode.Explore, killed, stoppedEarly: true, Started(), Passed("Transfers"));

        Assert.Empty(stopped.Findings);
        Assert.False(stopped.Crashed);
        Assert.Equal([TestOutcomes.Passed, TestOutcomes.Skipped, TestOutcomes.Skipped], stopped.Tests.Select(t => t.Outcome));
        // The same end without the grader asking for it is the learner's run being killed: a finding.
        var cancelled = Run(RunMode.Explore, killed, stoppedEarly: false, Started(), Passed("Transfers"));
        Assert.Equal("crash", Assert.Single(cancelled.Findings).Kind);
        // Stopping early never hides a forged report.
        AssertDistrusted(Run(RunMode.Explore, killed, stoppedEarly: true, Started(), Passed("Transfers"), "not a message"), "not a runner message");
    }

    [Fact]
    public void A_run_the_grader_stopped_just_after_it_said_done_is_believed()
    {
        var killed = Exit(137, SandboxTermination.Killed);
        string[] complete = [Started(), Passed("Transfers"), Passed("Snapshots"), Skipped("OnlyStress"), Done];

        Assert.Empty(Run(RunMode.Explore, killed, stoppedEarly: true, complete).Findings);
        // Killed after "done" without the grader asking, or a report cut short, is still distrusted.
        AssertDistrusted(Run(RunMode.Explore, killed, stoppedEarly: false, complete), "said it was done, then was stopped");
        AssertDistrusted(Run(RunMode.Explore, killed, stoppedEarly: true, Started(), Passed("Transfers"), Done), "no result came for Snapshots");
    }

    private static void AssertDistrusted(StageResult result, string because)
    {
        var finding = Assert.Single(result.Findings);
        Assert.Equal("integrity", finding.Kind);
        Assert.StartsWith("the run's report could not be trusted: ", finding.Message);
        Assert.Contains(because, finding.Message);
        Assert.DoesNotContain(result.Tests, t => t.Outcome == TestOutcomes.Passed);
    }

    [Fact]
    public void A_complete_clean_run_is_believed()
    {
        var explore = Run(RunMode.Explore, Exit(0), Started(), Passed("Transfers"), Passed("Snapshots"), Skipped("OnlyStress"), Done);
        Assert.Empty(explore.Findings);
        Assert.Equal(2, explore.Tests.Count(t => t.Outcome == TestOutcomes.Passed));
        var stress = Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"), Passed("Snapshots"), Passed("OnlyStress"), Done);
        Assert.Empty(stress.Findings);
    }

    [Fact]
    public void A_test_that_never_reported_is_not_a_pass()
    {
        // "Passes when any test passed" no more: the deadlocking test simply said nothing.
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"), Done), "no result came for Snapshots, OnlyStress");
    }

    [Fact]
    public void A_skip_the_test_attribute_does_not_allow_is_distrusted() =>
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"), Skipped("Snapshots"), Passed("OnlyStress"), Done), "Snapshots");

    [Fact]
    public void After_a_stuck_test_the_rest_may_be_skipped_in_either_run_and_the_stage_still_fails()
    {
        var timedOut = Msg(new()
        {
            Type = RunnerMessage.TestFinished, Test = "Transfers", Outcome = TestOutcomes.Failed, Done = 1, DurationMs = 2000,
            Finding = new FindingData { Kind = "timeout", Message = "main looped at line 15" },
        });
        foreach (var mode in new[] { RunMode.Explore, RunMode.Stress })
        {
            var run = Run(mode, Exit(0), Started(), timedOut, Skipped("Snapshots"), Skipped("OnlyStress"), Done);
            Assert.Equal("timeout", Assert.Single(run.Findings).Kind);
            Assert.DoesNotContain(run.Tests, t => t.Outcome == TestOutcomes.Passed);
        }
    }

    [Fact]
    public void A_test_reported_twice_or_not_asked_for_is_distrusted()
    {
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"), Passed("Transfers"), Passed("Snapshots"), Passed("OnlyStress"), Done), "reported twice");
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"), Passed("Snapshots"), Passed("OnlyStress"), Passed("Invented"), Done), "not asked for");
    }

    [Fact]
    public void Announcing_other_tests_than_asked_is_distrusted() =>
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started("Transfers"), Passed("Transfers"), Done), "announced tests");

    [Theory]
    [InlineData(3, SandboxTermination.Exited, "exited with code 3")]
    [InlineData(137, SandboxTermination.Exited, "exited with code 137")]
    [InlineData(null, SandboxTermination.WallTimeout, "was stopped (WallTimeout)")]
    public void A_runner_that_dies_after_done_is_not_trusted(int? code, SandboxTermination termination, string because) =>
        AssertDistrusted(Run(RunMode.Stress, Exit(code ?? 0, termination) with { ExitCode = code },
            Started(), Passed("Transfers"), Passed("Snapshots"), Passed("OnlyStress"), Done), because);

    [Fact]
    public void Messages_after_done_are_distrusted() =>
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"), Passed("Snapshots"), Passed("OnlyStress"), Done, Passed("Transfers")), "after the runner said it was done");

    [Theory]
    [InlineData(-1)]
    [InlineData(long.MaxValue)]
    public void Counts_out_of_range_are_distrusted(long done) =>
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers", done), Passed("Snapshots"), Passed("OnlyStress"), Done), "out of range");

    [Fact]
    public void A_line_that_is_not_a_runner_message_or_an_unknown_type_is_distrusted()
    {
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), "not json", Done), "not a runner message");
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Started(), Msg(new() { Type = "verdict" }), Done), "unknown message type");
        AssertDistrusted(Run(RunMode.Stress, Exit(0), Passed("Transfers"), Done), "not 'started'");
    }

    [Fact]
    public void Tampering_the_runner_saw_is_distrusted() =>
        AssertDistrusted(Run(RunMode.Explore, Exit(0), Started(), Passed("Transfers"),
            Msg(new() { Type = RunnerMessage.Tampered, Finding = new FindingData { Kind = "integrity", Message = "the concurrency driver (Concurrent.Driver) was replaced" } }),
            Passed("Snapshots"), Skipped("OnlyStress"), Done), "Concurrent.Driver");

    [Theory]
    [InlineData(1e308, 1e-308)]
    [InlineData(double.PositiveInfinity, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(-5, 1)]
    [InlineData(1e6, 1e-300)]
    public void Throughput_that_is_not_a_measurement_is_distrusted(double submission, double reference)
    {
        // NaN and infinity cannot even be written as JSON numbers: build the line as a forger would.
        static string Number(double d) => double.IsNaN(d) ? "\"NaN\"" : double.IsPositiveInfinity(d) ? "\"Infinity\"" : d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var measured = $"{{\"type\":\"measured\",\"throughput\":[{{\"benchmark\":\"Throughput\",\"threads\":2,\"submissionOpsPerSecond\":{Number(submission)},\"referenceOpsPerSecond\":{Number(reference)}}}]}}";
        var result = Run(RunMode.Measure, Exit(0), Started(), measured, Done);
        Assert.Single(result.Findings, f => f.Kind == "integrity");
        Assert.Empty(result.Throughput);
    }

    [Fact]
    public void A_real_measurement_is_believed()
    {
        var measured = Msg(new() { Type = RunnerMessage.Measured, Throughput = [new ThroughputData { Benchmark = "Throughput", Threads = 2, SubmissionOpsPerSecond = 2e6, ReferenceOpsPerSecond = 1e6 }] });
        var result = Run(RunMode.Measure, Exit(0), Started(), measured, Done);
        Assert.Empty(result.Findings);
        Assert.Equal(2, Assert.Single(result.Throughput).Ratio);
    }

    [Fact]
    public void Throughput_for_a_benchmark_or_thread_count_not_asked_for_is_distrusted()
    {
        var measured = Msg(new() { Type = RunnerMessage.Measured, Throughput = [new ThroughputData { Benchmark = "Throughput", Threads = 64, SubmissionOpsPerSecond = 2e6, ReferenceOpsPerSecond = 1e6 }] });
        AssertDistrusted(Run(RunMode.Measure, Exit(0), Started(), measured, Done), "not a measurement");
    }

    [Fact]
    public void A_runner_that_ends_without_done_is_a_crash_not_a_pass()
    {
        var result = Run(RunMode.Stress, Exit(0), Started(), Passed("Transfers"));
        Assert.True(result.Crashed);
        Assert.Contains(result.Findings, f => f.Kind == "crash");
    }
}
