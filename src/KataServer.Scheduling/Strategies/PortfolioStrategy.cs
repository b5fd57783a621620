using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>
/// Rotates schedules among bounded DFS, PCT and random walk, and, once the program has shown a compare-and-swap, the
/// read-then-CAS window hunter (<see cref="CasWindowStrategy"/>; a program without one explores exactly as before).
/// If DFS exhausts its space with no bound reached the whole space has been explored and the portfolio stops;
/// otherwise it keeps going with the randomized strategies.
/// </summary>
public sealed class PortfolioStrategy : ISchedulingStrategy
{
    private readonly DfsStrategy dfs;
    private readonly CasWindowStrategy window;
    private bool sawCompareExchange;
    private readonly List<ISchedulingStrategy> members;
    private ISchedulingStrategy active;
    private int iteration = -1;

    public PortfolioStrategy(ulong seed, int pctDepth, int maxPreemptions)
    {
        dfs = new DfsStrategy(maxPreemptions, DeterministicRandom.Mix(seed, 1));
        window = new CasWindowStrategy(DeterministicRandom.Mix(seed, 5));
        members =
        [
            dfs,
            new PctStrategy(DeterministicRandom.Mix(seed, 2), pctDepth),
            new RandomStrategy(DeterministicRandom.Mix(seed, 3)),
            new PctStrategy(DeterministicRandom.Mix(seed, 4), Math.Max(1, pctDepth - 1)),
            window,
        ];
        active = dfs;
    }

    public string Name => "portfolio/" + active.Name;

    public ulong IterationSeed => active.IterationSeed;

    public bool SpaceExhausted => dfs.SpaceExhausted;

    public string? Coverage => dfs.Coverage;

    public bool PrepareNextIteration()
    {
        for (int attempt = 0; attempt < members.Count; attempt++)
        {
            iteration++;
            var next = members[iteration % members.Count];
            if (next == dfs && dfs.SpaceExhausted)
            {
                if (!dfs.Pruned)
                {
                    return false;
                }

                continue;
            }

            if (next == window && !sawCompareExchange)
            {
                continue;
            }

            if (next.PrepareNextIteration())
            {
                active = next;
                return true;
            }

            if (next == dfs && !dfs.Pruned)
            {
                return false;
            }
        }

        return false;
    }

    public int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context)
    {
        if (context.Current is { Pending: PendingStep.CompareExchange })
        {
            sawCompareExchange = true;
        }

        return active.NextOperation(enabled, context);
    }

    public int NextInteger(int maxValue) => active.NextInteger(maxValue);

    public void NotifyFairTail() => active.NotifyFairTail();
}
