using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>
/// Hunts the window between a read and the compare-and-swap that relies on it (ABA with recycled nodes, a stale
/// snapshot installed by a CAS that should have failed). In each schedule one operation is stopped at one of its
/// <c>Interlocked.CompareExchange</c> points (chosen uniformly among the CAS points schedules have shown) and held back
/// while the others make a chosen number of atomic writes (1 to <c>maxWritesInWindow</c>, CAS attempts included), and
/// it runs its CAS right after the last of them: so the CAS meets exactly the state after a few other updates, such
/// as "pop, pop, push the recycled node", which is where a stale CAS wrongly succeeds. Outside the window the choices
/// are a random walk, which interleaves the other operations finely enough to build that state.
/// PCT would need a change point at the CAS and the right priorities for all of the other operations' steps; random
/// walk alone releases the held operation at an arbitrary step, usually long after the head changed again.
/// </summary>
public sealed class CasWindowStrategy(ulong seed, int maxWritesInWindow = 4) : ISchedulingStrategy
{
    private DeterministicRandom random = new(seed);
    private int iteration = -1;

    // CAS points seen in this schedule, and the most any schedule has shown: the window opens at one of them.
    private int casPoints;
    private int maxCasPoints = 4;
    private int windowAt;
    private int writesWanted;

    private ControlledOperation? held;
    private int writesSeen;
    private bool windowDone;

    public string Name => "window";

    public ulong IterationSeed { get; private set; }

    public bool SpaceExhausted => false;

    public bool PrepareNextIteration()
    {
        iteration++;
        IterationSeed = DeterministicRandom.Mix(seed, (ulong)iteration);
        random = new DeterministicRandom(IterationSeed);
        maxCasPoints = Math.Max(maxCasPoints, casPoints);
        casPoints = 0;
        windowAt = random.Next(maxCasPoints);
        writesWanted = 1 + random.Next(Math.Max(1, maxWritesInWindow));
        held = null;
        writesSeen = 0;
        windowDone = false;
        return true;
    }

    public int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context)
    {
        if (context.Current is { Pending: PendingStep.CompareExchange } atCas && context.CurrentIndex >= 0)
        {
            if (casPoints++ == windowAt && !windowDone && held is null)
            {
                held = atCas; // the window opens: the others go first
            }
        }

        if (held is not null && held.Pending != PendingStep.CompareExchange)
        {
            Close(); // it went on (it was the only one that could run): the window is over
        }

        if (held is not null && IndexOf(enabled, held) is var heldIndex and >= 0)
        {
            if (writesSeen >= writesWanted)
            {
                // The others made their writes: the held CAS runs now, against exactly that state.
                Close();
                return heldIndex;
            }

            int pick = random.Next(enabled.Count - 1);
            if (pick >= heldIndex)
            {
                pick++;
            }

            if (enabled[pick].Pending is PendingStep.CompareExchange or PendingStep.AtomicWrite)
            {
                writesSeen++;
            }

            return pick;
        }

        return random.Next(enabled.Count);
    }

    private void Close()
    {
        held = null;
        windowDone = true;
    }

    private static int IndexOf(IReadOnlyList<ControlledOperation> enabled, ControlledOperation op)
    {
        for (int i = 0; i < enabled.Count; i++)
        {
            if (enabled[i] == op)
            {
                return i;
            }
        }

        return -1;
    }

    public int NextInteger(int maxValue) => random.Next(maxValue);
}
