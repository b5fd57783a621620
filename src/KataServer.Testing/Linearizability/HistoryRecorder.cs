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
        var log = logs[thread];
        var entry = new Entry(name, argument);
        entry.CallTime = clock();
        var index = log.Append(entry);
        return new OpToken(thread, index, entry);
    }

    /// <summary>Records the response; the clock is read first, right after the call returned.</summary>
    public void Return(OpToken token, object? result = null)
    {
        var t = clock();
        var entry = token.Entry ?? throw new ArgumentException("default token", nameof(token));
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
            var (items, count) = logs[thread].Read();
            for (var i = 0; i < count; i++)
            {
                entries.Add((items[i], thread, i));
            }
        }

        entries.Sort((a, b) => a.Entry.CallTime.CompareTo(b.Entry.CallTime));
        var ops = new Operation[entries.Count];
        for (var k = 0; k < ops.Length; k++)
        {
            var (e, thread, index) = entries[k];
            var done = Volatile.Read(ref e.Done) != 0;
            ops[k] = new Operation
            {
                Id = k,
                ThreadId = thread,
                Index = index,
                Name = e.Name,
                Argument = e.Argument,
                Result = done ? e.Result : null,
                CallTime = e.CallTime,
                ReturnTime = done ? e.ReturnTime : null,
            };
        }

        Dictionary<int, string> copy;
        lock (names)
        {
            copy = new Dictionary<int, string>(names);
        }

        return new History(ops, copy);
    }

    public readonly struct OpToken
    {
        internal OpToken(int thread, int index, Entry entry)
        {
            Thread = thread;
            Index = index;
            Entry = entry;
        }

        public int Thread { get; }

        public int Index { get; }

        internal Entry? Entry { get; }
    }

    internal sealed class Entry(string name, object? argument)
    {
        public readonly string Name = name;
        public readonly object? Argument = argument;
        public long CallTime;
        public object? Result;
        public long ReturnTime;
        public int Done; // written last (volatile); 0 = pending
    }

    private sealed class ThreadLog
    {
        private Entry[] items = new Entry[16];
        private int count;

        public int Append(Entry e)
        {
            var c = count;
            var arr = items;
            if (c == arr.Length)
            {
                var bigger = new Entry[arr.Length * 2];
                Array.Copy(arr, bigger, c);
                Volatile.Write(ref items, bigger);
                arr = bigger;
            }

            arr[c] = e;
            Volatile.Write(ref count, c + 1);
            return c;
        }

        public (Entry[] Items, int Count) Read()
        {
            var c = Volatile.Read(ref count);
            return (Volatile.Read(ref items), c);
        }
    }
}
