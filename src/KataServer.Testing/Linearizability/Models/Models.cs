namespace KataServer.Testing.Linearizability;

/// <summary>
/// A LIFO stack. Operations: <c>Push(x)</c>; <c>TryPop()</c> returning <c>(bool, T)</c> (or a plain
/// bool; the value is ignored on failure); <c>Pop()</c> returning the value or throwing
/// InvalidOperationException when empty; <c>IsEmpty</c> and <c>Count</c>.
/// </summary>
public sealed class StackModel : ISequentialModel<StackState>
{
    public const string Push = "Push", TryPop = "TryPop", Pop = "Pop", IsEmpty = "IsEmpty", Count = "Count";

    public string Name => "stack";

    public StackState Init() => StackState.Empty;

    public (bool Ok, StackState Next) Step(StackState state, ModelCall call)
    {
        if (call.Is(Push))
        {
            return (!call.Threw, state.Push(call.Argument));
        }

        if (call.Is(TryPop) || call.Is(Pop))
        {
            return ModelSteps.Remove(call, state.IsEmpty, () => state.Top, () => state.Pop(), state, call.Is(Pop));
        }

        if (call.Is(IsEmpty))
        {
            return (call.Returned(state.IsEmpty), state);
        }

        if (call.Is(Count))
        {
            return (call.Returned(state.Count), state);
        }

        throw ModelSteps.Unknown(this, call);
    }

    public string DescribeState(StackState state) => state.ToString();

    /// <summary>LIFO order of unique values: see <see cref="ModelSteps.LifoOrder"/>.</summary>
    public IEnumerable<(int Before, int After)>? MustPrecede(IReadOnlyList<Operation> operations) =>
        ModelSteps.LifoOrder(operations, Push, IsRemoval, Removal);

    public (Operation Culprit, string Reason)? Diagnose(History history, IReadOnlyList<Operation> operations) =>
        ModelSteps.DiagnoseCollection(history, operations, Push, IsRemoval, Removal, "pushed", "popped");

    private static bool IsRemoval(Operation op) =>
        op.Name.Equals(TryPop, StringComparison.OrdinalIgnoreCase) || op.Name.Equals(Pop, StringComparison.OrdinalIgnoreCase);

    private static (bool, object?) Removal(Operation op) =>
        op.ToCall() is var c && c.Is(TryPop) ? (c.Flag == true, c.Value) : (!c.Threw, c.Result);
}

/// <summary>
/// A FIFO queue. Operations: <c>Enqueue(x)</c>; <c>TryDequeue()</c> returning <c>(bool, T)</c>;
/// <c>Dequeue()</c> returning the value or throwing InvalidOperationException when empty;
/// <c>Count</c>; <c>IsEmpty</c>.
/// </summary>
public sealed class QueueModel : ISequentialModel<SeqState>
{
    public const string Enqueue = "Enqueue", TryDequeue = "TryDequeue", Dequeue = "Dequeue", Count = "Count", IsEmpty = "IsEmpty";

    public string Name => "queue";

    public SeqState Init() => SeqState.Empty;

    public (bool Ok, SeqState Next) Step(SeqState state, ModelCall call)
    {
        if (call.Is(Enqueue))
        {
            return (!call.Threw, state.Append(call.Argument));
        }

        if (call.Is(TryDequeue) || call.Is(Dequeue))
        {
            return ModelSteps.Remove(call, state.IsEmpty, () => state.Front, () => state.RemoveFront(), state, call.Is(Dequeue));
        }

        if (call.Is(Count))
        {
            return (call.Returned(state.Count), state);
        }

        if (call.Is(IsEmpty))
        {
            return (call.Returned(state.IsEmpty), state);
        }

        throw ModelSteps.Unknown(this, call);
    }

    public string DescribeState(SeqState state) => state.ToString();

    /// <summary>FIFO order of unique values: see <see cref="ModelSteps.FifoOrder"/>.</summary>
    public IEnumerable<(int Before, int After)>? MustPrecede(IReadOnlyList<Operation> operations) =>
        ModelSteps.FifoOrder(operations, Enqueue, IsRemoval, Removal);

    public (Operation Culprit, string Reason)? Diagnose(History history, IReadOnlyList<Operation> operations) =>
        ModelSteps.DiagnoseCollection(history, operations, Enqueue, IsRemoval, Removal, "enqueued", "dequeued");

    private static bool IsRemoval(Operation op) =>
        op.Name.Equals(TryDequeue, StringComparison.OrdinalIgnoreCase) || op.Name.Equals(Dequeue, StringComparison.OrdinalIgnoreCase);

