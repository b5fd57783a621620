namespace KataServer.Testing;

/// <param name="Observed">runs of <see cref="Concurrent.Run(Action[])"/> in which at least two bodies marked an
/// operation and one of them marked two or more (only such a run can show whether the bodies overlapped)</param>
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
/// </summary>
internal static class OverlapRecorder
{
    private const int Stride = 16; // longs per body: 128 bytes, so bodies do not share a cache line

    private static readonly AsyncLocal<Body?> current = new();
    private static long observed;
    private static long overlapped;

    internal sealed class Run(int bodies)
    {
        public readonly int Bodies = bodies;
        public readonly long[] Completed = new long[Math.Max(1, bodies) * Stride];
        public readonly long[] SeenAtFirst = new long[Math.Max(1, bodies) * Stride];
        public volatile bool Overlapped;
    }

    private sealed record Body(Run Run, int Index);

    internal static OverlapCounts Counts => new(Interlocked.Read(ref observed), Interlocked.Read(ref overlapped));

    internal static void Reset()
    {
        Interlocked.Exchange(ref observed, 0);
        Interlocked.Exchange(ref overlapped, 0);
    }

    internal static void Enter(Run run, int index) => current.Value = new Body(run, index);

    internal static void Leave() => current.Value = null;

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
        if (mine == 1) run.SeenAtFirst[slot] = others;
        else if (others != run.SeenAtFirst[slot]) run.Overlapped = true;
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

        if (marking < 2 || !repeated) return;
        Interlocked.Increment(ref observed);
        if (run.Overlapped) Interlocked.Increment(ref overlapped);
    }
}
