using System.Diagnostics;
using KataServer.Common;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>
/// Runs each test many times on real threads. A watchdog thread watches the iteration in progress:
/// one that outlives the iteration timeout is stuck, and the states of its threads say how
/// (all blocked: deadlock; one still running: timeout; nothing running: hang).
/// A stuck test ends the run, since its threads can never be taken back.
/// </summary>
public sealed class StressRunner(RunRequest request, ResultChannel channel) : ISuiteRunner
{
    private const int ProgressEveryMs = 250;

    public void Run(TestSuite suite)
    {
        channel.GuardInfrastructure();
        var stuck = false;
        foreach (var test in suite.Tests)
        {
            if (stuck || !test.Options.Stress)
            {
                channel.Send(new() { Type = RunnerMessage.TestFinished, Test = test.Name, Outcome = "skipped", DurationMs = 0, Done = 0 });
                continue;
            }

            channel.Send(new() { Type = RunnerMessage.TestStarted, Test = test.Name });
            var result = RunTest(test, suite.SubmissionFileName);
            stuck = result.Stuck;
            channel.Send(new()
            {
                Type = RunnerMessage.TestFinished,
                Test = test.Name,
                Outcome = result.Finding is null ? "passed" : "failed",
                DurationMs = result.DurationMs,
                Done = result.Iterations,
                Finding = result.Finding,
            });
        }
    }

    private sealed record TestResult(FindingData? Finding, long Iterations, long DurationMs, bool Stuck);

    private TestResult RunTest(KataTestCase test, string submissionFileName)
    {
        var settings = request.Stress;
        // A test the explorer could not judge (the code used an API it does not model) has only stress to judge it.
        var scale = Math.Max(1, test.Options.StressWeight) * (settings.Unexplored.Contains(test.Name) ? Math.Max(1, settings.UnexploredScale) : 1);
        // What exploration already covered needs less of the budget; never a share above the whole, never none.
        var share = settings.Shares.TryGetValue(test.Name, out var s) && double.IsFinite(s) ? Math.Clamp(s, 0.01, 1) : 1;
        var iterationsWanted = Math.Max(1, (long)(settings.Iterations * scale * share));
        var budget = TimeSpan.FromSeconds(settings.SecondsPerTest * scale * share);
        var overlapBudget = TimeSpan.FromSeconds(settings.SecondsPerTest * scale);
        var iterationTimeout = TimeSpan.FromSeconds(settings.IterationTimeoutSeconds);
        var clock = Stopwatch.StartNew();

        long iterations = 0;
        long iterationsStarted = 0;
        FindingData? finding = null;
        var finished = new ManualResetEventSlim();
        Concurrent.ResetOverlap();
        Check.TakeBroken();
        // Before calling a test serialized, look as long again for one iteration in which its threads overlapped.
        bool More() => iterations < iterationsWanted && (iterations == 0 || clock.Elapsed < budget)
            || Concurrent.Overlap.NeverOverlapped && clock.Elapsed < 2 * overlapBudget;
        var driver = new Thread(() =>
        {
            try
            {
                while (More())
                {
                    Interlocked.Increment(ref iterationsStarted);
                    TestData.Begin(request.DataSeed, test.Name);
                    test.Invoke();
                    // A check that failed in a callback the learner's code called, and that code swallowed.
                    if (Check.TakeBroken() is { } swallowed) throw swallowed;
                    Interlocked.Increment(ref iterations);
                }

                if (Concurrent.Overlap.NeverOverlapped) finding = Findings.NeverOverlapped(test.Name, Concurrent.Overlap, "iterations");
            }
            catch (Exception e)
            {
                finding = Findings.FromException(e, test.Name, submissionFileName);
            }
            finally
            {
                finished.Set();
            }
        }, maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            // As the explorer names it: the code cannot tell stress from exploration by its threads' names.
            Name = "main",
        };
        driver.Start();

        // The iteration timeout counts only time the process could run: on an overloaded worker a correct
        // iteration waits in the run queue, and that is not the learner's bug.
        var runnable = new StarvationAwareClock();
        var watchedIteration = 0L;
        var watchedSince = TimeSpan.Zero;
        var lastProgress = clock.ElapsedMilliseconds;
        while (!finished.Wait(50))
        {
            var now = runnable.Sample();
            var started = Interlocked.Read(ref iterationsStarted);
            if (started != watchedIteration)
            {
                watchedIteration = started;
                watchedSince = now;
            }
            else if (now - watchedSince > iterationTimeout && !finished.IsSet)
            {
                var stuckFinding = Watchdog.Diagnose(test.Name, driver, iterationTimeout, submissionFileName);
                return new TestResult(stuckFinding, Interlocked.Read(ref iterations), clock.ElapsedMilliseconds, Stuck: true);
            }

            if (clock.ElapsedMilliseconds - lastProgress >= ProgressEveryMs)
            {
                lastProgress = clock.ElapsedMilliseconds;
                channel.Send(new() { Type = RunnerMessage.Progress, Test = test.Name, Done = Interlocked.Read(ref iterations), Total = iterationsWanted });
            }
        }

        return new TestResult(finding, iterations, clock.ElapsedMilliseconds, Stuck: false);
    }
}