    private static (bool, object?) Removal(Operation op) =>
        op.ToCall() is var c && c.Is(TryDequeue) ? (c.Flag == true, c.Value) : (!c.Threw, c.Result);
}

/// <summary>
/// A bounded blocking buffer (FIFO) of a fixed capacity. <c>Put(x)</c> blocks while full and
/// <c>Take()</c> while empty; a recorded history only holds completed calls, so a completed Put
/// must be placed where the buffer has room and a completed Take where it has an item (a call
/// still blocked when the run ended is pending). <c>Count</c> never exceeds the capacity.
/// </summary>
public sealed class BoundedBufferModel(int capacity) : ISequentialModel<SeqState>
{
    public const string Put = "Put", Take = "Take", Count = "Count";

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public string Name => $"buffer of capacity {Capacity}";

    public SeqState Init() => SeqState.Empty;

    public (bool Ok, SeqState Next) Step(SeqState state, ModelCall call)
    {
        if (call.Is(Put))
        {
            return state.Count >= Capacity ? (false, state) : (!call.Threw, state.Append(call.Argument));
        }

        if (call.Is(Take))
        {
            return state.IsEmpty ? (false, state) : (call.Returned(state.Front), state.RemoveFront());
        }

        if (call.Is(Count))
        {
            return (call.Returned(state.Count), state);
        }

        throw ModelSteps.Unknown(this, call);
    }

    public string DescribeState(SeqState state) => state.ToString();

    /// <summary>FIFO order of unique values: see <see cref="ModelSteps.FifoOrder"/>.</summary>
    public IEnumerable<(int Before, int After)>? MustPrecede(IReadOnlyList<Operation> operations) =>
        ModelSteps.FifoOrder(operations, Put, IsRemoval, Removal);

    public (Operation Culprit, string Reason)? Diagnose(History history, IReadOnlyList<Operation> operations) =>
        ModelSteps.DiagnoseCollection(history, operations, Put, IsRemoval, Removal, "put", "taken");

    private static bool IsRemoval(Operation op) => op.Name.Equals(Take, StringComparison.OrdinalIgnoreCase);

    private static (bool, object?) Removal(Operation op) => (!op.ToCall().Threw, op.Result);
}

/// <summary>
/// A counter. <c>Increment()</c>, <c>Decrement()</c> and <c>Add(n)</c> either return nothing or the
/// new value (as <see cref="Interlocked.Increment(ref long)"/> does); <c>Get</c> (also <c>Total</c>,
/// <c>Read</c>, <c>Value</c>) returns the value.
/// </summary>
public sealed class CounterModel(long initial = 0) : ISequentialModel<long>
{
    public const string Increment = "Increment", Decrement = "Decrement", Add = "Add", Get = "Get";

    public string Name => "counter";

    public long Init() => initial;

