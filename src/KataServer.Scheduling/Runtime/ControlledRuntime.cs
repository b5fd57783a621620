using System.Diagnostics;
using System.Text;
using KataServer.Scheduling.Strategies;

namespace KataServer.Scheduling.Runtime;

/// <summary>
/// One controlled execution (schedule). Operations run on pooled real threads, one at a time; at every scheduling
/// point the running operation asks the strategy for the next operation and hands its thread's turn over.
/// </summary>
internal sealed class ControlledRuntime
{
    private readonly object gate = new();
    private readonly ISchedulingStrategy strategy;
    private readonly bool replaying;
    private readonly List<ControlledOperation> live = new();
    private readonly List<ControlledOperation> enabled = new();
    private readonly DeterministicRandom fairRandom;
    private readonly ManualResetEventSlim done = new(false, 20);
    private readonly Func<StackFrame, bool> isUserFrame;
    private readonly Func<StackFrame, bool>? isTestFrame;
    private Dictionary<Type, object>? states;
    private Dictionary<object, string>? names;
    private int nextId;
    private int decisions;
    private int steps;
    private int startedLive;
    private long progress;
    private volatile bool canceled;
    private volatile bool interruptRequested;
    private ControlledOperation? interrupted;
    private string? uncontrolledStack;
    private ControlledOperation? running;
    private bool finishClaimed;
    private ControlledOperation? main;
    private DeterministicRandom? randomBits;
    private Random? sharedRandom;

    internal ControlledRuntime(ISchedulingStrategy strategy, ExplorationOptions options, bool captureTrace, bool replaying)
    {
        this.strategy = strategy;
        this.replaying = replaying;
        Options = options;
        StrategyName = strategy.Name;
        IterationSeed = strategy.IterationSeed;
        fairRandom = new DeterministicRandom(DeterministicRandom.Mix(strategy.IterationSeed, 0xFA1B));
        SyncContext = new ControlledSynchronizationContext(this);
        TaskScheduler = new ControlledTaskScheduler(this);
        if (captureTrace)
        {
            Trace = new List<TraceStep>();
        }

        var userFile = options.IsUserSourceFile;
        var userAssembly = options.IsUserAssembly;
        var self = typeof(ControlledRuntime).Assembly;
        isUserFrame = userFile is not null
            ? f => (f.GetFileName() is { } file && userFile(file)) || (userAssembly is not null && AssemblyOf(f) is { } a && userAssembly(a))
            : userAssembly is not null
                ? f => AssemblyOf(f) is { } a && userAssembly(a)
                : f => f.GetFileName() is not null && AssemblyOf(f) != self;
        isTestFrame = options.IsTestAssembly is { } testAssembly ? f => AssemblyOf(f) is { } a && testAssembly(a) : null;
    }

    internal ExplorationOptions Options { get; }

    internal ControlledSynchronizationContext SyncContext { get; }

    internal ControlledTaskScheduler TaskScheduler { get; }

    internal List<int> Choices { get; } = new();

    internal List<TraceStep>? Trace { get; }

    /// <summary>Virtual time since the schedule started, in nanoseconds (see <see cref="Interception.VirtualClock"/>).</summary>
    internal long NowNs { get; private set; }

    /// <summary>Virtual time since the schedule started, in whole milliseconds.</summary>
    internal long Now => NowNs / NsPerMs;

    internal const long NsPerMs = 1_000_000;

    /// <summary>The real clock values virtual time starts from: this process's, or the finding's when replaying its token.</summary>
    internal ClockEpoch Epoch { get; init; } = ClockEpoch.Process;

    /// <summary>A sleep or timed wait timed out in this schedule: virtual time, which the engine chooses, ordered operations.</summary>
    internal bool TimeOrdered { get; private set; }

    internal bool IsCanceled => canceled;

    /// <summary>The watchdog called this schedule a hang (code that never reached a scheduling point): replaying it for a trace would only spin again.</summary>
    internal bool HangFoundByWatchdog { get; set; }

    /// <summary>The CPU this schedule's threads run on, or -1 for any (see <see cref="CpuAffinity"/>).</summary>
    internal int Cpu { get; init; } = -1;

    /// <summary>The strategy and seed of this schedule, for its replay token.</summary>
    internal string StrategyName { get; }

    internal ulong IterationSeed { get; }

    internal BugKind? BugKind { get; private set; }

    internal string? BugMessage { get; private set; }

    /// <summary>For a deadlock: some blocked operation holds a lock (see <see cref="ScheduleBug.LocksHeld"/>).</summary>
    internal bool BugLocksHeld { get; private set; }

    internal Exception? BugException { get; private set; }

    internal bool FieldInterleavings => Options.FieldInterleavings;

    // ------------------------------------------------------------------ execution

    /// <summary>Set when this schedule is one of an exploration session (the finishing worker starts the next schedule).</summary>
    internal ExplorationSession? Session { get; set; }

