using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>Random walk: a uniformly random enabled operation at every decision.</summary>
public sealed class RandomStrategy(ulong seed) : ISchedulingStrategy
{
    private DeterministicRandom random = new(seed);
    private int iteration = -1;

    public string Name => "random";

    public ulong IterationSeed { get; private set; }

    public bool SpaceExhausted => false;

    public bool PrepareNextIteration()
    {
        iteration++;
        IterationSeed = DeterministicRandom.Mix(seed, (ulong)iteration);
        random = new DeterministicRandom(IterationSeed);
        return true;
    }

    public int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context) => random.Next(enabled.Count);

    public int NextInteger(int maxValue) => random.Next(maxValue);
}
