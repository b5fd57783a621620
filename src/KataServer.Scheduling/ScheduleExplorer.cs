using System.Diagnostics;
using System.Runtime.ExceptionServices;
using KataServer.Scheduling.Interception;
using KataServer.Scheduling.Runtime;
using KataServer.Scheduling.Strategies;

namespace KataServer.Scheduling;

/// <summary>Entry point of the systematic-testing engine.</summary>
public static class ScheduleExplorer
{
    /// <summary>
    /// A replay whose recorded choices do not fit the run: the code took other steps than when the token was made (the
    /// file changed since, or something outside the engine's control decides the order).
    /// </summary>
    public const string ReplayDivergedMessage =
        "The replayed schedule diverged: the code took other steps than when this token was recorded (the file changed, or something outside the engine's control decides the order).";

    static ScheduleExplorer()
    {
        EnsureInitialized();
    }

    /// <summary>Installs the shared-memory observer and the interrupt probe (idempotent).</summary>
    public static void EnsureInitialized()
    {
        SharedMemoryHooks.Observer = FieldObserver.Instance;
        if (Interlocked.Exchange(ref initialized, 1) == 0)
        {
            // Explore blocks its caller (often a pool thread). Keep a few pool threads ready so that work escaping
            // to the thread pool (which is then reported as uncontrolled) shows up quickly instead of starving.
            ThreadPool.GetMinThreads(out int workers, out int io);
            if (workers < 8)
            {
                ThreadPool.SetMinThreads(8, io);
            }

            AppDomain.CurrentDomain.FirstChanceException += static (_, e) =>
            {
                if (e.Exception is ThreadInterruptedException && ControlledOperation.Current is { } op)
                {
                    op.Runtime.OnInterruptObserved();
                }
            };
        }
    }

    private static int initialized;

    /// <summary>Explores schedules of a synchronous test body until a bug, exhaustion, <see cref="ExplorationOptions.MaxSchedules"/> or the time budget.</summary>
    public static ExplorationResult Explore(Action test, ExplorationOptions options, IProgress<ExplorationProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        return ExploreCore(test, options, progress, ct);
    }

    /// <summary>Explores schedules of an asynchronous test body (its task must complete for the schedule to pass).</summary>
    public static ExplorationResult Explore(Func<Task> test, ExplorationOptions options, IProgress<ExplorationProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        return ExploreCore(AsyncBody(test), options, progress, ct);
    }

    /// <summary>Runs the one schedule encoded by <paramref name="replayToken"/>, with a source-level trace.</summary>
    public static ExplorationResult Replay(Action test, string replayToken, ExplorationOptions options)
    {
        ArgumentNullException.ThrowIfNull(test);
        return ReplayCore(test, replayToken, options);
    }

    public static ExplorationResult Replay(Func<Task> test, string replayToken, ExplorationOptions options)
    {
        ArgumentNullException.ThrowIfNull(test);
        return ReplayCore(AsyncBody(test), replayToken, options);
    }

    /// <summary>Controlled nondeterminism for test code: a value in [0, maxValue) chosen by the strategy (explored like a schedule). Random outside a controlled run.</summary>
    public static int NextInteger(int maxValue)
    {
        var op = ControlledOperation.Current;
        return op is null ? Random.Shared.Next(Math.Max(1, maxValue)) : op.Runtime.NextInteger(op, maxValue);
    }

    public static bool NextBoolean() => NextInteger(2) == 1;

    /// <summary>True when the calling code runs as a controlled operation.</summary>
    public static bool IsControlled => ControlledOperation.Current is not null;

    /// <summary>The names <see cref="ExplorationOptions.Strategy"/> accepts (case does not matter).</summary>
    public static IReadOnlyList<string> StrategyNames { get; } = ["random", "pct", "dfs", "window", "portfolio"];

    public static bool IsStrategyName(string name) => StrategyNames.Contains(name.ToLowerInvariant());

    internal static ISchedulingStrategy CreateStrategy(ExplorationOptions options) => options.Strategy.ToLowerInvariant() switch
    {
        "random" => new RandomStrategy(options.Seed),
        "pct" => new PctStrategy(options.Seed, options.PctDepth),
        "dfs" => new DfsStrategy(options.MaxPreemptions, options.Seed),
        "window" => new CasWindowStrategy(options.Seed),
        "portfolio" => new PortfolioStrategy(options.Seed, options.PctDepth, options.MaxPreemptions),
        _ => throw new ArgumentException($"Unknown strategy '{options.Strategy}' ({string.Join(", ", StrategyNames)}).", nameof(options)),
    };

    private static Action AsyncBody(Func<Task> test) => () =>
    {
        var task = test() ?? throw new InvalidOperationException("The async test returned a null Task.");
        var op = ControlledOperation.Current!;
        if (!task.IsCompleted)
        {
            op.Runtime.BlockUntil(op, () => task.IsCompleted, "task", task);
        }

        if (task.IsFaulted)
        {
            ExceptionDispatchInfo.Throw(task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception);
        }

        if (task.IsCanceled)
        {
            throw new TaskCanceledException(task);
        }
    };

