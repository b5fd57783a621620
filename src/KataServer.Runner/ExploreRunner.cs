using System.Diagnostics;
using KataServer.Scheduling;
using KataServer.Scheduling.Interception;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>
/// Runs each test under the systematic schedule explorer (the assemblies were rewritten by the grader so
/// that their concurrency calls and shared-memory accesses are scheduling points), or replays one schedule.
/// </summary>
public sealed class ExploreRunner(RunRequest request, ResultChannel channel) : ISuiteRunner
{
    /// <summary>Steps kept of a finding's trace (the last ones; step numbers keep counting from the start).</summary>
    public const int MaxTraceSteps = 400;

    /// <summary>
    /// Schedules that could show overlap before a test's threads are called serialized: the first schedules of a
    /// portfolio run each thread to its end (no preemption), so a test cut short by its time budget on a busy machine
    /// must not be taken for code that made its threads take turns. Only time can make the explorer's threads take
    /// turns against its will (a wait longer than the early-timeout horizon), so the finding also needs a timeout to
    /// have ordered operations: code whose operations have no scheduling point at all (a concurrent collection's
    /// single call) cannot interleave under the explorer, and that is not the code's doing.
    /// </summary>
    public const int MinSchedulesToCallSerialized = 20;

    /// <summary>The least time a test's quick pass may take (on a loaded machine its share of the budget can be tiny).</summary>
    private const double QuickPassMinSeconds = 0.25;

    public void Run(TestSuite suite)
    {
        Concurrent.Driver = new ControlledDriver();
        ScheduleExplorer.EnsureInitialized();
        resetStatics = StaticFields.ResetterFor(suite.Submission, suite.TestAssembly);
        resetThreadStatics = StaticFields.ThreadStaticResetterFor(suite.Submission, suite.TestAssembly);
        channel.GuardInfrastructure();
        var settings = request.Explore;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var stop = false;

        // The quick pass: the first schedules of every test, so that a bug most schedules show is found before the
        // earlier tests' whole budgets. Its schedules are the first of the test's full exploration (the same seed), so
        // a test it does not settle explores exactly as it would have without it.
        // One test alone (a replay, exploring again after stress) has nothing to go before.
        var quick = settings.ReplayToken is null && settings.QuickPassSchedules > 0 && settings.QuickPassSchedules < settings.MaxSchedules
            && suite.Tests.Count(t => t.Options.Explore) > 1
            ? settings.QuickPassSchedules : 0;
        if (quick > 0)
        {
            foreach (var test in suite.Tests.Where(t => t.Options.Explore))
            {
                if (stop) break;
                channel.Send(new() { Type = RunnerMessage.TestStarted, Test = test.Name });
                var clock = Stopwatch.StartNew();
                var (result, finding) = ExploreTest(test, suite, quick, quickPass: true);
                // Not settled (no finding, or only a data race, which a full exploration may overrule with an outright
                // failure): explored in full below.
                if (!result.SpaceExhausted && (finding is null || result.Bug?.Kind == BugKind.DataRace)) continue;
                Finished(test, clock, result, finding);
                reported.Add(test.Name);
                stop = Stops(result, finding);
            }
        }

        foreach (var test in suite.Tests)
        {
            if (reported.Contains(test.Name)) continue;
            if (stop || (!test.Options.Explore && settings.ReplayToken is null))
            {
                // After an endless loop its thread keeps spinning (it cannot be stopped, only abandoned): running more
                // tests beside it would only be slower and say the same. After a failure with StopAtFirstFinding, the
                // grade's verdict is decided. A test that opts out of exploration is stress's alone.
                channel.Send(new() { Type = RunnerMessage.TestFinished, Test = test.Name, Outcome = "skipped", DurationMs = 0, Done = 0 });
                continue;
            }

            channel.Send(new() { Type = RunnerMessage.TestStarted, Test = test.Name });
            var clock = Stopwatch.StartNew();
            var (result, finding) = ExploreTest(test, suite, settings.MaxSchedules, quickPass: false);
            Finished(test, clock, result, finding);
            stop = Stops(result, finding);
        }
    }

    /// <summary>Whether the tests not run yet are skipped: after an endless loop (a spinning thread), or after a failure
    /// when the request stops at the first finding.</summary>
    private bool Stops(ExplorationResult result, FindingData? finding) =>
        result.Bug?.Kind == BugKind.Hang
        || (request.Explore.StopAtFirstFinding && finding is not null && finding.Kind != FindingKind.Uncontrolled.ToWireName());

