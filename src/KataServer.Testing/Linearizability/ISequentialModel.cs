namespace KataServer.Testing.Linearizability;

/// <summary>
/// A sequential specification. States must be immutable values: <see cref="Step"/> returns a new
/// state and never changes the one it is given, because the checker backtracks to old states and
/// memoizes (linearized set, state) pairs using <see cref="StateComparer"/>.
/// </summary>
public interface ISequentialModel<TState>
{
    /// <summary>Learner-facing name of the object, e.g. "stack".</summary>
    string Name => "object";

    TState Init();

    /// <summary>
    /// Applies <paramref name="call"/> to <paramref name="state"/>. <c>Ok</c> is false when the
    /// recorded result cannot be produced from this state (or the call cannot complete in it, such
    /// as a blocking take on an empty buffer). For a pending call (<see cref="ModelCall.IsPending"/>)
    /// any result is allowed: return the state the call would leave.
    /// </summary>
    (bool Ok, TState Next) Step(TState state, ModelCall call);

    /// <summary>Equality and hash of states, for memoization.</summary>
    IEqualityComparer<TState> StateComparer => EqualityComparer<TState>.Default;

    /// <summary>
    /// P-compositionality: split a history into independent sub-histories (e.g. by key) that are
    /// linearizable together iff each is linearizable alone. Null: no split.
    /// </summary>
    IReadOnlyList<IReadOnlyList<Operation>>? Partition(IReadOnlyList<Operation> operations) => null;

    /// <summary>Learner-facing description of a state, e.g. "[2, 1] (top first)".</summary>
    string DescribeState(TState state) => Values.Format(state);

    /// <summary>
    /// Optional pruning: pairs (before, after) of indices into <paramref name="operations"/> such that
    /// EVERY linearization that explains the history puts <c>before</c> ahead of <c>after</c> (for a
    /// queue with unique values: if the dequeue of b returned before the dequeue of a was called,
    /// the enqueue of b precedes the enqueue of a). The checker then never tries orders that break
    /// them. A pair that does not hold in every linearization makes the checker wrong; return null
    /// when unsure.
    /// </summary>
    IEnumerable<(int Before, int After)>? MustPrecede(IReadOnlyList<Operation> operations) => null;

    /// <summary>
    /// Optional: a plain-words reason that makes the history impossible on its own (a value popped
    /// twice but pushed once, a value returned that was never added), and the operation at fault.
    /// It must only be returned when no linearization can exist; the checker adds it to its
    /// explanation, and trusts it when its search runs out of budget.
    /// </summary>
    (Operation Culprit, string Reason)? Diagnose(History history, IReadOnlyList<Operation> operations) => null;
}

/// <summary>Builds models from delegates, so a kata author can define one in a few lines.</summary>
public static class Model
{
    /// <summary>
    /// A model from an initial state and a step function. Example (a counter):
    /// <code>
    /// var model = Model.FromDelegate(0L, (long s, ModelCall c) =&gt; c.Is("Inc") ? (true, s + 1) : (c.Returned(s), s));
    /// </code>
    /// </summary>
    public static ISequentialModel<TState> FromDelegate<TState>(
        TState initial,
        Func<TState, ModelCall, (bool Ok, TState Next)> step,
        IEqualityComparer<TState>? comparer = null,
        Func<IReadOnlyList<Operation>, IReadOnlyList<IReadOnlyList<Operation>>?>? partition = null,
        Func<TState, string>? describe = null,
        string name = "object")
    {
        ArgumentNullException.ThrowIfNull(step);
        return new DelegateModel<TState>(initial, step, comparer ?? EqualityComparer<TState>.Default, partition, describe, name);
    }

    /// <summary>Splits operations by a key taken from each call; null key means "cannot partition".</summary>
    public static IReadOnlyList<IReadOnlyList<Operation>>? PartitionBy(IReadOnlyList<Operation> operations, Func<Operation, object?> key)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(key);
        var groups = new Dictionary<object, List<Operation>>(Values.Comparer!);
        var order = new List<List<Operation>>();
        foreach (var op in operations)
        {
            var k = key(op);
            if (k is null)
            {
                return null;
            }

            if (!groups.TryGetValue(k, out var list))
            {
                list = [];
                groups[k] = list;
                order.Add(list);
            }

            list.Add(op);
        }

        return order;
    }

    private sealed class DelegateModel<TState>(
        TState initial,
        Func<TState, ModelCall, (bool Ok, TState Next)> step,
        IEqualityComparer<TState> comparer,
        Func<IReadOnlyList<Operation>, IReadOnlyList<IReadOnlyList<Operation>>?>? partition,
        Func<TState, string>? describe,
        string name) : ISequentialModel<TState>
    {
        public string Name => name;

        public TState Init() => initial;

        public (bool Ok, TState Next) Step(TState state, ModelCall call) => step(state, call);

        public IEqualityComparer<TState> StateComparer => comparer;

        public IReadOnlyList<IReadOnlyList<Operation>>? Partition(IReadOnlyList<Operation> operations) =>
            partition?.Invoke(operations);

        public string DescribeState(TState state) => describe is null ? Values.Format(state) : describe(state);
    }
}