    private static ExplorationResult ExploreCore(Action body, ExplorationOptions options, IProgress<ExplorationProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        EnsureInitialized();
        var strategy = CreateStrategy(options);
        var session = new ExplorationSession(strategy, options, body, progress, ct);
        session.Run();
        if (session.Buggy is { } buggy)
        {
            string token = new ReplayToken(buggy.StrategyName, buggy.IterationSeed, buggy.Choices) { Clock = buggy.Epoch }.Encode();
            var bug = BuildBug(body, options, token, buggy);
            progress?.Report(new ExplorationProgress(session.Schedules, session.Elapsed, strategy.Name));
            return new ExplorationResult(session.Schedules, false, session.Elapsed, bug);
        }

        // Time is ours to choose: when a timeout ordered operations, the enumerated space is not every real order.
        bool exhausted = (session.Exhausted || strategy.SpaceExhausted) && !session.TimeOrdered;
        string? coverage = session.TimeOrdered && strategy.Coverage is { } c ? c + " (no certificate: sleeps or timeouts ordered operations)" : strategy.Coverage;
        progress?.Report(new ExplorationProgress(session.Schedules, session.Elapsed, strategy.Name));
        return new ExplorationResult(session.Schedules, exhausted, session.Elapsed, null) { Coverage = coverage, TimeOrdered = session.TimeOrdered };
    }

    private static ScheduleBug BuildBug(Action body, ExplorationOptions options, string token, ControlledRuntime found)
    {
        if (found.HangFoundByWatchdog)
        {
            // Code that never reached a scheduling point: a replay would spin for the whole grace again and its trace would
            // end where the loop starts; the message names the loop's line.
            return new ScheduleBug(found.BugKind!.Value, found.BugMessage!, found.BugException, token, Array.Empty<TraceStep>());
        }

        var decoded = ReplayToken.Decode(token);
        var replay = new ControlledRuntime(new ReplayStrategy(decoded.Choices, decoded.Seed), options, captureTrace: true, replaying: true)
        {
            Epoch = decoded.Clock ?? ClockEpoch.Process,
        };
        replay.Execute(body, CancellationToken.None);
        var trace = (IReadOnlyList<TraceStep>?)replay.Trace ?? Array.Empty<TraceStep>();
        if (replay.BugKind == found.BugKind)
        {
            return new ScheduleBug(found.BugKind!.Value, replay.BugMessage!, replay.BugException ?? found.BugException, token, trace) { LocksHeld = replay.BugLocksHeld };
        }

        return new ScheduleBug(found.BugKind!.Value, found.BugMessage!, found.BugException, token, trace) { LocksHeld = found.BugLocksHeld };
    }

    private static ExplorationResult ReplayCore(Action body, string replayToken, ExplorationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EnsureInitialized();
        var decoded = ReplayToken.Decode(replayToken);
        var stopwatch = Stopwatch.StartNew();
        var replay = new ControlledRuntime(new ReplayStrategy(decoded.Choices, decoded.Seed), options, captureTrace: true, replaying: true)
        {
            Epoch = decoded.Clock ?? ClockEpoch.Process,
        };
        replay.Execute(body, CancellationToken.None);
        ScheduleBug? bug = replay.BugKind is { } kind
            ? new ScheduleBug(kind, replay.BugMessage!, replay.BugException, replayToken, replay.Trace!) { LocksHeld = replay.BugLocksHeld }
            : null;
        return new ExplorationResult(1, false, stopwatch.Elapsed, bug);
    }
}

internal sealed class FieldObserver : ISharedMemoryObserver
{
    internal static readonly FieldObserver Instance = new();

    public void OnFieldAccess(object? owner, string field, bool isWrite)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.FieldInterleavings)
        {
            return;
        }

        op.Runtime.SchedulePoint(op, isWrite ? "write" : "read", null, field);
    }

    public void OnArrayAccess(Array? array, int index, bool isWrite) => OnArrayAccess(array, index, isWrite, null);

    public void OnArrayAccess(Array? array, int index, bool isWrite, string? name)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.FieldInterleavings)
        {
            return;
        }

        string? detail = op.Runtime.Trace is null ? null : $"{name ?? array?.GetType().GetElementType()?.Name ?? "array"}[{index}]";
        op.Runtime.SchedulePoint(op, isWrite ? "write" : "read", null, detail);
    }

    public void OnSourceLine(string file, int line, int lockLine)
    {
        if (ControlledOperation.Current is { Runtime.Trace: not null } op)
        {
            op.Runtime.NoteSourceLine(op, file, line, lockLine);
        }
    }

    public void OnLoopBackEdge(int line)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return;
        }

        op.LoopLine = line;
        op.Runtime.Charge(2); // a turn of a loop takes a little time (see ControlledRuntime.Charge)
        op.Runtime.UnwindIfCanceled(op);
    }
}