    /// <summary>Runs <paramref name="body"/> as the main operation (a single schedule: a replay) and waits for it to finish; a data race it noted is its finding if nothing else failed.</summary>
    internal void Execute(Action body, CancellationToken ct)
    {
        StartMainOnNewWorker(body);
        Watchdog.Watch(() => this, done, ct, Options.UncontrolledGrace, null);
        ReportPendingRace();
    }

    /// <summary>Creates the main operation, started and bound to the calling worker (which must run it at once).</summary>
    internal ControlledOperation PrepareMain(Action body, Worker worker)
    {
        main = CreateOperation(OperationKind.Main, body, null);
        lock (gate)
        {
            running = main;
            startedLive++;
        }

        main.Started = true;
        worker.Assign(main);
        return main;
    }

    internal void StartMainOnNewWorker(Action body)
    {
        main = CreateOperation(OperationKind.Main, body, null);
        lock (gate)
        {
            running = main;
        }

        Resume(main);
    }

    internal long Progress => Volatile.Read(ref progress);

    internal ControlledOperation? Running => running;

    internal void RequestInterrupt(ControlledOperation op)
    {
        interrupted = op;
        interruptRequested = true;
    }

    internal string UncontrolledMessageFor(ControlledOperation? op) => UncontrolledMessage(op, null);

    /// <summary>
    /// A schedule in which the watchdog had to interrupt a real wait is not a pass, even when the program caught the
    /// ThreadInterruptedException and went on: the engine lost control of it.
    /// </summary>
    internal void ReportSwallowedInterrupt()
    {
        if (interruptRequested && BugKind is null)
        {
            BugKind = Scheduling.BugKind.Uncontrolled;
            BugMessage = UncontrolledMessage(interrupted, null);
        }
    }

    internal void RetireAllWorkers()
    {
        lock (gate)
        {
            foreach (var o in live)
            {
                if (o.Worker is not null)
                {
                    o.Worker.Retired = true;
                }
            }
        }
    }

    /// <summary>Runs an operation on the calling worker; returns true when the caller must call <see cref="SignalDone"/> (after returning itself to the pool).</summary>
    internal bool RunOperation(ControlledOperation op)
    {
        ControlledOperation.Current = op;
        var previousContext = SynchronizationContext.Current;
        // Like a pool thread, a task runs with no SynchronizationContext: its awaits resume on TaskScheduler.Current,
        // which is the controlled scheduler, or the custom scheduler the task was started on (an exclusive
        // scheduler keeps every segment of its tasks exclusive). Threads and continuations get the controlled context.
        SynchronizationContext.SetSynchronizationContext(op.TaskToRun is null ? SyncContext : null);
        try
        {
            if (!canceled)
            {
                if (Trace is not null)
                {
                    Record(op, "starts", captureSource: false);
                }

                Options.OnOperationStart?.Invoke();

                Exception? error;
                if (op.TaskToRun is { } task)
                {
                    TaskScheduler.Run(task);
                    error = task.IsFaulted ? task.Exception!.InnerException : null;
                    if (error is not ThreadInterruptedException)
                    {
                        error = null; // a task's own exception is observed through the task, it is not a bug by itself
                    }
                }
                else
                {
                    var wrapper = new Task(static o => ((ControlledOperation)o!).Body!(), op);
                    TaskScheduler.RunWrapper(wrapper);
                    error = wrapper.IsFaulted ? wrapper.Exception!.InnerException : null;
                }

                if (error is not null)
                {
                    HandleEscapedException(op, error);
                }
            }
        }
        catch (Exception e)
        {
            HandleEscapedException(op, e);
        }
        finally
        {
            ControlledOperation.Current = null;
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }

        return Complete(op);
    }

    internal void SignalDone() => done.Set();

    private void HandleEscapedException(ControlledOperation op, Exception e)
    {
        if (e is ExecutionCanceledException || canceled)
        {
            return;
        }

        if (e is ThreadInterruptedException && interruptRequested)
        {
            Cancel(Scheduling.BugKind.Uncontrolled, UncontrolledMessage(op, e), null);
            return;
        }

        Cancel(Scheduling.BugKind.Exception, $"{op.Name} threw {e.GetType().FullName}: {e.Message}", e);
    }

    private string UncontrolledMessage(ControlledOperation? op, Exception? e)
    {
        string? api = uncontrolledStack is not null ? uncontrolledStack : e is null ? null : ApiFromStack(new StackTrace(e, false));
        return $"{op?.Name ?? "An operation"} blocked in {(api is null ? "a call" : "'" + api + "'")} that the engine does not control " +
            $"(no scheduling point for {Options.UncontrolledGrace.TotalSeconds:0.#} s). Use a supported primitive, or make sure the code is rewritten.";
    }

    /// <summary>Called from the first-chance exception handler while the interrupted thread still stands in the blocking call.</summary>
    internal void OnInterruptObserved()
    {
        if (interruptRequested && uncontrolledStack is null)
        {
            uncontrolledStack = ApiFromStack(new StackTrace(2, false));
        }
    }