    private void Finished(KataTestCase test, Stopwatch clock, ExplorationResult result, FindingData? finding) => channel.Send(new()
    {
        Type = RunnerMessage.TestFinished,
        Test = test.Name,
        Outcome = finding is null ? "passed" : "failed",
        DurationMs = clock.ElapsedMilliseconds,
        Done = result.SchedulesExplored,
        Exhausted = finding is null && result.SpaceExhausted,
        Finding = finding,
    });

    /// <summary>Explores one test (up to <paramref name="maxSchedules"/>) and turns what it found into a finding, or null.</summary>
    private (ExplorationResult Result, FindingData? Finding) ExploreTest(KataTestCase test, TestSuite suite, int maxSchedules, bool quickPass)
    {
        Concurrent.ResetOverlap();
        Check.TakeBroken();
        var result = Explore(test, suite, maxSchedules, quickPass);
        // An asynchronous test's swallowed check is only seen once exploring is over (without a schedule to replay).
        var swallowed = result.Bug is null ? Check.TakeBroken() : null;
        var finding = result.Bug is { } bug ? ToFinding(bug, test.Name, dataSeed, suite.SubmissionFileName)
            : swallowed is not null ? Findings.FromException(swallowed, test.Name, suite.SubmissionFileName)
            // Threads that never overlapped are judged over the whole exploration, never over the quick pass's first schedules.
            : !quickPass && request.Explore.ReplayToken is null && result.TimeOrdered && Concurrent.Overlap is { NeverOverlapped: true, Observed: >= MinSchedulesToCallSerialized }
                ? Findings.NeverOverlapped(test.Name, Concurrent.Overlap, "explored schedules")
            : null;
        return (result, finding);
    }

    private Action? resetStatics;
    private Action? resetThreadStatics;

    /// <summary>The grade's <see cref="TestData"/> seed, or the one a replayed token carries.</summary>
    private readonly ulong dataSeed = request.Explore.ReplayToken is { } token ? ReplayTokens.SplitDataSeed(token).DataSeed : request.DataSeed;

    /// <summary>Every schedule, replays included, starts from the static state of a fresh process (see <see cref="StaticFields"/>).
    /// Each also draws the same <see cref="TestData"/> values, so the explored program is the same in every schedule.</summary>
    private Action Body(KataTestCase test) => () =>
    {
        resetStatics?.Invoke();
        TestData.Begin(dataSeed, test.Name);
        test.Invoke();
        // A check that failed in a callback the learner's code called, and that code swallowed: this schedule's finding.
        if (Check.TakeBroken() is { } swallowed) throw swallowed;
    };

    private Func<Task> AsyncBody(KataTestCase test) => () =>
    {
        resetStatics?.Invoke();
        TestData.Begin(dataSeed, test.Name);
        return test.InvokeAsync();
    };

    private ExplorationResult Explore(KataTestCase test, TestSuite suite, int maxSchedules, bool quickPass)
    {
        var settings = request.Explore;
        var seconds = settings.SecondsPerTest * Math.Max(1, test.Options.StressWeight);
        var options = new ExplorationOptions
        {
            Strategy = settings.Strategy,
            Seed = settings.Seed,
            MaxSchedules = maxSchedules,
            // The quick pass gets the share of the time its schedules are of the budget (it only goes first; the full
            // exploration keeps its whole time).
            TimeBudget = TimeSpan.FromSeconds(quickPass ? Math.Max(QuickPassMinSeconds, seconds * maxSchedules / Math.Max(1, settings.MaxSchedules)) : seconds),
            MaxSteps = settings.MaxSteps,
            // Virtual time is ours to choose: a short sleep may end while others run, so sleeping cannot order threads.
            ExploreEarlyTimeouts = true,
            EarlyTimeoutHorizonMs = settings.EarlyTimeoutHorizonMs,
            IsUserSourceFile = file => Path.GetFileName(file) == suite.SubmissionFileName,
            IsUserAssembly = assembly => assembly == suite.Submission,
            // The hidden tests and the harness they call (Concurrent.Run...): their steps are the test's, not the learner's.
            IsTestAssembly = assembly => assembly == suite.TestAssembly || assembly == typeof(Concurrent).Assembly,
            OnOperationStart = resetThreadStatics,
        };

        if (settings.ReplayToken is { } token)
        {
            return Replay(test, ReplayTokens.SplitDataSeed(token).Schedule, options, Math.Max(1, settings.ReplayRepeats));
        }

        var progress = new Progress(channel, test.Name, maxSchedules);
        return test.IsAsync
            ? ScheduleExplorer.Explore(AsyncBody(test), options, progress)
            : ScheduleExplorer.Explore(Body(test), options, progress);
    }

