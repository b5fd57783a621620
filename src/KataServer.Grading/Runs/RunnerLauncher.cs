using System.Text.Json;
using KataServer.Grading.Reports;
using KataServer.Grading.Sandbox;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Runs;

/// <summary>
/// Starts the runner in the sandbox for one request and turns what comes back on the result
/// channel (never stdout) and the way the process ended into a <see cref="StageResult"/>.
/// </summary>
public sealed class RunnerLauncher(RunnerLocation runner)
{
    public async Task<StageResult> RunAsync(JobFolder job, RunRequest request, SandboxLimits limits, Action<GradeProgress> progress, CancellationToken cancellationToken)
    {
        var stage = request.Mode switch
        {
            RunMode.Explore => GradeProgress.Explore,
            RunMode.Measure => GradeProgress.Measure,
            _ => GradeProgress.Stress,
        };
        var requestPath = job.WriteRequest(request);
        await using var channel = ResultChannel.Create();
        var command = channel.ApplyTo(new SandboxCommand(
            runner.DotnetHost,
            [runner.RunnerDll, requestPath],
            new Dictionary<string, string>(),
            [runner.RunnerDirectory, job.Path],
            job.Path));

        var collector = new MessageCollector(request.Mode, stage, progress);
        var reading = ReadAsync(channel, collector, cancellationToken);
        var outcome = await SandboxedProcess.RunAsync(command, limits, cancellationToken).ConfigureAwait(false);
        channel.StopAccepting();
        await reading.ConfigureAwait(false);
        return collector.Finish(outcome, limits);
    }

    private static async Task ReadAsync(ResultChannel channel, MessageCollector collector, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in channel.ReadMessagesAsync(cancellationToken).ConfigureAwait(false)) collector.Accept(line);
        }
        catch (ResultChannelException e)
        {
            collector.ProtocolBroken(e.Message);
        }
    }

    /// <summary>Folds the runner's messages into test reports and findings.</summary>
    private sealed class MessageCollector(RunMode mode, string stage, Action<GradeProgress> progress)
    {
        private readonly List<TestReport> tests = [];
        private readonly List<FindingData> findings = [];
        private readonly List<ThroughputData> throughput = [];
        private IReadOnlyList<string> announced = [];
        private string? running;
        private bool done;

        public void Accept(string line)
        {
            RunnerMessage? message;
            try { message = JsonSerializer.Deserialize<RunnerMessage>(line, ProtocolJson.Options); }
            catch (JsonException) { return; }
            if (message is null) return;

            switch (message.Type)
            {
                case RunnerMessage.Started:
                    announced = message.Tests ?? [];
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
                    tests.Add(new TestReport
                    {
                        Name = message.Test ?? "",
                        Outcome = message.Outcome ?? TestOutcomes.Failed,
                        DurationMs = message.DurationMs ?? 0,
                        Mode = mode.ToString().ToLowerInvariant(),
                        Runs = message.Done ?? 0,
                        Exhausted = message.Exhausted,
                    });
                    if (message.Finding is not null) findings.Add(message.Finding with { Test = message.Test });
                    break;
                case RunnerMessage.Measured:
                    throughput.AddRange(message.Throughput ?? []);
                    break;
                case RunnerMessage.Finished:
                    done = true;
                    break;
            }
        }

        public void ProtocolBroken(string reason) =>
            findings.Add(new FindingData { Kind = FindingKind.Crash.ToWireName(), Test = running, Message = $"the test process broke the result protocol ({reason})" });

        public StageResult Finish(SandboxOutcome outcome, SandboxLimits limits)
        {
            var crashed = false;
            if (!done)
            {
                var (kind, message) = WhyItEnded(outcome, limits);
                crashed = kind == FindingKind.Crash;
                findings.Add(new FindingData { Kind = kind.ToWireName(), Test = running, Message = message });
                if (running is not null && tests.All(t => t.Name != running))
                    tests.Add(new TestReport { Name = running, Outcome = TestOutcomes.Failed, Mode = mode.ToString().ToLowerInvariant() });
                tests.AddRange(announced.Where(name => tests.All(t => t.Name != name))
                    .Select(name => new TestReport { Name = name, Outcome = TestOutcomes.Skipped, Mode = mode.ToString().ToLowerInvariant() }));
            }

            var output = outcome.Stdout + (outcome.Stderr.Length > 0 ? outcome.Stderr : "");
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
}