    /// <summary>The outermost framework frame called directly by non-framework code, e.g. "ManualResetEvent.WaitOne".</summary>
    internal static string? ApiFromStack(StackTrace stack)
    {
        var self = typeof(ControlledRuntime).Assembly;
        StackFrame[] frames = stack.GetFrames();
        for (int i = 0; i < frames.Length; i++)
        {
            var m = frames[i].GetMethod();
            var t = m?.DeclaringType;
            if (t is null || !IsFramework(t.Assembly) || t.Assembly == self)
            {
                continue;
            }

            var caller = i + 1 < frames.Length ? frames[i + 1].GetMethod()?.DeclaringType : null;
            if (caller is null || (!IsFramework(caller.Assembly) && caller.Assembly != self) || caller.Assembly == self)
            {
                string typeName = t.Name;
                return $"{(t.Namespace is null ? string.Empty : t.Namespace + ".")}{typeName}.{m!.Name}";
            }
        }

        return null;
    }

    private static bool IsFramework(System.Reflection.Assembly a)
    {
        string? n = a.GetName().Name;
        return n is not null && (n == "System.Private.CoreLib" || n.StartsWith("System.", StringComparison.Ordinal) || n == "netstandard" || n == "mscorlib");
    }

    internal ControlledOperation CreateOperation(OperationKind kind, Action? body, Task? task, string? name = null)
    {
        lock (gate)
        {
            int id = nextId++;
            var op = new ControlledOperation(this, id, kind, name ?? DefaultName(kind, id), body, task);
            live.Add(op);
            return op;
        }
    }

    private static string DefaultName(OperationKind kind, int id) => kind switch
    {
        OperationKind.Main => "main",
        OperationKind.Thread => "thread " + id,
        OperationKind.Task => "task " + id,
        OperationKind.Continuation => "continuation " + id,
        _ => "timer " + id,
    };

    private void Resume(ControlledOperation next)
    {
        running = next;
        if (!next.Started)
        {
            next.Started = true;
            lock (gate)
            {
                startedLive++;
            }

            var worker = Worker.Rent();
            worker.Assign(next);
            worker.Parker.Unpark();
        }
        else
        {
            next.Worker!.Parker.Unpark();
        }
    }

    private bool Complete(ControlledOperation op)
    {
        lock (gate)
        {
            op.Status = OperationStatus.Completed;
            live.Remove(op);
            startedLive--;
            if (canceled)
            {
                return ClaimFinish();
            }
        }

        progress++;
        if (Trace is not null)
        {
            Record(op, "completed", captureSource: false);
        }

        var next = PickNext(op);
        if (next is not null)
        {
            if (!next.Started && op.Worker is { Retired: false } worker && worker.Thread == Thread.CurrentThread)
            {
                // The next operation has no thread yet: this one's thread is free, so run it here (the worker
                // picks it up when RunOperation returns) instead of waking another thread and parking this one.
                running = next;
                next.Started = true;
                lock (gate)
                {
                    startedLive++;
                }

                worker.Assign(next);
                return false;
            }

            Resume(next);
            return false;
        }

        if (!canceled)
        {
            lock (gate)
            {
                if (startedLive == 0)
                {
                    return ClaimFinish();
                }
            }

            // Only background operations are left, parked in waits that can never end: unwind them (not a bug)
            // so their threads return to the pool.
            Cancel(null, null, null);
        }

        lock (gate)
        {
            return ClaimFinish();
        }
    }

    /// <summary>Exactly one caller (under the gate) learns that the schedule is over.</summary>
    private bool ClaimFinish()
    {
        if (finishClaimed || startedLive != 0)
        {
            return false;
        }

        finishClaimed = true;
        return true;
    }

    // ------------------------------------------------------------------ scheduling points

    /// <summary>A scheduling point of the running operation, before it performs <paramref name="verb"/>.</summary>
    /// <param name="alreadyDone">the action happened before this point (e.g. a thread or task was started): trace it before rescheduling</param>
    internal void SchedulePoint(ControlledOperation op, string verb, object? resource = null, string? detail = null, bool isYield = false, bool alreadyDone = false)
    {
        if (canceled)
        {
            ThrowCanceled(op);
        }

        progress++;
        // Field and array accesses are a few nanoseconds of real work, API calls some tens.
        Charge(verb is "read" or "write" ? 2 : 30);
        if (isYield)
        {
            ChargeSpin(op);
        }

        if (++steps > Options.MaxSteps)
        {
            Cancel(Scheduling.BugKind.Hang,
                $"The schedule exceeded {Options.MaxSteps} steps: a livelock or an endless loop (still running: {string.Join(", ", LiveNames())}).", null);
            ThrowCanceled(op);
        }

        op.Yielded = isYield;
        op.Pending = alreadyDone ? PendingStep.Other : PendingStepOf(verb);
        if (Trace is null)
        {
            Reschedule(op);
            op.Pending = PendingStep.Other;
            return;
        }

        // The step is recorded when the operation goes on to perform the action (after the scheduler let it run),
        // so the trace is the order in which actions really happened.
        var site = SourceOf(op);
        string action = FormatAction(verb, resource, detail);
        if (alreadyDone)
        {
            Add(op, action, site);
            Reschedule(op);
            return;
        }

        Reschedule(op);
        op.Pending = PendingStep.Other;
        Add(op, action, site);
    }

