using KataServer.Grading.Reports;
using KataServer.Grading.Sandbox;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Runs;

/// <summary>
/// Starts the runner in the sandbox for one request and turns what comes back on the result channel (never stdout)
/// and the way the process ended into a <see cref="StageResult"/>. The report is checked here, in the grader, after
/// the runner and every thread of the learner's code are gone: it is accepted only when every message was signed by
/// the runner, every test asked for reported exactly once, every number is finite and in range, the runner said it
/// was done and then exited 0. Anything else fails closed with an <c>integrity</c> finding.
/// </summary>
public sealed class RunnerLauncher(RunnerLocation runner, SandboxCapabilities sandbox)
{
    /// <summary>Wait this long for the channel to close after the runner exited before giving up on it.</summary>
    private static readonly TimeSpan ChannelDrain = TimeSpan.FromSeconds(3);

    /// <param name="stopEarly">Stops the run because the grade no longer needs it (another run of the same stage
    /// already failed it): the tests that had not reported are then skipped, with no finding for the stop.</param>
    public async Task<StageResult> RunAsync(JobFolder job, RunRequest request, RunPlan plan, SandboxLimits limits, Action<GradeProgress> progress,
        CancellationToken cancellationToken, CancellationToken stopEarly = default)
    {
        var stage = request.Mode switch
        {
            RunMode.Explore => GradeProgress.Explore,
            RunMode.Measure => GradeProgress.Measure,
            _ => GradeProgress.Stress,
        };
        await using var channel = ResultChannel.Create();
        // The job's folder is not bound into the sandbox: the request and the assemblies go on standard input, after the
        // channel's key, and the runner loads them from memory (no path to the hidden tests or the reference exists there).
        var command = channel.ApplyTo(new SandboxCommand(
            runner.DotnetHost,
            [runner.RunnerDll],
            new Dictionary<string, string>(),
            runner.SandboxFiles,
            "/tmp") { HostUid = job.Uid, StandardInput = job.Input(request).ToBytes() });

        var collector = new RunnerReport(request, plan, stage, progress);
        var reading = ReadAsync(channel, collector, cancellationToken);
        using var stopOrCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopEarly);
        bool StoppedEarly() => stopEarly.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        SandboxOutcome outcome;
        try
        {
            outcome = await SandboxedProcess.RunAsync(command, limits, sandbox, stopOrCancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StoppedEarly())
        {
            // Stopped before the runner started: nothing ran.
            return new StageResult(plan.Tests.Select(t => new TestReport { Name = t.Name, Outcome = TestOutcomes.Skipped, Mode = request.Mode.ToString().ToLowerInvariant() }).ToList(),
                [], false, [], "", false);
        }
        finally
        {
            channel.StopAccepting();
        }
        if (await Task.WhenAny(reading, Task.Delay(ChannelDrain, CancellationToken.None)).ConfigureAwait(false) != reading)
            collector.Distrust("the result channel stayed open after the runner ended (something else held it)");
        return collector.Finish(outcome, limits, stoppedEarly: StoppedEarly() && outcome.Termination == SandboxTermination.Killed);
    }

    private static async Task ReadAsync(ResultChannel channel, RunnerReport collector, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in channel.ReadMessagesAsync(cancellationToken).ConfigureAwait(false)) collector.Accept(line);
        }
        catch (ResultChannelException e)
        {
            collector.Distrust(e.Message);
        }
    }
}
