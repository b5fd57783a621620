using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>
/// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random priorities per operation, the
/// highest-priority enabled operation runs, and at d-1 random decision points the running operation drops to
/// the lowest priority. Finds any bug of depth d with probability at least 1/(n k^(d-1)).
/// Operations that yield drop to the lowest priority too, so spin-waits make progress.
/// </summary>
public sealed class PctStrategy(ulong seed, int depth) : ISchedulingStrategy
{
    private readonly List<int> priorities = new(); // operation ids, highest priority first
    private readonly HashSet<int> changePoints = new();
    private DeterministicRandom random = new(seed);
    private int iteration = -1;
    private int maxDecisions = 20;
    private int decisionsThisIteration;

    public string Name => "pct";

    public ulong IterationSeed { get; private set; }

    public bool SpaceExhausted => false;

    public bool PrepareNextIteration()
    {
        iteration++;
        maxDecisions = Math.Max(maxDecisions, decisionsThisIteration);
        decisionsThisIteration = 0;
        IterationSeed = DeterministicRandom.Mix(seed, (ulong)iteration);
        random = new DeterministicRandom(IterationSeed);
        priorities.Clear();
        changePoints.Clear();
        int wanted = Math.Max(0, depth - 1);
        for (int i = 0; i < wanted * 4 && changePoints.Count < Math.Min(wanted, maxDecisions); i++)
        {
            changePoints.Add(random.Next(maxDecisions));
        }

        return true;
    }

    public int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context)
    {
        decisionsThisIteration = context.Decision + 1;
        foreach (var op in enabled)
        {
            if (!priorities.Contains(op.Id))
            {
                priorities.Insert(random.Next(priorities.Count + 1), op.Id);
            }
        }

        if (context.Current is { Yielded: true } yielded && context.CurrentIndex >= 0)
        {
            Deprioritize(yielded.Id);
        }

        if (changePoints.Contains(context.Decision))
        {
            Deprioritize(Highest(enabled).Id);
        }

        var best = Highest(enabled);
        for (int i = 0; i < enabled.Count; i++)
        {
            if (enabled[i] == best)
            {
                return i;
            }
        }

        return 0;
    }

    private void Deprioritize(int id)
    {
        priorities.Remove(id);
        priorities.Add(id);
    }

    private ControlledOperation Highest(IReadOnlyList<ControlledOperation> enabled)
    {
        ControlledOperation best = enabled[0];
        int bestRank = int.MaxValue;
        foreach (var op in enabled)
        {
            int rank = priorities.IndexOf(op.Id);
            if (rank < bestRank)
            {
                bestRank = rank;
                best = op;
            }
        }

        return best;
    }

    public int NextInteger(int maxValue) => random.Next(maxValue);
}