    private static PendingStep PendingStepOf(string verb) => verb switch
    {
        "Interlocked.CompareExchange" => PendingStep.CompareExchange,
        "Interlocked.Read" or "Interlocked.MemoryBarrier" => PendingStep.Other,
        "Volatile.Write" => PendingStep.AtomicWrite,
        _ when verb.StartsWith("Interlocked.", StringComparison.Ordinal) => PendingStep.AtomicWrite,
        _ => PendingStep.Other,
    };

    private IEnumerable<string> LiveNames()
    {
        lock (gate)
        {
            return live.Select(o => o.Name).ToList();
        }
    }

    private void Reschedule(ControlledOperation op)
    {
        var next = PickNext(op);
        if (next is null)
        {
            // The schedule is over (a bug was found, or only background work is left waiting, this operation among it):
            // mark it cancelled before unwinding, so learner handlers on the way see a teardown (SharedMemoryHooks.InTeardown).
            Cancel(null, null, null);
            ThrowCanceled(op);
            return;
        }

        if (next == op)
        {
            return;
        }

        Charge(ContextSwitchNs);
        Resume(next);
        bool parked = false;
        try
        {
            op.Worker!.Parker.Park();
            parked = true;
        }
        finally
        {
            if (!parked)
            {
                // Interrupted while parked (stale interrupt): this schedule cannot continue safely.
                Cancel(Scheduling.BugKind.Uncontrolled, UncontrolledMessage(op, null), null);
            }
        }

        if (canceled)
        {
            ThrowCanceled(op);
        }
    }

    /// <summary>
    /// Blocks the running operation until <paramref name="canProceed"/> holds (it must be free of side effects)
    /// or the virtual <paramref name="timeoutMs"/> elapses. Returns false on timeout.
    /// </summary>
    internal bool BlockUntil(ControlledOperation op, Func<bool> canProceed, string waitKind, object? waitTarget, long timeoutMs = Timeout.Infinite)
    {
        if (canProceed())
        {
            return true;
        }

        if (timeoutMs == 0)
        {
            // A wait that gives up at once (Wait(0), TryEnter(0), a timeout truncated to 0 ms) still takes some time.
            ChargeSpin(op);
            return false;
        }

        op.Status = OperationStatus.Blocked;
        op.CanProceed = canProceed;
        op.WaitKind = waitKind;
        op.WaitTarget = waitTarget;
        op.TimedOut = false;
        op.Deadline = DeadlineAfter(timeoutMs);
        op.SpinStreak = 0; // it really waits: a thread that waits is not spinning
        if (Trace is not null)
        {
            Record(op, "blocked: waits for " + DescribeWait(op), captureSource: true);
        }

        try
        {
            while (true)
            {
                Reschedule(op);
                if (canProceed())
                {
                    if (Trace is not null)
                    {
                        Record(op, "resumes: done waiting for " + DescribeWait(op), captureSource: false);
                    }

                    return true;
                }

                if (op.TimedOut)
                {
                    if (Trace is not null)
                    {
                        Record(op, $"timed out at {Now} ms (virtual)", captureSource: false);
                    }

                    return false;
                }
            }
        }
        finally
        {
            op.Status = OperationStatus.Enabled;
            op.CanProceed = null;
            op.WaitKind = null;
            op.WaitTarget = null;
            op.TimedOut = false;
            op.Deadline = long.MaxValue;
        }
    }

    /// <summary>Sleeps the running operation for <paramref name="ms"/> of virtual time.</summary>
    internal void Sleep(ControlledOperation op, long ms)
    {
        if (ms <= 0)
        {
            SchedulePoint(op, "yield", isYield: true);
            return;
        }

        SchedulePoint(op, "sleep", detail: ms + " ms");
        BlockUntil(op, static () => false, "time", null, ms);
    }

    // ------------------------------------------------------------------ time that work takes

    /// <summary>A hand-off to another thread: a futex wake-up on a real machine costs a few microseconds.</summary>
    private const long ContextSwitchNs = 2_000;

    private const long FirstSpinNs = 500;
    private const long MaxSpinNs = 200_000;

    private ulong workDraws;

    /// <summary>
    /// Advances virtual time by about <paramref name="ns"/> (between half and one and a half times it, drawn from the
    /// schedule's seed in run order, so a replay takes exactly the same time). Virtual time used to move only when
    /// every operation waited, so a clock read twice around busy work stood still, which no real clock does: code could
    /// recognise the explorer by it. Now every scheduling point, loop turn, clock read and hand-off takes a little.
    /// </summary>
    internal void Charge(long ns)
    {
        ulong r = DeterministicRandom.Mix(IterationSeed, ++workDraws);
        NowNs += (ns / 2) + (long)(r % (ulong)(ns + 1));
    }

    /// <summary>A clock read: takes some tens of nanoseconds, like the real ones. Returns virtual time since the schedule started, in ns.</summary>
    internal long ReadClock()
    {
        Charge(30);
        return NowNs;
    }