    public (bool Ok, long Next) Step(long state, ModelCall call)
    {
        long next;
        if (call.Is(Increment))
        {
            next = state + 1;
        }
        else if (call.Is(Decrement))
        {
            next = state - 1;
        }
        else if (call.Is(Add))
        {
            next = state + Convert.ToInt64(call.Argument, System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (call.Is(Get) || call.Is("Total") || call.Is("Read") || call.Is("Value"))
        {
            return (call.Returned(state), state);
        }
        else
        {
            throw ModelSteps.Unknown(this, call);
        }

        return (call.HasNoValue || call.Returned(next), next);
    }

    public string DescribeState(long state) => "value " + state;
}

/// <summary>
/// A read/write register. <c>Read()</c> returns the value; <c>Write(x)</c>; <c>Cas((expected, update))</c>
/// returns whether it swapped (values compared with <see cref="Values.AreEqual"/>); <c>Exchange(x)</c>
/// returns the old value.
/// </summary>
public sealed class RegisterModel(object? initial = null) : ISequentialModel<object?>
{
    public const string Read = "Read", Write = "Write", Cas = "Cas", Exchange = "Exchange";

    public string Name => "register";

    public object? Init() => initial;

    public IEqualityComparer<object?> StateComparer => Values.Comparer;

    public (bool Ok, object? Next) Step(object? state, ModelCall call)
    {
        if (call.Is(Read))
        {
            return (call.Returned(state), state);
        }

        if (call.Is(Write))
        {
            return (!call.Threw, call.Argument);
        }

        if (call.Is(Cas) || call.Is("CompareAndSet") || call.Is("CompareExchange"))
        {
            var swap = Values.AreEqual(state, call.Arg(0));
            return (call.Returned(swap), swap ? call.Arg(1) : state);
        }

        if (call.Is(Exchange))
        {
            return (call.Returned(state), call.Argument);
        }

        throw ModelSteps.Unknown(this, call);
    }

    public string DescribeState(object? state) => "value " + Values.Format(state);
}

/// <summary>
/// A dictionary. <c>Get(key)</c> returns <c>(bool found, value)</c>; <c>Put((key, value))</c> sets;
/// <c>TryAdd((key, value))</c> returns whether it added; <c>Remove(key)</c> returns whether it
/// removed; <c>ContainsKey(key)</c>; <c>Count</c>. Partitioned by key (P-compositionality) unless
/// the history has a <c>Count</c>.
/// </summary>
public sealed class MapModel : ISequentialModel<MapState>
{
    public const string Get = "Get", Put = "Put", TryAdd = "TryAdd", Remove = "Remove", ContainsKey = "ContainsKey", Count = "Count";

    public string Name => "map";

    public MapState Init() => MapState.Empty;

    public (bool Ok, MapState Next) Step(MapState state, ModelCall call)
    {
        if (call.Is(Get) || call.Is("TryGetValue"))
        {
            var found = state.TryGet(Key(call), out var v);
            if (call.IsPending)
            {
                return (true, state);
            }

            return (found ? call.Flag == true && Values.AreEqual(call.Value, v) : call.Flag == false, state);
        }

        if (call.Is(Put))
        {
            return (!call.Threw, state.Set(Key(call), call.Arg(1)));
        }

        if (call.Is(TryAdd))
        {
            var added = !state.ContainsKey(Key(call));
            return (call.Returned(added), added ? state.Set(Key(call), call.Arg(1)) : state);
        }

        if (call.Is(Remove))
        {
            var removed = state.ContainsKey(Key(call));
            return (call.Returned(removed), removed ? state.Remove(Key(call)) : state);
        }

        if (call.Is(ContainsKey))
        {
            return (call.Returned(state.ContainsKey(Key(call))), state);
        }

        if (call.Is(Count))
        {
            return (call.Returned(state.Count), state);
        }

        throw ModelSteps.Unknown(this, call);
    }

    private static object Key(ModelCall call) => call.Arg(0) ?? throw new ArgumentException($"{call.Name}: null key");

    public IReadOnlyList<IReadOnlyList<Operation>>? Partition(IReadOnlyList<Operation> operations) =>
        Model.PartitionBy(operations, op => op.Name.Equals(Count, StringComparison.OrdinalIgnoreCase) ? null : op.ToCall().Arg(0));

    public string DescribeState(MapState state) => state.ToString();
}

/// <summary>
/// A set. <c>Add(x)</c> and <c>Remove(x)</c> return whether they changed the set; <c>Contains(x)</c>;
/// <c>Count</c>. Partitioned by element unless the history has a <c>Count</c>.
/// </summary>
public sealed class SetModel : ISequentialModel<SetState>
{
    public const string Add = "Add", Remove = "Remove", Contains = "Contains", Count = "Count";

    public string Name => "set";

    public SetState Init() => SetState.Empty;

    public (bool Ok, SetState Next) Step(SetState state, ModelCall call)
    {
        if (call.Is(Add))
        {
            var item = Item(call);
            var added = !state.Contains(item);
            return (call.Returned(added), state.Add(item));
        }

        if (call.Is(Remove))
        {
            var item = Item(call);
            var removed = state.Contains(item);
            return (call.Returned(removed), state.Remove(item));
        }

        if (call.Is(Contains))
        {
            return (call.Returned(state.Contains(Item(call))), state);
        }

        if (call.Is(Count))
        {
            return (call.Returned(state.Count), state);
        }

        throw ModelSteps.Unknown(this, call);
    }

    private static object Item(ModelCall call) => call.Argument ?? throw new ArgumentException($"{call.Name}: null item");

    public IReadOnlyList<IReadOnlyList<Operation>>? Partition(IReadOnlyList<Operation> operations) =>
        Model.PartitionBy(operations, op => op.Name.Equals(Count, StringComparison.OrdinalIgnoreCase) ? null : op.Argument);

    public string DescribeState(SetState state) => state.ToString();
}

internal static class ModelSteps
{
    /// <summary>How many of the latest earlier removals each removal is ordered against (older ones are almost always implied by real time).</summary>
    private const int FifoWindow = 32;

    /// <summary>
    /// Orderings every linearization of a FIFO obeys, for values added by exactly one add (pending
    /// adds included) and returned by at most one completed removal:
    /// (1) if the removal of b returned before the removal of a was called, add(b) precedes add(a)
    /// (pairs with the <see cref="FifoWindow"/> nearest earlier removals only; older ones are almost
    /// always implied by real time);
    /// (2) when no removal is pending, a value x that is never removed sits behind every removed
    /// value y: add(y) precedes add(x) (pairs not already implied by real time only).
    /// </summary>
    public static IEnumerable<(int Before, int After)>? FifoOrder(
        IReadOnlyList<Operation> ops, string addName, Func<Operation, bool> isRemoval, Func<Operation, (bool Removed, object? Value)> removal)
    {
        var adds = new Dictionary<object, int>(Values.Comparer!);
        var removes = new Dictionary<object, int>(Values.Comparer!);
        var duplicates = new HashSet<object>(Values.Comparer!);
        var pendingRemoval = false;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.Name.Equals(addName, StringComparison.OrdinalIgnoreCase))
            {
                // Pending adds count too: the value must be added at most once.
                if (op.Argument is { } v && (!adds.TryAdd(v, i) || op.IsPending))
                {
                    duplicates.Add(v);
                }
            }
            else if (isRemoval(op))
            {
                if (op.IsPending)
                {
                    pendingRemoval = true;
                }
                else if (removal(op) is (true, { } value) && !removes.TryAdd(value, i))
                {
                    duplicates.Add(value);
                }
            }
        }

        var pairs = new List<(int, int)>();
        var paired = removes.Where(kv => !duplicates.Contains(kv.Key) && adds.ContainsKey(kv.Key))
            .Select(kv => (Value: kv.Key, Remove: ops[kv.Value]))
            .OrderBy(x => x.Remove.ReturnTime)
            .ToArray();
        var returns = paired.Select(x => x.Remove.ReturnTime!.Value).ToArray();
        foreach (var (value, remove) in paired)
        {
            // Removals that returned strictly before this one was called.
            var k = LowerBound(returns, remove.CallTime);
            for (var j = Math.Max(0, k - FifoWindow); j < k; j++)
            {
                pairs.Add((adds[paired[j].Value], adds[value]));
            }
        }

        if (!pendingRemoval)
        {
            var removedAdds = paired.Select(p => adds[p.Value]).OrderBy(i => ops[i].ReturnTime).ToArray();
            var removedAddReturns = removedAdds.Select(i => ops[i].ReturnTime!.Value).ToArray();
            foreach (var (value, index) in adds)
            {
                if (duplicates.Contains(value) || removes.ContainsKey(value))
                {
                    continue;
                }

                // Adds of removed values that had not returned when add(x) was called.
                for (var j = LowerBound(removedAddReturns, ops[index].CallTime); j < removedAdds.Length && pairs.Count < MaxPairs; j++)
                {
                    pairs.Add((removedAdds[j], index));
                }
            }
        }

        return pairs.Count == 0 ? null : pairs;
    }

