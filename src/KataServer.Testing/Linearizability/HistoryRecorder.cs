using System.Diagnostics;

namespace KataServer.Testing.Linearizability;

/// <summary>
/// Records a history from many threads at once. Each thread index owns its own append-only buffer,
/// so <see cref="Invoke"/> and <see cref="Return"/> take no lock and touch no shared cache line
/// except the clock read. Thread <c>i</c> must only be used by one OS thread at a time.
/// <see cref="Snapshot"/> may be taken while some threads are still stuck inside a call: those
/// operations come out pending.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly ThreadLog[] logs;
    private readonly Func<long> clock;
    private readonly Dictionary<int, string> names = [];

    /// <param name="threadCount">Thread indices are 0..threadCount-1.</param>
    /// <param name="clock">A monotonic clock shared by all threads; default <see cref="Stopwatch.GetTimestamp"/>.
    /// A controlled scheduler may pass a logical counter.</param>
    public HistoryRecorder(int threadCount, Func<long>? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadCount);
        logs = new ThreadLog[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            logs[i] = new ThreadLog();
        }

        this.clock = clock ?? Stopwatch.GetTimestamp;
    }

    public int ThreadCount => logs.Length;

    /// <summary>Names a thread for learner-facing output ("thread 1", "init").</summary>
    public void NameThread(int thread, string name)
    {
        lock (names)
        {
            names[thread] = name;
        }
    }

    /// <summary>Records an invocation; the clock is read just before the call is made.</summary>
    public OpToken Invoke(int thread, string name, object? argument = null)
    {
        var time = clock();
        return logs[thread].Append(thread, name, argument, time);
    }

    /// <summary>Records the response; the clock is read first, right after the call returned.</summary>
    public void Return(OpToken token, object? result = null)
    {
        var t = clock();
        var chunk = token.Chunk ?? throw new ArgumentException("default token", nameof(token));
        ref var entry = ref chunk[token.Slot];
        entry.Result = result ?? NoResult.Value;
        entry.ReturnTime = t;
        Volatile.Write(ref entry.Done, 1);
    }

    /// <summary>Records that the call threw.</summary>
    public void Throw(OpToken token, Exception exception) => Return(token, Thrown.From(exception));

    /// <summary>Invokes <paramref name="call"/> and records it, including a thrown exception (not rethrown).</summary>
    public object? Record(int thread, string name, object? argument, Func<object?> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var token = Invoke(thread, name, argument);
        object? result;
        try
        {
            result = call();
        }
        catch (Exception e)
        {
            result = Thrown.From(e);
        }

        Return(token, result);
        return result;
    }

    /// <summary>The history so far; operations not yet returned are pending.</summary>
    public History Snapshot()
    {
        var entries = new List<(Entry Entry, int Thread, int Index)>();
        for (var thread = 0; thread < logs.Length; thread++)
        {
            logs[thread].CopyTo(entries, thread);
        }

        var sorted = entries.ToArray();
        var keys = sorted.Select(x => x.Entry.CallTime).ToArray();
        Array.Sort(keys, sorted);
        var ops = new Operation[sorted.Length];
        for (var k = 0; k < ops.Length; k++)
        {
            var (e, thread, index) = sorted[k];
            ops[k] = new Operation
            {
                Id = k,
                ThreadId = thread,
                Index = index,
                Name = e.Name,
                Argument = e.Argument,
                Result = e.Done != 0 ? e.Result : null,
                CallTime = e.CallTime,
                ReturnTime = e.Done != 0 ? e.ReturnTime : null,
            };
        }

        Dictionary<int, string> copy;
        lock (names)
        {
            copy = new Dictionary<int, string>(names);
        }

        return new History(ops, copy);
    }

    /// <summary>Identifies a recorded invocation, for <see cref="Return"/>.</summary>
    public readonly struct OpToken
    {
        internal OpToken(int thread, int index, Entry[] chunk, int slot)
        {
            Thread = thread;
            Index = index;
            Chunk = chunk;
            Slot = slot;
        }

        public int Thread { get; }

        /// <summary>Position among the thread's operations.</summary>
        public int Index { get; }

        internal Entry[]? Chunk { get; }

        internal int Slot { get; }
    }

    internal struct Entry
    {
        public string Name;
        public object? Argument;
        public long CallTime;
        public object? Result;
        public long ReturnTime;
        public int Done; // written last (volatile); 0 = pending
    }

    /// <summary>
    /// One thread's entries in fixed-size chunks that never move, so a <see cref="Return"/> and a
    /// concurrent <see cref="Snapshot"/> never race with a resize; no allocation per operation.
    /// </summary>
    private sealed class ThreadLog
    {
        private const int ChunkSize = 512;
        private Entry[][] chunks = [new Entry[ChunkSize]];
        private int count;

        public OpToken Append(int thread, string name, object? argument, long callTime)
        {
            var index = count;
            var c = index / ChunkSize;
            var all = chunks;
            if (c == all.Length)
            {
                var bigger = new Entry[all.Length * 2][];
                Array.Copy(all, bigger, all.Length);
                bigger[c] = new Entry[ChunkSize];
                Volatile.Write(ref chunks, bigger);
                all = bigger;
            }

            var chunk = all[c] ??= new Entry[ChunkSize];
            var slot = index % ChunkSize;
            chunk[slot] = new Entry { Name = name, Argument = argument, CallTime = callTime };
            Volatile.Write(ref count, index + 1);
            return new OpToken(thread, index, chunk, slot);
        }

        public void CopyTo(List<(Entry, int, int)> into, int thread)
        {
            var n = Volatile.Read(ref count);
            var all = Volatile.Read(ref chunks);
            for (var i = 0; i < n; i++)
            {
                ref var e = ref all[i / ChunkSize][i % ChunkSize];
                var done = Volatile.Read(ref e.Done);
                var copy = e;
                copy.Done = done;
                into.Add((copy, thread, i));
            }
        }
    }
}