    /// <summary>
    /// A yield or a wait that gives up at once: the first costs half a microsecond, each next one without a real wait in
    /// between twice the last (up to 0.2 ms), as a spinning thread on a busy machine gets descheduled for longer. So a loop
    /// that waits for a clock with <c>Wait(0)</c> or <c>Thread.Sleep(0)</c> (<c>left = timeout - elapsed; Monitor.Wait(gate,
    /// left)</c> truncates a fraction of a millisecond to 0) reaches its deadline in a few turns, not thousands of steps.
    /// </summary>
    internal void ChargeSpin(ControlledOperation op)
    {
        int streak = Math.Min(op.SpinStreak, 20);
        op.SpinStreak++;
        Charge(Math.Min(FirstSpinNs << streak, MaxSpinNs));
    }

    private bool WithinEarlyTimeoutHorizon(long deadline) =>
        Options.EarlyTimeoutHorizonMs >= long.MaxValue / NsPerMs || deadline - NowNs <= Options.EarlyTimeoutHorizonMs * NsPerMs;

    /// <summary>The virtual deadline of a wait of <paramref name="timeoutMs"/> starting now (negative: none).</summary>
    internal long DeadlineAfter(long timeoutMs) =>
        timeoutMs < 0 || timeoutMs >= (long.MaxValue - NowNs) / NsPerMs ? long.MaxValue : NowNs + (timeoutMs * NsPerMs);

    private uint identityHashes;

    /// <summary>The identity hash code of the next object first hashed in this run: deterministic, spread like the runtime's.</summary>
    internal int NextIdentityHash() => (int)((++identityHashes * 0x9E3779B9u) >> 6) | 1;

    /// <summary>Bits for unseeded randomness (<c>new Random()</c>, <c>Random.Shared</c>, <c>Guid.NewGuid()</c>), drawn in
    /// run order from the schedule's seed, so a replay draws the same.</summary>
    internal ulong NextRandomBits() => (randomBits ??= new DeterministicRandom(DeterministicRandom.Mix(strategy.IterationSeed, 0x5EED))).NextUInt64();

    internal int NextRandomSeed() => (int)(NextRandomBits() >> 33);

    internal Random SharedRandom => sharedRandom ??= new Random(NextRandomSeed());

    /// <summary>Controlled nondeterminism.</summary>
    internal int NextInteger(ControlledOperation op, int maxValue)
    {
        if (canceled)
        {
            ThrowCanceled(op);
        }

        if (maxValue <= 1)
        {
            return 0;
        }

        decisions++;
        int v;
        try
        {
            v = decisions > Options.MaxUnfairSteps && !replaying ? fairRandom.Next(maxValue) : strategy.NextInteger(maxValue);
        }
        catch (InvalidOperationException)
        {
            v = -1;
        }

        if ((uint)v >= (uint)maxValue)
        {
            Cancel(Scheduling.BugKind.Uncontrolled, ScheduleExplorer.ReplayDivergedMessage, null);
            ThrowCanceled(op);
        }

        Choices.Add(v);
        return v;
    }

