using System.Diagnostics;
using System.Numerics;

namespace KataServer.Testing.Linearizability;

/// <summary>Checks a whole history against a model; see <see cref="LinearizabilityChecker.CreateCheck"/>.</summary>
public delegate LinearizabilityResult HistoryCheck(History history);

/// <summary>
/// Wing &amp; Gong's linearizability search with Lowe's memoization, in the form Porcupine uses
/// (<c>checkSingle</c>): the history becomes a doubly linked list of call and return events in
/// time order; the search walks the calls that precede the first return, tries each on the model,
/// and on success "lifts" the call and its return out of the list and restarts from the head.
/// Reaching a return means no pending candidate fits: it backtracks (unlifts) the last choice.
/// A cache of (linearized set as a bitset, model state) prunes configurations already seen.
/// Histories are first split by the model's <see cref="ISequentialModel{TState}.Partition"/>
/// (P-compositionality) and each part is checked alone.
/// Pending operations (never returned) get a return after every other event and are optional:
/// the search succeeds once every completed operation is linearized (see
/// <see cref="CheckOptions.PendingMustBeBlocked"/> for blocking objects).
/// Two additions to Porcupine's search: the bitset snapshot kept per cache entry is the prefix
/// length of the call order plus the few words past it (linearized sets are nearly prefixes), and
/// a model may supply orderings that every linearization obeys
/// (<see cref="ISequentialModel{TState}.MustPrecede"/>: FIFO/LIFO order of unique values), which
/// the search never violates. When a pruned search finds a violation, an unpruned search on a small
/// budget produces the explanation (the longest explainable order and the unexplained result).
/// A step and time budget (<see cref="CheckOptions"/>) bounds every check: past it the result is
/// "timed out", never a hang.
/// </summary>
public static class LinearizabilityChecker
{
    public static LinearizabilityResult Check<TState>(ISequentialModel<TState> model, History history, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        options ??= CheckOptions.Default;
        var budget = new Budget(options);
        var parts = model.Partition(history.Operations) ?? [history.Operations];
        var witness = new List<Operation>();
        var timedOut = false;
        foreach (var part in parts)
        {
            var outcome = CheckSingle(model, part, budget, useConstraints: true, options.PendingMustBeBlocked);
            if (outcome.TimedOut)
            {
                // Out of budget: a plain impossibility still proves a violation.
                if (model.Diagnose(history, part) is { } quick)
                {
                    return new LinearizabilityResult
                    {
                        IsLinearizable = false,
                        History = history,
                        Unexplained = quick.Culprit,
                        Diagnosis = quick.Reason,
                        FailingPartition = part,
                        ModelName = model.Name,
                        Partitions = parts.Count,
                        Steps = budget.Steps,
                        Elapsed = budget.Elapsed,
                    };
                }

                timedOut = true;
                break;
            }

            if (!outcome.Ok && model.MustPrecede(part) is not null)
            {
                // Pruned searches stop at the op whose predecessors could not all go first, which
                // explains less well: search again without pruning, on a small budget, for the explanation.
                var plain = CheckSingle(model, part, new Budget(options with { MaxSteps = Math.Min(options.MaxSteps, 2_000_000), Timeout = ExplanationBudget(budget.Elapsed) }), useConstraints: false, options.PendingMustBeBlocked);
                if (!plain.Ok && !plain.TimedOut)
                {
                    outcome = plain;
                }
            }

            if (!outcome.Ok)
            {
                return new LinearizabilityResult
                {
                    IsLinearizable = false,
                    History = history,
                    Linearization = outcome.Order,
                    Unexplained = outcome.Unexplained,
                    StateAfterLinearization = outcome.StateDescription,
                    Diagnosis = model.Diagnose(history, part)?.Reason,
                    FailingPartition = part,
                    ModelName = model.Name,
                    Partitions = parts.Count,
                    Steps = budget.Steps,
                    Elapsed = budget.Elapsed,
                };
            }

            witness.AddRange(outcome.Order);
        }

        return new LinearizabilityResult
        {
            IsLinearizable = !timedOut,
            TimedOut = timedOut,
            History = history,
            Linearization = timedOut ? [] : witness,
            ModelName = model.Name,
            Partitions = parts.Count,
            Steps = budget.Steps,
            Elapsed = budget.Elapsed,
        };
    }

