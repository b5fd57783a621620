using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>What a strategy sees at a scheduling decision.</summary>
/// <param name="Decision">index of this decision in the schedule (only decisions with 2+ enabled operations count)</param>
/// <param name="Current">the operation that reached the scheduling point (may be blocked or completed)</param>
/// <param name="CurrentIndex">index of <paramref name="Current"/> in the enabled list, -1 when it is not enabled</param>
public readonly record struct SchedulingContext(int Decision, ControlledOperation? Current, int CurrentIndex);

/// <summary>Chooses which enabled operation runs next. One instance drives a whole exploration.</summary>
public interface ISchedulingStrategy
{
    string Name { get; }

    /// <summary>Starts the next schedule; false when the strategy has nothing left to explore.</summary>
    bool PrepareNextIteration();

    /// <summary>Index into <paramref name="enabled"/> (ordered by operation id; at least two entries).</summary>
    int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context);

    /// <summary>Controlled nondeterminism: a value in [0, maxValue).</summary>
    int NextInteger(int maxValue);

    /// <summary>True once the strategy has enumerated its whole (bounded) space.</summary>
    bool SpaceExhausted { get; }

    /// <summary>The schedule went past the unfair prefix (the rest was chosen fairly at random), so it was not fully enumerated.</summary>
    void NotifyFairTail() { }

    /// <summary>Coverage statement when <see cref="SpaceExhausted"/>.</summary>
    string? Coverage => null;

    /// <summary>Seed of the current iteration, for the fair tail and for the replay token.</summary>
    ulong IterationSeed { get; }
}