    private ControlledOperation? PickNext(ControlledOperation? current)
    {
        while (true)
        {
            enabled.Clear();
            long minDeadline = long.MaxValue;
            bool foregroundBlocked = false;
            bool anyBlocked = false;
            for (int i = 0; i < live.Count; i++)
            {
                var op = live[i];
                if (op.Status == OperationStatus.Enabled)
                {
                    enabled.Add(op);
                }
                else if (op.Status == OperationStatus.Blocked)
                {
                    if (op.TimedOut || op.CanProceed!())
                    {
                        enabled.Add(op);
                    }
                    else
                    {
                        anyBlocked = true;
                        if (op.Kind is OperationKind.Main or OperationKind.Thread)
                        {
                            foregroundBlocked = true;
                        }

                        if (op.Deadline < minDeadline)
                        {
                            minDeadline = op.Deadline;
                        }
                    }
                }
            }

            int timeoutCandidates = 0;
            if (Options.ExploreEarlyTimeouts && enabled.Count > 0 && minDeadline != long.MaxValue && WithinEarlyTimeoutHorizon(minDeadline))
            {
                // Time may pass while others compute: the earliest pending timeout may fire now.
                for (int i = 0; i < live.Count; i++)
                {
                    var op = live[i];
                    if (op.Status == OperationStatus.Blocked && !op.TimedOut && op.Deadline == minDeadline && !enabled.Contains(op))
                    {
                        enabled.Add(op);
                        timeoutCandidates++;
                    }
                }
            }

            if (enabled.Count == 0)
            {
                if (!anyBlocked || canceled)
                {
                    return null;
                }

                bool mainDone = main is null || main.Status == OperationStatus.Completed;
                if (mainDone && !foregroundBlocked)
                {
                    // Only background work (tasks, continuations, timers) is left waiting: the test is over.
                    return null;
                }

                if (minDeadline != long.MaxValue)
                {
                    NowNs = Math.Max(NowNs, minDeadline);
                    foreach (var op in live)
                    {
                        if (op.Status == OperationStatus.Blocked && op.Deadline <= NowNs)
                        {
                            op.TimedOut = true;
                            TimeOrdered = true;
                        }
                    }

                    continue;
                }

                if (live.Any(o => o.Status == OperationStatus.Blocked && o.WaitKind == "task"))
                {
                    // A task may still be completed by code the engine does not control (e.g. a library awaiting
                    // with ConfigureAwait(false) continues on the thread pool). Give it a moment to show up, so
                    // that is reported as uncontrolled rather than as a deadlock.
                    for (int i = 0; i < 100 && !canceled; i++)
                    {
                        Thread.Sleep(5);
                        if (live.Any(o => o.Status == OperationStatus.Blocked && o.CanProceed!()))
                        {
                            Cancel(Scheduling.BugKind.Uncontrolled,
                                "A task was completed by a thread the engine does not control (for example library code awaiting with ConfigureAwait(false), " +
                                "or Task.WhenAll/WhenAny/ContinueWith in code that is not rewritten).", null);
                        }
                    }

                    if (canceled)
                    {
                        return null;
                    }
                }

                ReportDeadlock();
                return null;
            }

            int index;
            if (enabled.Count == 1)
            {
                index = 0;
            }
            else
            {
                decisions++;
                if (decisions > Options.MaxUnfairSteps && !replaying)
                {
                    if (decisions == Options.MaxUnfairSteps + 1)
                    {
                        strategy.NotifyFairTail();
                    }

                    index = fairRandom.Next(enabled.Count);
                }
                else
                {
                    int currentIndex = current is null ? -1 : enabled.IndexOf(current);
                    try
                    {
                        index = strategy.NextOperation(enabled, new SchedulingContext(decisions - 1, current, currentIndex));
                    }
                    catch (InvalidOperationException)
                    {
                        index = -1;
                    }
                }

                if ((uint)index >= (uint)enabled.Count)
                {
                    Cancel(Scheduling.BugKind.Uncontrolled, ScheduleExplorer.ReplayDivergedMessage, null);
                    return null;
                }

                Choices.Add(index);
            }

            if (timeoutCandidates > 0 && index >= enabled.Count - timeoutCandidates)
            {
                NowNs = Math.Max(NowNs, minDeadline);
                foreach (var op in live)
                {
                    if (op.Status == OperationStatus.Blocked && op.Deadline <= NowNs)
                    {
                        op.TimedOut = true;
                        TimeOrdered = true;
                    }
                }
            }

            return enabled[index];
        }
    }

    private void ReportDeadlock()
    {
        var parts = new List<string>();
        foreach (var op in live)
        {
            if (op.Status != OperationStatus.Blocked)
            {
                continue;
            }

            var sb = new StringBuilder(op.Name);
            if (op.Held is { Count: > 0 })
            {
                sb.Append(" holds ").Append(string.Join(" and ", op.Held.Select(h => NameOf(h.Target, h.Kind))));
                sb.Append(',');
            }

            sb.Append(" waits for ").Append(DescribeWait(op));
            parts.Add(sb.ToString());
        }

        // A lock is involved when a blocked operation holds one, or waits to take one (perhaps held by an
        // operation that finished without releasing it).
        BugLocksHeld = live.Any(op => op.Status == OperationStatus.Blocked && (op.Held is { Count: > 0 } || op.WaitKind == Interception.LockModel.Kind));
        Cancel(Scheduling.BugKind.Deadlock, "Deadlock: " + string.Join("; ", parts) + ".", null);
    }

    private string DescribeWait(ControlledOperation op) => op.WaitKind switch
    {
        "join" => (op.WaitTarget as ControlledOperation)?.Name + " to finish",
        "task" => op.WaitTarget is Task t ? DescribeTask(t) + " to complete" : "tasks to complete",
        "pulse" => $"a Pulse of {NameOf(op.WaitTarget!, "lock")}",
        "time" => "time to pass",
        null => "something",
        _ => op.WaitTarget is null ? op.WaitKind : NameOf(op.WaitTarget, op.WaitKind),
    };

    private string DescribeTask(Task t)
    {
        foreach (var o in live)
        {
            if (o.TaskToRun == t)
            {
                return o.Name;
            }
        }

        // A Task no operation of this run executes (a TaskCompletionSource's, an unstarted one): a thing waited on, named by a
        // letter like locks, never to be mixed up with "task 7", the lane of a running task.
        return NameOf(t, "Task object");
    }

    /// <summary>Stable learner-facing name of a resource in this schedule: "lock A", "semaphore B"...</summary>
    internal string NameOf(object target, string kind)
    {
        if (target is ControlledOperation o)
        {
            return o.Name;
        }

        names ??= new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        if (!names.TryGetValue(target, out var letter))
        {
            int n = names.Count;
            letter = string.Empty;
            do
            {
                letter = (char)('A' + (n % 26)) + letter;
                n = (n / 26) - 1;
            }
            while (n >= 0);

            names[target] = letter;
        }

        return kind + " " + letter;
    }