    private const int MaxPairs = 1_000_000;

    /// <summary>
    /// Impossibilities that need no search in a collection: a value returned by more removals than
    /// there were adds of it (pending adds included), a value returned that was never added, or a
    /// value returned by a removal that finished before any add of it started.
    /// </summary>
    public static (Operation Culprit, string Reason)? DiagnoseCollection(
        History history, IReadOnlyList<Operation> ops, string addName, Func<Operation, bool> isRemoval,
        Func<Operation, (bool Removed, object? Value)> removal, string added, string removed)
    {
        var adds = new Dictionary<object, List<Operation>>(Values.Comparer!);
        var removals = new List<(Operation Op, object Value)>();
        foreach (var op in ops)
        {
            if (op.Name.Equals(addName, StringComparison.OrdinalIgnoreCase))
            {
                if (op.Argument is { } v)
                {
                    if (!adds.TryGetValue(v, out var list))
                    {
                        adds[v] = list = [];
                    }

                    list.Add(op);
                }
            }
            else if (!op.IsPending && isRemoval(op) && removal(op) is (true, { } value))
            {
                removals.Add((op, value));
            }
        }

        string Who(Operation op) => history.ThreadName(op.ThreadId);
        string Returned(Operation op) => $"{Who(op)}: {Values.FormatCall(op.Name, op.Argument)} returned {Values.Format(op.Result)}";

        var seen = new Dictionary<object, List<Operation>>(Values.Comparer!);
        foreach (var (op, value) in removals.OrderBy(r => r.Op.ReturnTime))
        {
            var v = Values.Format(value);
            if (!adds.TryGetValue(value, out var addsOfValue))
            {
                return (op, $"{Returned(op)}, but {v} was never {added}.");
            }

            if (addsOfValue.All(a => a.CallTime > op.ReturnTime))
            {
                return (op, $"{Returned(op)} before {v} was {added} ({Who(addsOfValue[0])} started {addsOfValue[0].Describe()} only after it returned).");
            }

            if (!seen.TryGetValue(value, out var before))
            {
                seen[value] = before = [];
            }

            before.Add(op);
            if (before.Count > addsOfValue.Count)
            {
                var first = before[0];
                var already = first.ReturnTime < op.CallTime ? "had already been" : "was also";
                var times = addsOfValue.Count == 1 ? "only once" : $"only {addsOfValue.Count} times";
                return (op, $"{Returned(op)}, but {v} {already} {removed} by {Who(first)} and was {added} {times}.");
            }
        }

        return null;
    }

