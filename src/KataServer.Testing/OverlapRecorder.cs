namespace KataServer.Testing;

/// <param name="Observed">runs of <see cref="Concurrent.Run(Action[])"/> in which at least two bodies marked an
/// operation and one of them marked two or more (only such a run can show whether the bodies overlapped), and which
/// either overlapped or kept a body waiting without waiting for a CPU (see <see cref="OverlapRecorder"/>)</param>
/// <param name="Overlapped">observed runs in which some body saw another complete an operation between two of its own</param>
public sealed record OverlapCounts(long Observed, long Overlapped)
{
    /// <summary>The test's bodies could have overlapped, yet never did: they ran one after another every time.</summary>
    public bool NeverOverlapped => Observed > 0 && Overlapped == 0;
}

/// <summary>
/// Records whether the bodies of a <see cref="Concurrent"/> run really ran at the same time. Each body counts the
/// operations it completed (<see cref="Concurrent.OperationDone"/>); at its first mark it notes how many operations
/// the other bodies had completed, and at each later mark whether that number has moved since. A body that sleeps
/// in its first call until the others are done never sees it move, and neither do the others (they saw nothing of
/// it while they ran). Works the same on real threads and under the explorer (this assembly is not rewritten, so
/// the marks add no scheduling points).
/// On a busy machine real threads can also run one after another because they did not get a CPU at the same time:
/// that is not the code's doing. So on Linux each body reads its thread's scheduler statistics when it starts and at
/// its first mark, and a run in which the bodies did not overlap counts (as <see cref="OverlapCounts.Observed"/>) only
/// when some body spent at least <see cref="HeldBackNanoseconds"/> before its first operation blocked (asleep or
/// waiting) rather than waiting in the run queue: the code, not the machine, held it back.
/// </summary>
internal static class OverlapRecorder
{
    private const int Stride = 16; // longs per body: 128 bytes, so bodies do not share a cache line
    private const long HeldBackNanoseconds = 500_000;

    private static readonly AsyncLocal<Body?> current = new();
    private static long observed;
    private static long overlapped;

    internal sealed class Run(int bodies)
    {
        public readonly int Bodies = bodies;
        public readonly long[] Completed = new long[Math.Max(1, bodies) * Stride];
        public readonly long[] SeenAtFirst = new long[Math.Max(1, bodies) * Stride];
        public volatile bool Overlapped;
        /// <summary>Some body was blocked (not waiting for a CPU) for a while before its first operation completed.</summary>
        public volatile bool HeldBack;
    }

    /// <param name="Start">when the body started, and its thread's scheduler statistics then (null when not on real threads or not on Linux)</param>
    private sealed record Body(Run Run, int Index, ThreadTimes? Start, int Thread)
    {
        /// <summary>An asynchronous body's synchronous part has returned: it is suspended in an await, or resumed from one.</summary>
        public volatile bool Resumed;
    }

    /// <summary>A thread's wall clock, time on a CPU and time waiting for one (Linux /proc/thread-self/schedstat), in nanoseconds.</summary>
    private sealed record ThreadTimes(long Wall, long Running, long Queued)
    {
        public static ThreadTimes? Now()
        {
            try
            {
                var parts = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
                var wall = (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e9 / System.Diagnostics.Stopwatch.Frequency));
                return new ThreadTimes(wall, long.Parse(parts[0]), long.Parse(parts[1]));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or OverflowException)
            {
                return null;
            }
        }
    }

    /// <summary>Runs of asynchronous bodies, counted when the counts are next read (by then the test has awaited them).</summary>
    private static readonly List<Run> pending = [];

    internal static OverlapCounts Counts
    {
        get
        {
            RecordPending();
            return new(Interlocked.Read(ref observed), Interlocked.Read(ref overlapped));
        }
    }

    internal static void Reset()
    {
        lock (pending) pending.Clear();
        Interlocked.Exchange(ref observed, 0);
        Interlocked.Exchange(ref overlapped, 0);
    }

    internal static void RecordLater(Run run)
    {
        lock (pending)
        {
            // A test that starts runs without end (each iteration or schedule one) must not grow this without bound.
            if (pending.Count >= 1024) RecordPendingLocked();
            pending.Add(run);
        }
    }

    private static void RecordPending()
    {
        lock (pending) RecordPendingLocked();
    }

    private static void RecordPendingLocked()
    {
        foreach (var run in pending) Record(run);
        pending.Clear();
    }

    internal static void Enter(Run run, int index) =>
        current.Value = new Body(run, index, Concurrent.OnRealThreads ? ThreadTimes.Now() : null, Environment.CurrentManagedThreadId);

    internal static void Leave() => current.Value = null;

    /// <summary>Called when an asynchronous body's synchronous part returns: any mark after this one came after an await.</summary>
    internal static void Suspended()
    {
        if (current.Value is { } body) body.Resumed = true;
    }

    internal static void Mark()
    {
        if (current.Value is not { } body) return;
        var run = body.Run;
        var slot = body.Index * Stride;
        var mine = run.Completed[slot] + 1;
        Volatile.Write(ref run.Completed[slot], mine);
        if (run.Overlapped) return;

        long others = 0;
        for (var other = 0; other < run.Bodies; other++)
            if (other != body.Index) others += Volatile.Read(ref run.Completed[other * Stride]);
        if (mine == 1)
        {
            run.SeenAtFirst[slot] = others;
            if (body.Resumed || body.Thread != Environment.CurrentManagedThreadId)
            {
                // An asynchronous body awaited something before its first operation: the code waited. (It may resume on
                // the thread it started on, which meanwhile ran other work, so the thread's statistics cannot tell.)
                run.HeldBack = true;
            }
            else if (body.Start is { } start && ThreadTimes.Now() is { } now)
            {
                var blocked = now.Wall - start.Wall - (now.Running - start.Running) - (now.Queued - start.Queued);
                if (blocked >= HeldBackNanoseconds && blocked > now.Queued - start.Queued) run.HeldBack = true;
            }
            else
            {
                run.HeldBack = true; // no statistics (the explorer, or not Linux): every run counts
            }
        }
        else if (others != run.SeenAtFirst[slot])
        {
            run.Overlapped = true;
        }
    }

    internal static void Record(Run run)
    {
        var marking = 0;
        var repeated = false;
        for (var body = 0; body < run.Bodies; body++)
        {
            var count = Volatile.Read(ref run.Completed[body * Stride]);
            if (count > 0) marking++;
            if (count > 1) repeated = true;
        }

        if (marking < 2 || !repeated || !(run.Overlapped || run.HeldBack)) return;
        Interlocked.Increment(ref observed);
        if (run.Overlapped) Interlocked.Increment(ref overlapped);
    }
}
