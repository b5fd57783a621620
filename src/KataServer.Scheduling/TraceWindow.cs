namespace KataServer.Scheduling;

/// <summary>Cuts a long trace down to the steps that explain the bug.</summary>
public static class TraceWindow
{
    /// <summary>Steps kept after the last switch between threads, before the cut.</summary>
    private const int AfterLastSwitch = 10;

    /// <summary>
    /// At most <paramref name="max"/> steps of <paramref name="trace"/>. Usually its last steps, where the schedule went
    /// wrong. But when one thread ran alone for longer than that at the end (a livelock up to the step bound, or the test's
    /// checks walking a structure the race broke), the last steps show only that thread: then the steps up to just after
    /// the last switch between threads are kept, where the interleaving that caused it happened, and the rest of
    /// <paramref name="max"/> (at least a quarter) from the very end. Step numbers are kept, so a reader sees where steps are missing.
    /// </summary>
    public static IReadOnlyList<TraceStep> Keep(IReadOnlyList<TraceStep> trace, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 8);
        if (trace.Count <= max)
        {
            return trace;
        }

        int lastSwitch = trace.Count - 1;
        while (lastSwitch > 0 && trace[lastSwitch - 1].OperationId == trace[lastSwitch].OperationId)
        {
            lastSwitch--;
        }

        int tail = max / 4;
        int headEnd = Math.Min(trace.Count, lastSwitch + AfterLastSwitch);
        if (lastSwitch == 0 || headEnd > trace.Count - tail)
        {
            return trace.Skip(trace.Count - max).ToList();
        }

        int headStart = Math.Max(0, headEnd - (max - tail));
        tail = max - (headEnd - headStart); // a short beginning leaves more room for the end
        return trace.Skip(headStart).Take(headEnd - headStart).Concat(trace.Skip(trace.Count - tail)).ToList();
    }
}