    /// <summary>Replays <paramref name="repeats"/> times; a run that ends differently from the first is itself reported.</summary>
    private ExplorationResult Replay(KataTestCase test, string token, ExplorationOptions options, int repeats)
    {
        ExplorationResult Once() => test.IsAsync ? ScheduleExplorer.Replay(AsyncBody(test), token, options) : ScheduleExplorer.Replay(Body(test), token, options);

        var first = Once();
        for (var run = 2; run <= repeats; run++)
        {
            var again = Once();
            if (Outcome(again) != Outcome(first))
            {
                var message = $"The replay is not deterministic: run {run} of {repeats} ended with {Outcome(again)}, run 1 with {Outcome(first)}. " +
                    "Something outside the engine's control (real time, a real thread, unrewritten code) decides the outcome.";
                var bug = first.Bug ?? again.Bug!;
                return first with { SchedulesExplored = run, Bug = bug with { Kind = BugKind.Uncontrolled, Message = message, Exception = null } };
            }
        }

        return first with { SchedulesExplored = repeats };
    }

    private static string Outcome(ExplorationResult result) =>
        result.Bug is { } bug ? $"{bug.Kind} after {bug.Trace.Count} steps: {bug.Message}" : "no finding";

    private static FindingData ToFinding(ScheduleBug bug, string test, ulong dataSeed, string submissionFileName)
    {
        var finding = bug.Kind switch
        {
            BugKind.Exception when bug.Exception is not null => Findings.FromException(bug.Exception, test, submissionFileName),
            BugKind.Deadlock when bug.LocksHeld => Findings.Make(FindingKind.Deadlock, test, bug.Message),
            // Everyone waits for a signal, a release or a completion that never comes; no lock is involved.
            BugKind.Deadlock => Findings.Make(FindingKind.Hang, test, bug.Message.Replace("Deadlock: ", "Hang: nothing can run; ", StringComparison.Ordinal)),
            // The step bound: code that keeps running without finishing, as the stress watchdog calls it too.
            BugKind.Hang => Findings.Make(FindingKind.Timeout, test, bug.Message + WhereItSpun(bug.Trace, submissionFileName)),
            BugKind.Uncontrolled => Findings.Make(FindingKind.Uncontrolled, test, bug.Message),
            BugKind.DataRace => Findings.Make(FindingKind.DataRace, test, bug.Message),
            _ => Findings.Make(FindingKind.Exception, test, bug.Message),
        };
        return finding with
        {
            Replay = ReplayTokens.Format(test, dataSeed, bug.ReplayToken),
            Trace = TraceWindow.Keep(bug.Trace, MaxTraceSteps).Select(step => new TraceStepData
            {
                Step = step.Step,
                Thread = step.OperationId,
                ThreadName = step.OperationName,
                Action = step.Action,
                Line = step.SourceFile is { } file && Path.GetFileName(file) == submissionFileName ? step.Line : null,
                ByTest = step.ByTest,
                LockStatementLine = step.LockStatementLine,
                Result = step.Result,
            }).ToList(),
        };
    }

    /// <summary>
    /// " It spun at line N of file.cs." from the last steps of the learner's code that the hang's trace shows (the
    /// loop itself when it has scheduling points, else where the thread was last seen), or nothing.
    /// </summary>
    internal static string WhereItSpun(IReadOnlyList<TraceStep> trace, string submissionFileName)
    {
        var last = trace.LastOrDefault(step => step.Line is not null && step.SourceFile is { } file && Path.GetFileName(file) == submissionFileName);
        if (last is null) return "";
        var lines = trace.Where(step => step.OperationId == last.OperationId && step.Line is not null && step.SourceFile is { } file && Path.GetFileName(file) == submissionFileName)
            .TakeLast(50).Select(step => step.Line!.Value).Distinct().Order().ToList();
        var at = lines.Count <= 1 ? $"line {last.Line}" : $"lines {lines[0]}-{lines[^1]}";
        return $" {last.OperationName} was looping at {at} of {submissionFileName}.";
    }

    /// <summary>Forwards the explorer's progress, at most a few times a second.</summary>
    private sealed class Progress(ResultChannel channel, string test, int total) : IProgress<ExplorationProgress>
    {
        private long lastSentMs = -1000;

        public void Report(ExplorationProgress value)
        {
            var now = (long)value.Elapsed.TotalMilliseconds;
            if (now - lastSentMs < 250) return;
            lastSentMs = now;
            channel.Send(new() { Type = RunnerMessage.Progress, Test = test, Done = value.SchedulesExplored, Total = total });
        }
    }
}
