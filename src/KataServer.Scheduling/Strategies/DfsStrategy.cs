using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Strategies;

/// <summary>
/// Depth-first enumeration of schedules with at most <c>maxPreemptions</c> preemptions (CHESS, Musuvathi and
/// Qadeer, PLDI 2007). A preemption is switching away from an operation that is still enabled and did not yield.
/// The bound deepens iteratively (iterative context bounding): every schedule with 0 preemptions, then with at most
/// 1, ... up to <c>maxPreemptions</c>, so bugs that need few preemptions are found before DFS sinks into the
/// variations of one long schedule's tail. When the stack empties at the last bound, every schedule within it has
/// been run: <see cref="SpaceExhausted"/>. Negative <c>maxPreemptions</c> means unbounded (full enumeration).
/// </summary>
public sealed class DfsStrategy(int maxPreemptions, ulong seed = 0) : ISchedulingStrategy
{
    private sealed class ChoicePoint(int[] options, int optionCount)
    {
        public int[] Options { get; } = options;

        public int OptionCount { get; } = optionCount;

        public int Position { get; set; }
    }

    private readonly List<ChoicePoint> stack = new();
    private int depth;
    private int preemptions;
    private bool started;
    private bool pruned;
    private int iteration;
    private int bound = maxPreemptions < 0 ? -1 : 0;
    private int completedBound = -1;

    public string Name => "dfs";

    public ulong IterationSeed { get; private set; }

    public bool SpaceExhausted { get; private set; }

    /// <summary>True when some schedule was cut by the preemption bound or the unfair-step limit.</summary>
    public bool Pruned => pruned;

    /// <summary>The bound being enumerated now (negative: unbounded).</summary>
    public int CurrentBound => bound;

    public string? Coverage => SpaceExhausted
        ? pruned ? $"all schedules with at most {bound} preemptions explored (DFS)" : "all schedules explored (DFS, no bound was reached)"
        : completedBound >= 0 ? $"all schedules with at most {completedBound} preemptions explored (DFS; {bound} in progress)" : null;

    public bool PrepareNextIteration()
    {
        if (SpaceExhausted)
        {
            return false;
        }

        IterationSeed = DeterministicRandom.Mix(seed, (ulong)iteration++);
        depth = 0;
        preemptions = 0;
        if (!started)
        {
            started = true;
            return true;
        }

        while (stack.Count > 0 && stack[^1].Position >= stack[^1].Options.Length - 1)
        {
            stack.RemoveAt(stack.Count - 1);
        }

        if (stack.Count == 0)
        {
            if (pruned && bound >= 0 && bound < maxPreemptions)
            {
                // Every schedule within this bound has run and some were cut: deepen. Schedules with fewer
                // preemptions run again on the way; that costs less than remembering them.
                completedBound = bound++;
                pruned = false;
                return true;
            }

            SpaceExhausted = true;
            return false;
        }

        stack[^1].Position++;
        return true;
    }

    public int NextOperation(IReadOnlyList<ControlledOperation> enabled, SchedulingContext context)
    {
        bool currentRunnable = context.CurrentIndex >= 0 && context.Current is { Yielded: false };
        ChoicePoint point;
        if (depth < stack.Count)
        {
            point = stack[depth];
            if (point.OptionCount != enabled.Count)
            {
                throw new InvalidOperationException("DFS: the program is not deterministic under the controlled scheduler.");
            }
        }
        else
        {
            int[] options;
            if (currentRunnable)
            {
                if (bound >= 0 && preemptions >= bound)
                {
                    options = [context.CurrentIndex];
                    pruned = true;
                }
                else
                {
                    options = new int[enabled.Count];
                    options[0] = context.CurrentIndex;
                    for (int i = 0, k = 1; i < enabled.Count; i++)
                    {
                        if (i != context.CurrentIndex)
                        {
                            options[k++] = i;
                        }
                    }
                }
            }
            else if (context.CurrentIndex >= 0)
            {
                // The current operation yielded: others first, itself last.
                options = new int[enabled.Count];
                for (int i = 0, k = 0; i < enabled.Count; i++)
                {
                    if (i != context.CurrentIndex)
                    {
                        options[k++] = i;
                    }
                }

                options[^1] = context.CurrentIndex;
            }
            else
            {
                options = Enumerable.Range(0, enabled.Count).ToArray();
            }

            point = new ChoicePoint(options, enabled.Count);
            stack.Add(point);
        }

        depth++;
        int choice = point.Options[point.Position];
        if (currentRunnable && choice != context.CurrentIndex)
        {
            preemptions++;
        }

        return choice;
    }

    public int NextInteger(int maxValue)
    {
        ChoicePoint point;
        if (depth < stack.Count)
        {
            point = stack[depth];
        }
        else
        {
            point = new ChoicePoint(Enumerable.Range(0, maxValue).ToArray(), maxValue);
            stack.Add(point);
        }

        depth++;
        return point.Options[point.Position];
    }

    public void NotifyFairTail() => pruned = true;
}
