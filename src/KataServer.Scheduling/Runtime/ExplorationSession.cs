using System.Diagnostics;
using KataServer.Scheduling.Strategies;

namespace KataServer.Scheduling.Runtime;

/// <summary>
/// Drives an exploration: the worker that finishes schedule k prepares schedule k+1 and runs its main operation
/// itself, so consecutive schedules cost no extra thread hand-offs; the exploring thread only watches.
/// </summary>
internal sealed class ExplorationSession
{
    private readonly ISchedulingStrategy strategy;
    private readonly ExplorationOptions options;
    private readonly Action body;
    private readonly IProgress<ExplorationProgress>? progress;
    private readonly CancellationToken ct;
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private readonly ManualResetEventSlim finished = new(false, 20);
    private long lastReportMs;
    private volatile ControlledRuntime? current;
    private ControlledRuntime? racy;
    private readonly int cpu = CpuAffinity.ChooseCpu();
    private int done;

    internal ExplorationSession(ISchedulingStrategy strategy, ExplorationOptions options, Action body, IProgress<ExplorationProgress>? progress, CancellationToken ct)
    {
        this.strategy = strategy;
        this.options = options;
        this.body = body;
        this.progress = progress;
        this.ct = ct;
    }

    internal int Schedules { get; private set; }

    internal bool Exhausted { get; private set; }

    /// <summary>Some schedule had an operation ordered by virtual time (see <see cref="ControlledRuntime.TimeOrdered"/>).</summary>
    internal bool TimeOrdered { get; private set; }

    internal ControlledRuntime? Buggy { get; private set; }

    internal TimeSpan Elapsed => stopwatch.Elapsed;

    internal ISchedulingStrategy Strategy => strategy;

    /// <summary>Runs the exploration on pooled workers and watches it from the calling thread.</summary>
    internal void Run()
    {
        var first = Next();
        if (first is null)
        {
            return;
        }

        first.StartMainOnNewWorker(body);
        Watchdog.Watch(() => current, finished, ct, options.UncontrolledGrace, Abort);
        if (Buggy is null && racy is not null)
        {
            // No schedule failed outright: the first data race seen is the finding.
            racy.ReportPendingRace();
            Buggy = racy;
        }
    }

    /// <summary>Ends the session with <paramref name="rt"/>'s finding (its threads will not unwind).</summary>
    internal void Abort(ControlledRuntime rt)
    {
        if (Interlocked.Exchange(ref done, 1) == 0)
        {
            Schedules++;
            Buggy = rt.BugKind is null ? null : rt;
            finished.Set();
        }
    }

    /// <summary>Called by the worker that completed <paramref name="finishedRuntime"/>; returns the next schedule or null when the session is over.</summary>
    internal ControlledRuntime? OnScheduleFinished(ControlledRuntime finishedRuntime)
    {
        if (Volatile.Read(ref done) != 0)
        {
            return null;
        }

        Schedules++;
        TimeOrdered |= finishedRuntime.TimeOrdered;
        finishedRuntime.ReportSwallowedInterrupt();
        if (finishedRuntime.BugKind is not null)
        {
            Buggy = finishedRuntime;
            Finish();
            return null;
        }

        if (finishedRuntime.HasPendingRace)
        {
            racy ??= finishedRuntime;
        }

        if (progress is not null && (Schedules & 63) == 0 && stopwatch.ElapsedMilliseconds - lastReportMs >= 100)
        {
            lastReportMs = stopwatch.ElapsedMilliseconds;
            try
            {
                progress.Report(new ExplorationProgress(Schedules, stopwatch.Elapsed, strategy.Name));
            }
            catch (Exception)
            {
                // A failing progress sink must not fail the exploration.
            }
        }

        return Next();
    }

    internal Action Body => body;

    private ControlledRuntime? Next()
    {
        if (Schedules >= options.MaxSchedules || stopwatch.Elapsed >= options.TimeBudget || ct.IsCancellationRequested)
        {
            Finish();
            return null;
        }

        if (!strategy.PrepareNextIteration())
        {
            Exhausted = strategy.SpaceExhausted;
            Finish();
            return null;
        }

        var rt = new ControlledRuntime(strategy, options, captureTrace: false, replaying: false) { Session = this, Cpu = cpu };
        current = rt;
        return rt;
    }

    private void Finish()
    {
        if (Interlocked.Exchange(ref done, 1) == 0)
        {
            finished.Set();
        }
    }
}