    private string FormatAction(string verb, object? resource, string? detail)
    {
        if (resource is not null)
        {
            return $"{verb}({NameOf(resource, detail ?? "object")})";
        }

        return detail is null ? verb : verb + " " + detail;
    }

    private void Record(ControlledOperation op, string action, bool captureSource)
    {
        Add(op, action, captureSource ? SourceOf(op) : default);
    }

    private static System.Reflection.Assembly? AssemblyOf(StackFrame frame) => frame.GetMethod()?.DeclaringType?.Assembly;

    /// <summary>
    /// Where the calling operation is (a stack walk: for traced runs only): the innermost learner frame and its line, or
    /// "the test's" when a frame of the kata tests comes first. The line is the rewriter's (<see cref="SourceHint"/>) when
    /// the frame is the one that recorded it, since inside a catch or finally the runtime's is wrong; a learner frame with
    /// no line at all (compiler-generated code) takes the line of the learner's call below it.
    /// </summary>
    internal SourceSite SourceOf(ControlledOperation op)
    {
        var frames = new StackTrace(2, true).GetFrames();
        var sawUser = false;
        for (var i = 0; i < frames.Length; i++)
        {
            var frame = frames[i];
            if (isUserFrame(frame))
            {
                if (op.Hint is { } hint && hint.Depth == frames.Length - i && Equals(hint.Method, frame.GetMethod()))
                {
                    return new SourceSite(hint.File, hint.Line, ByTest: false, hint.LockLine);
                }

                if (frame.GetFileName() is { } file && frame.GetFileLineNumber() is > 0 and var line)
                {
                    return new SourceSite(file, line, ByTest: false, 0);
                }

                sawUser = true;
            }
            else if (!sawUser && isTestFrame?.Invoke(frame) == true)
            {
                return new SourceSite(null, null, ByTest: true, 0);
            }
        }

        return default;
    }

    /// <summary>The rewriter's line for the learner's next call (<see cref="Interception.SharedMemoryHooks.AtSourceLine"/>), kept with the frame that made it.</summary>
    internal void NoteSourceLine(ControlledOperation op, string file, int line, int lockLine)
    {
        var frames = new StackTrace(1, false).GetFrames();
        var self = typeof(ControlledRuntime).Assembly;
        for (var i = 0; i < frames.Length; i++)
        {
            if (frames[i].GetMethod() is { } method && method.DeclaringType?.Assembly != self)
            {
                op.Hint = new SourceHint(method, frames.Length - i, file, line, lockLine);
                return;
            }
        }
    }

    private void Add(ControlledOperation op, string action, SourceSite site)
    {
        // The Monitor.Exit the compiler wrote for a lock statement: the learner wrote no such call (renderers name it).
        int? lockLine = site.LockLine > 0 && action.StartsWith("Monitor.Exit(", StringComparison.Ordinal) ? site.LockLine : null;
        lock (gate)
        {
            Trace!.Add(new TraceStep(Trace.Count, op.Id, op.Name, action, site.ByTest ? null : site.File, site.ByTest ? null : site.Line)
            {
                ByTest = site.ByTest,
                LockStatementLine = lockLine,
            });
        }
    }

    private void Add(ControlledOperation op, string action, string? file, int? line) => Add(op, action, new SourceSite(file, line, ByTest: false, 0));

