using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>Replays a recorded list of choices; an out-of-range or missing choice signals divergence.</summary>
public sealed class ReplayStrategy(IReadOnlyList<int> choices, ulong seed) : ISchedulingStrategy
{
    private int position;
    private bool used;

    public string Name => "replay";

    public ulong IterationSeed => seed;

    public bool SpaceExhausted => used;

    public bool PrepareNextIteration()
    {
        if (used)
        {
            return false;
        }

        used = true;
        position = 0;
        return true;
    }

    public int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context) => Next();

    public int NextInteger(int maxValue) => Next();

    private int Next() => position < choices.Count ? choices[position++] : -1;
}
