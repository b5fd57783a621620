namespace KataServer.Testing.Linearizability;

/// <summary>A recorded concurrent history: operations with invocation and response times.</summary>
public sealed class History
{
    private readonly Dictionary<int, string> threadNames;

    public History(IEnumerable<Operation> operations, IReadOnlyDictionary<int, string>? threadNames = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var list = new List<Operation>();
        foreach (var op in operations)
        {
            if (op.ReturnTime is { } r && r < op.CallTime)
            {
                throw new ArgumentException($"operation {op.Describe()} returns before it is called");
            }

            list.Add(op.Id == list.Count ? op : op with { Id = list.Count });
        }

        Operations = list;
        this.threadNames = threadNames is null ? [] : new Dictionary<int, string>(threadNames);
    }

    public IReadOnlyList<Operation> Operations { get; }

    public int Count => Operations.Count;

    public IEnumerable<int> Threads => Operations.Select(o => o.ThreadId).Distinct().Order();

    /// <summary>A learner-facing name such as "thread 2" or "init".</summary>
    public string ThreadName(int threadId) => threadNames.TryGetValue(threadId, out var n) ? n : "thread " + threadId;

    public IReadOnlyDictionary<int, string> ThreadNames => threadNames;

    /// <summary>"thread 2: TryPop() -> (true, 1)".</summary>
    public string Describe(Operation op) => ThreadName(op.ThreadId) + ": " + op.Describe();

    /// <summary>A sub-history (same thread names) of the given operations, renumbered.</summary>
    public History Subset(IEnumerable<Operation> ops) => new(ops, threadNames);

    public override string ToString() => string.Join(Environment.NewLine, Operations.Select(o => o.ToString()));
}

/// <summary>
/// Builds histories by hand (tests, examples) on a logical clock: each <see cref="Call"/> and
/// <see cref="Return"/> advances time by one, so the order of the builder calls is the real-time order.
/// </summary>
public sealed class HistoryBuilder
{
    private readonly List<Pending> ops = [];
    private readonly Dictionary<int, string> names = [];
    private readonly Dictionary<int, int> perThread = [];
    private long clock;

    public readonly record struct Handle(int Index);

    /// <summary>Invokes an operation on a thread; returns a handle for <see cref="Return"/>.</summary>
    public Handle Call(int thread, string name, object? argument = null)
    {
        perThread.TryGetValue(thread, out var idx);
        perThread[thread] = idx + 1;
        ops.Add(new Pending { Thread = thread, Index = idx, Name = name, Argument = argument, CallTime = ++clock });
        return new Handle(ops.Count - 1);
    }

    public HistoryBuilder Return(Handle handle, object? result = null)
    {
        var p = ops[handle.Index];
        if (p.ReturnTime is not null)
        {
            throw new InvalidOperationException("already returned");
        }

        p.Result = result ?? NoResult.Value;
        p.ReturnTime = ++clock;
        return this;
    }

    /// <summary>An operation that runs alone: call immediately followed by return.</summary>
    public HistoryBuilder Op(int thread, string name, object? argument, object? result)
    {
        Return(Call(thread, name, argument), result);
        return this;
    }

    public HistoryBuilder Name(int thread, string name)
    {
        names[thread] = name;
        return this;
    }

    /// <summary>Operations never returned stay pending.</summary>
    public History Build() => new(
        ops.Select(p => new Operation
        {
            ThreadId = p.Thread,
            Index = p.Index,
            Name = p.Name,
            Argument = p.Argument,
            Result = p.Result,
            CallTime = p.CallTime,
            ReturnTime = p.ReturnTime,
        }),
        names);

    private sealed class Pending
    {
        public int Thread;
        public int Index;
        public string Name = "";
        public object? Argument;
        public object? Result;
        public long CallTime;
        public long? ReturnTime;
    }
}