    /// <summary>The unpruned re-search for a better explanation gets as long as the search took (0.1 to 2 s).</summary>
    private static TimeSpan ExplanationBudget(TimeSpan searchTook) =>
        searchTook < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) :
        searchTook > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : searchTook;

    /// <summary>A check bound to a model and options, for <see cref="ScenarioRunner{TTarget}"/>.</summary>
    public static HistoryCheck CreateCheck<TState>(ISequentialModel<TState> model, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return history => Check(model, history, options);
    }

    private sealed record Outcome(bool Ok, bool TimedOut, IReadOnlyList<Operation> Order, Operation? Unexplained, string? StateDescription);

    private sealed class Budget(CheckOptions options)
    {
        private readonly long start = Stopwatch.GetTimestamp();
        private readonly long deadline = options.Timeout == Timeout.InfiniteTimeSpan || options.Timeout > TimeSpan.FromDays(1)
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);

        public long Steps;

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(start);

        /// <summary>Counts one step; true when the budget is exhausted.</summary>
        public bool Exhausted()
        {
            Steps++;
            if (Steps > options.MaxSteps)
            {
                return true;
            }

            return (Steps & 255) == 0 &&
                   (Stopwatch.GetTimestamp() > deadline || options.CancellationToken.IsCancellationRequested);
        }
    }

    private readonly struct CacheEntry<TState>(int prefix, ulong[] words, TState state)
    {
        public readonly int Prefix = prefix;
        public readonly ulong[] Words = words;
        public readonly TState State = state;
    }

    /// <summary>
    /// The set of linearized operations, as a bitset over their call order. Such sets are nearly
    /// prefixes of the call order, so a snapshot for the cache is the prefix length plus the few
    /// words past it, not the whole bitset. The hash is Zobrist (xor of a value per member).
    /// </summary>
    private sealed class LinearizedSet(int n)
    {
        private readonly ulong[] bits = new ulong[(n + 63) / 64];

        public int Count { get; private set; }

        /// <summary>All of 0..Prefix-1 are members; Prefix is not.</summary>
        public int Prefix { get; private set; }

        public ulong Hash { get; private set; }

        public void Add(int i)
        {
            bits[i >> 6] |= 1UL << (i & 63);
            Count++;
            Hash ^= Zobrist(i);
            if (i == Prefix)
            {
                var p = i + 1;
                while (p < n && (bits[p >> 6] & (1UL << (p & 63))) != 0)
                {
                    p++;
                }

                Prefix = p;
            }
        }

        public void Remove(int i)
        {
            bits[i >> 6] &= ~(1UL << (i & 63));
            Count--;
            Hash ^= Zobrist(i);
            if (i < Prefix)
            {
                Prefix = i;
            }
        }

        /// <summary>The words from the one holding Prefix to the last one with a member.</summary>
        public ReadOnlySpan<ulong> Tail()
        {
            var first = Prefix >> 6;
            var need = Count - first * 64;
            var end = first;
            while (need > 0)
            {
                need -= BitOperations.PopCount(bits[end]);
                end++;
            }

            return bits.AsSpan(first, end - first);
        }
    }

    private static Outcome CheckSingle<TState>(ISequentialModel<TState> model, IReadOnlyList<Operation> ops, Budget budget, bool useConstraints, bool pendingMustBeBlocked)
    {
        var n = ops.Count;
        var comparer = model.StateComparer;

        // Events in time order; on equal times calls come first (treated as overlapping).
        // Pending operations return after everything else.
        var events = new (long Time, int Kind, int Op)[2 * n];
        for (var i = 0; i < n; i++)
        {
            events[2 * i] = (ops[i].CallTime, 0, i);
            events[2 * i + 1] = (ops[i].ReturnTime ?? long.MaxValue, ops[i].IsPending ? 2 : 1, i);
        }

        Array.Sort(events, static (a, b) =>
        {
            var c = a.Kind == 2 || b.Kind == 2 ? (a.Kind == 2).CompareTo(b.Kind == 2) : 0;
            if (c != 0)
            {
                return c;
            }

            c = a.Time.CompareTo(b.Time);
            if (c != 0)
            {
                return c;
            }

            c = (a.Kind != 0).CompareTo(b.Kind != 0);
            return c != 0 ? c : a.Op.CompareTo(b.Op);
        });

        // Node 0 is the head sentinel; nodes 1..2n are events. next == -1 marks the end.
        var m = 2 * n + 1;
        var next = new int[m];
        var prev = new int[m];
        var nodeOp = new int[m];
        var match = new int[m]; // for a call node: its return node; for a return node: -1
        var callNode = new int[n];
        for (var k = 0; k < 2 * n; k++)
        {
            var node = k + 1;
            prev[node] = node - 1;
            next[node - 1] = node;
            nodeOp[node] = events[k].Op;
            match[node] = -1;
            if (events[k].Kind == 0)
            {
                callNode[events[k].Op] = node;
            }
        }

        next[2 * n] = -1;
        for (var k = 0; k < 2 * n; k++)
        {
            if (events[k].Kind != 0)
            {
                match[callNode[events[k].Op]] = k + 1;
            }
        }

        var calls = ops.Select(o => o.ToCall()).ToArray();

        // Model-supplied orderings every linearization obeys: an op is tried only once all its
        // predecessors are linearized.
        var blockers = new int[n];
        var successors = new List<int>?[n];
        if (useConstraints && model.MustPrecede(ops) is { } constraints)
        {
            foreach (var (before, after) in constraints)
            {
                if (before == after || (uint)before >= (uint)n || (uint)after >= (uint)n)
                {
                    continue;
                }

                (successors[before] ??= []).Add(after);
                blockers[after]++;
            }
        }

        var completed = ops.Count(o => !o.IsPending);
        // Bit positions follow call order, so linearized sets stay close to prefixes.
        var bit = new int[n];
        for (int k = 0, rank = 0; k < 2 * n; k++)
        {
            if (events[k].Kind == 0)
            {
                bit[events[k].Op] = rank++;
            }
        }

        var linearized = new LinearizedSet(n);
        var cache = new Dictionary<ulong, object>();
        var stackNode = new int[n];
        var stackState = new TState[n];
        var depth = 0;
        var linearizedCompleted = 0;
        var state = model.Init();
        var bestDepth = -1;
        int[] bestOrder = [];
        var bestUnexplained = -1;
        var bestState = state;

        var pendingOps = pendingMustBeBlocked ? Enumerable.Range(0, n).Where(i => ops[i].IsPending).ToArray() : [];
        var isLinearized = new bool[n];

        // Done once every completed op is linearized and, if asked, no pending op left out could proceed.
        bool Done()
        {
            if (linearizedCompleted < completed)
            {
                return false;
            }

            foreach (var p in pendingOps)
            {
                if (!isLinearized[p] && model.Step(state, calls[p]).Ok)
                {
                    return false;
                }
            }

            return true;
        }

        var entry = next[0];
        while (!Done())
        {
            if (budget.Exhausted())
            {
                return new Outcome(false, true, [], null, null);
            }

            if (match[entry] >= 0 && (blockers[nodeOp[entry]] > 0 || (pendingMustBeBlocked && ops[nodeOp[entry]].IsPending)))
            {
                entry = next[entry];
            }
            else if (match[entry] >= 0)
            {
                var op = nodeOp[entry];
                var (ok, newState) = model.Step(state, calls[op]);
                if (ok)
                {
                    linearized.Add(bit[op]);
                    var key = linearized.Hash ^ ((ulong)(uint)comparer.GetHashCode(newState!) * 0x9E3779B97F4A7C15UL);
                    if (TryAddToCache(cache, key, linearized, newState, comparer))
                    {
                        stackNode[depth] = entry;
                        stackState[depth] = state;
                        depth++;
                        state = newState;
                        if (!ops[op].IsPending)
                        {
                            linearizedCompleted++;
                        }

                        isLinearized[op] = true;

                        if (successors[op] is { } after)
                        {
                            foreach (var a in after)
                            {
                                blockers[a]--;
                            }
                        }

                        Lift(entry, match[entry], next, prev);
                        entry = next[0];
                    }
                    else
                    {
                        linearized.Remove(bit[op]);
                        entry = next[entry];
                    }
                }
                else
                {
                    entry = next[entry];
                }
            }
            else
            {
                // A return: its call could not be linearized before it. Backtrack.
                if (depth > bestDepth)
                {
                    bestDepth = depth;
                    bestOrder = new int[depth];
                    for (var i = 0; i < depth; i++)
                    {
                        bestOrder[i] = nodeOp[stackNode[i]];
                    }

                    bestUnexplained = nodeOp[entry];
                    bestState = state;
                }

                if (depth == 0)
                {
                    return new Outcome(
                        false,
                        false,
                        bestOrder.Select(i => ops[i]).ToArray(),
                        ops[bestUnexplained],
                        model.DescribeState(bestState));
                }

                depth--;
                entry = stackNode[depth];
                state = stackState[depth];
                stackState[depth] = default!;
                var op = nodeOp[entry];
                linearized.Remove(bit[op]);
                if (!ops[op].IsPending)
                {
                    linearizedCompleted--;
                }

                isLinearized[op] = false;

                if (successors[op] is { } after)
                {
                    foreach (var a in after)
                    {
                        blockers[a]++;
                    }
                }

                Unlift(entry, match[entry], next, prev);
                entry = next[entry];
            }
        }

        var order = new Operation[depth];
        for (var i = 0; i < depth; i++)
        {
            order[i] = ops[nodeOp[stackNode[i]]];
        }

        return new Outcome(true, false, order, null, null);
    }

    /// <summary>Adds (linearized set, state) to the cache; false if it was already there.</summary>
    private static bool TryAddToCache<TState>(Dictionary<ulong, object> cache, ulong key, LinearizedSet set, TState state, IEqualityComparer<TState> comparer)
    {
        var tail = set.Tail();
        if (cache.TryGetValue(key, out var existing))
        {
            if (existing is CacheEntry<TState> single)
            {
                if (Same(single, set.Prefix, tail, state, comparer))
                {
                    return false;
                }

                cache[key] = new List<CacheEntry<TState>> { single, new(set.Prefix, tail.ToArray(), state) };
                return true;
            }

            var list = (List<CacheEntry<TState>>)existing;
            foreach (var e in list)
            {
                if (Same(e, set.Prefix, tail, state, comparer))
                {
                    return false;
                }
            }

            list.Add(new(set.Prefix, tail.ToArray(), state));
            return true;
        }

        cache[key] = new CacheEntry<TState>(set.Prefix, tail.ToArray(), state);
        return true;
    }

    private static bool Same<TState>(CacheEntry<TState> e, int prefix, ReadOnlySpan<ulong> tail, TState state, IEqualityComparer<TState> comparer) =>
        e.Prefix == prefix && tail.SequenceEqual(e.Words) && comparer.Equals(e.State, state);

    private static ulong Zobrist(int op)
    {
        var z = (ulong)op + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return BitOperations.RotateLeft(z ^ (z >> 31), 1) | 1;
    }

    private static void Lift(int call, int ret, int[] next, int[] prev)
    {
        next[prev[call]] = next[call];
        if (next[call] >= 0)
        {
            prev[next[call]] = prev[call];
        }

        next[prev[ret]] = next[ret];
        if (next[ret] >= 0)
        {
            prev[next[ret]] = prev[ret];
        }
    }

    private static void Unlift(int call, int ret, int[] next, int[] prev)
    {
        next[prev[ret]] = ret;
        if (next[ret] >= 0)
        {
            prev[next[ret]] = ret;
        }

        next[prev[call]] = call;
        if (next[call] >= 0)
        {
            prev[next[call]] = call;
        }
    }
}