    /// <summary>
    /// Orderings every linearization of a LIFO obeys, for values pushed by exactly one completed push
    /// (and by no pending one) and returned by at most one completed pop: if push(a) and push(b) both
    /// returned before pop(a) was called, and b is popped only after pop(a) returned (or never, when
    /// no pop is pending), then b was below a when a was popped, so push(b) precedes push(a).
    /// Only the <see cref="FifoWindow"/> pushes that returned first after push(a) was called are
    /// paired with a (earlier ones are ordered by real time already).
    /// </summary>
    public static IEnumerable<(int Before, int After)>? LifoOrder(
        IReadOnlyList<Operation> ops, string pushName, Func<Operation, bool> isPop, Func<Operation, (bool Popped, object? Value)> pop)
    {
        var pushes = new Dictionary<object, int>(Values.Comparer!);
        var pops = new Dictionary<object, int>(Values.Comparer!);
        var duplicates = new HashSet<object>(Values.Comparer!);
        var pendingPop = false;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.Name.Equals(pushName, StringComparison.OrdinalIgnoreCase))
            {
                if (op.Argument is { } v && (!pushes.TryAdd(v, i) || op.IsPending))
                {
                    duplicates.Add(v);
                }
            }
            else if (isPop(op))
            {
                if (op.IsPending)
                {
                    pendingPop = true;
                }
                else if (pop(op) is (true, { } value) && !pops.TryAdd(value, i))
                {
                    duplicates.Add(value);
                }
            }
        }

        var unique = pushes.Where(kv => !duplicates.Contains(kv.Key)).OrderBy(kv => ops[kv.Value].ReturnTime).ToArray();
        var returns = unique.Select(kv => ops[kv.Value].ReturnTime!.Value).ToArray();
        var pairs = new List<(int, int)>();
        foreach (var (a, pushA) in unique)
        {
            if (!pops.TryGetValue(a, out var popAIndex))
            {
                continue;
            }

            var popA = ops[popAIndex];
            var seen = 0;
            for (var j = LowerBound(returns, ops[pushA].CallTime); j < unique.Length && returns[j] < popA.CallTime && seen < FifoWindow && pairs.Count < MaxPairs; j++, seen++)
            {
                var (b, pushB) = unique[j];
                if (pushB == pushA)
                {
                    continue;
                }

                var poppedLater = pops.TryGetValue(b, out var popB) ? ops[popB].CallTime > popA.ReturnTime : !pendingPop;
                if (poppedLater)
                {
                    pairs.Add((pushB, pushA));
                }
            }
        }

        return pairs.Count == 0 ? null : pairs;
    }

    private static int LowerBound(long[] sorted, long value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>A TryPop/TryDequeue (result <c>(bool, value)</c>) or a throwing Pop/Dequeue (result value).</summary>
    public static (bool Ok, TState Next) Remove<TState>(ModelCall call, bool empty, Func<object?> front, Func<TState> removed, TState state, bool throwing)
    {
        if (call.IsPending)
        {
            return (true, empty ? state : removed());
        }

        if (throwing)
        {
            return empty
                ? (call.Result is Thrown t && t.Is<InvalidOperationException>(), state)
                : (!call.Threw && Values.AreEqual(call.Result, front()), removed());
        }

        var flag = call.Flag;
        if (empty)
        {
            return (flag == false, state);
        }

        return (flag == true && Values.AreEqual(call.Value, front()), removed());
    }

    public static ArgumentException Unknown<TState>(ISequentialModel<TState> model, ModelCall call) =>
        new($"the {model.Name} model has no operation named '{call.Name}'");
}