    /// <summary>
    /// A Try* call of <paramref name="op"/> returned false: its last step says so, since a trace otherwise reads as if it
    /// had succeeded (a TryWrite into a full channel, a TryEnter of a held lock).
    /// </summary>
    internal void NoteReturnedFalse(ControlledOperation op)
    {
        lock (gate)
        {
            for (var i = Trace!.Count - 1; i >= 0 && i >= Trace.Count - 64; i--)
            {
                if (Trace[i].OperationId == op.Id)
                {
                    // Only the Try call's own step (a call that took no step, or timed out, leaves the trace as it is).
                    if (Trace[i].Action.Contains(".Try", StringComparison.Ordinal))
                    {
                        Trace[i] = Trace[i] with { Result = "false" };
                    }

                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ cancellation

    /// <summary>Stops the schedule (first bug wins); parked operations wake and unwind with <see cref="ExecutionCanceledException"/>.</summary>
    internal void Cancel(BugKind? kind, string? message, Exception? exception)
    {
        bool setDone = false;
        if (interruptRequested && kind is not null and not Scheduling.BugKind.Uncontrolled)
        {
            // The watchdog interrupted a thread stuck in a real wait: whatever fails after that (often the
            // ThreadInterruptedException surfacing through the test's own code) is the engine's blind spot, not the learner's bug.
            kind = Scheduling.BugKind.Uncontrolled;
            message = UncontrolledMessage(interrupted, exception);
        }

        lock (gate)
        {
            if (canceled)
            {
                return;
            }

            BugKind = kind;
            BugMessage = message;
            BugException = exception;
            canceled = true;
            foreach (var op in live)
            {
                if (op.Started && op.Worker is not null)
                {
                    op.Worker.Parker.Unpark();
                }
            }

            setDone = startedLive == 0;
        }

        if (setDone)
        {
            done.Set();
        }
    }

    /// <summary>At a loop's back edge: a cancelled schedule's operation unwinds there (an endless loop has no other exit).</summary>
    internal void UnwindIfCanceled(ControlledOperation op)
    {
        if (canceled && op.Worker is not null)
        {
            ThrowCanceled(op);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowCanceled(ControlledOperation op)
    {
        if (++op.StepsAfterCancel > 1000)
        {
            // The program keeps catching our cancellation: park this thread for good rather than let it spin.
            if (op.Worker is not null)
            {
                op.Worker.Retired = true;
            }

            Thread.Sleep(Timeout.Infinite);
        }

        throw new ExecutionCanceledException();
    }

    /// <summary>Stops the schedule with an <see cref="Scheduling.BugKind.Uncontrolled"/> finding and unwinds the caller.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal void FailUncontrolled(ControlledOperation op, string message)
    {
        Cancel(Scheduling.BugKind.Uncontrolled, message, null);
        ThrowCanceled(op);
    }

    // ------------------------------------------------------------------ data races

    private string? pendingRace;
    private int raceTraceEnd;

    internal bool HasPendingRace => pendingRace is not null;

    /// <summary>
    /// Keeps the schedule's first data race without stopping it. Under the engine the overlapping calls still run one
    /// at a time, so the program goes on as if they had not overlapped, and what the race leads to (a lost update, a
    /// broken invariant) is the better finding when a test sees it. The race becomes the finding only when nothing else
    /// fails (<see cref="ReportPendingRace"/>).
    /// </summary>
    /// <param name="other">the operation inside the changing call, traced with <paramref name="otherAction"/> at its call's line</param>
    internal void NoteRace(ControlledOperation op, string action, ControlledOperation other, string otherAction, string? otherFile, int? otherLine, string message)
    {
        lock (gate)
        {
            if (canceled || pendingRace is not null)
            {
                return;
            }

            pendingRace = message;
        }

        if (Trace is not null)
        {
            Add(other, otherAction, otherFile, otherLine);
            Record(op, action, captureSource: true);
            raceTraceEnd = Trace.Count;
        }
    }

    /// <summary>Makes the noted race this schedule's finding if it has no other; the trace then ends at the race.</summary>
    internal void ReportPendingRace()
    {
        if (BugKind is not null || pendingRace is null)
        {
            return;
        }

        BugKind = Scheduling.BugKind.DataRace;
        BugMessage = pendingRace;
        if (Trace is not null && raceTraceEnd < Trace.Count)
        {
            Trace.RemoveRange(raceTraceEnd, Trace.Count - raceTraceEnd);
        }
    }

    internal void ReportForeignContinuation(string what)
    {
        Cancel(Scheduling.BugKind.Uncontrolled,
            $"{what} arrived from a thread the engine does not control (an awaited API the engine does not model, e.g. real I/O, an uncontrolled timer or un-rewritten Task.Run).", null);
    }

    // ------------------------------------------------------------------ primitive state

    /// <summary>Per-schedule state of a primitive keyed by the real object (state never leaks across schedules).</summary>
    /// <summary>The model state of <paramref name="key"/> in this run, created by <paramref name="create"/> on first use.</summary>
    internal T StateOf<TKey, T>(TKey key, Func<TKey, T> create)
        where TKey : class
        where T : class
    {
        ref var state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(StatesOf<T>(), key, out _);
        return state ??= create(key);
    }

    internal Dictionary<object, T> StatesOf<T>()
        where T : class
    {
        states ??= new Dictionary<Type, object>();
        if (!states.TryGetValue(typeof(T), out var table))
        {
            table = new Dictionary<object, T>(ReferenceEqualityComparer.Instance);
            states[typeof(T)] = table;
        }

        return (Dictionary<object, T>)table;
    }

    /// <summary>Starts a background timer operation that runs <paramref name="callback"/> after <paramref name="dueMs"/> of virtual time unless <paramref name="isCancelled"/>.</summary>
    /// <summary>Runs <paramref name="action"/> as a new operation (e.g. to complete a promise asynchronously, like RunContinuationsAsynchronously).</summary>
    internal void Spawn(Action action, string? name = null) => CreateOperation(OperationKind.Continuation, action, null, name);

    internal ControlledOperation StartTimer(long dueMs, Action callback, Func<bool> isCancelled, string? name = null)
    {
        ControlledOperation? timerOp = null;
        timerOp = CreateOperation(OperationKind.Timer, () =>
        {
            var self = timerOp!;
            if (!BlockUntil(self, isCancelled, "time", null, Math.Max(dueMs, 1)) && !isCancelled())
            {
                SchedulePoint(self, "timer fires");
                callback();
            }
        }, null, name);
        return timerOp;
    }
}

/// <summary>Where a step was taken: the learner's file and line, or the kata test's own code (<see cref="ByTest"/>).</summary>
/// <param name="LockLine">the step is the release at the end of the <c>lock</c> statement on this line (0: not one)</param>
internal readonly record struct SourceSite(string? File, int? Line, bool ByTest, int LockLine);
