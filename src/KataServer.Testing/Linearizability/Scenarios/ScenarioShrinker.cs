namespace KataServer.Testing.Linearizability;

/// <summary>
/// Greedy shrinking of a failing scenario to a smaller one that still fails: drops whole threads,
/// then single operations of the parallel part, then of the init and post parts, then empty threads,
/// repeating until nothing more can go. <c>stillFails</c> re-runs a candidate (usually several
/// times, since real-thread failures are probabilistic) and says whether it still fails.
/// </summary>
public static class ScenarioShrinker
{
    public static Scenario Shrink(Scenario failing, Func<Scenario, bool> stillFails, int maxAttempts = 300) =>
        Shrink(failing, stillFails, maxAttempts, out _);

    public static Scenario Shrink(Scenario failing, Func<Scenario, bool> stillFails, int maxAttempts, out int attempts)
    {
        ArgumentNullException.ThrowIfNull(failing);
        ArgumentNullException.ThrowIfNull(stillFails);
        var current = failing;
        var tried = 0;
        var seen = new HashSet<string>();

        bool Try(Scenario candidate)
        {
            if (tried >= maxAttempts || !seen.Add(candidate.ToString()))
            {
                return false;
            }

            tried++;
            if (!stillFails(candidate))
            {
                return false;
            }

            current = candidate;
            return true;
        }

        bool changed;
        do
        {
            changed = false;

            // Whole threads (a big step first, when several threads are not needed).
            for (var t = 0; t < current.Threads && current.Threads > 1;)
            {
                if (current.ParallelPart[t].Count > 0 && Try(current with { ParallelPart = Without(current.ParallelPart, t) }))
                {
                    changed = true;
                }
                else
                {
                    t++;
                }
            }

            // Single operations of the parallel part.
            for (var t = 0; t < current.Threads; t++)
            {
                for (var i = 0; i < current.ParallelPart[t].Count;)
                {
                    var thread = Without(current.ParallelPart[t], i);
                    var parallel = current.ParallelPart.ToArray();
                    parallel[t] = thread;
                    if (Try(current with { ParallelPart = parallel }))
                    {
                        changed = true;
                    }
                    else
                    {
                        i++;
                    }
                }
            }

            for (var i = 0; i < current.InitPart.Count;)
            {
                if (Try(current with { InitPart = Without(current.InitPart, i) }))
                {
                    changed = true;
                }
                else
                {
                    i++;
                }
            }

            for (var i = 0; i < current.PostPart.Count;)
            {
                if (Try(current with { PostPart = Without(current.PostPart, i) }))
                {
                    changed = true;
                }
                else
                {
                    i++;
                }
            }

            // Empty threads carry no operation: drop them (re-checked, as thread count changes timing).
            if (current.ParallelPart.Any(p => p.Count == 0) &&
                Try(current with { ParallelPart = current.ParallelPart.Where(p => p.Count > 0).ToArray() }))
            {
                changed = true;
            }
        }
        while (changed && tried < maxAttempts);

        attempts = tried;
        return current;
    }

    private static IReadOnlyList<T> Without<T>(IReadOnlyList<T> list, int index)
    {
        var copy = new List<T>(list);
        copy.RemoveAt(index);
        return copy;
    }
}
