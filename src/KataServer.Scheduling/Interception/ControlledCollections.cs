using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

// Calls on collections are scheduling points in learner code: each call is one atomic step (the
// real collection does the work), but two calls in a row can be interleaved, so check-then-act on a
// Dictionary or a ConcurrentDictionary (read a count, then write it back) is explored like count++.
// The rewriter applies these classes only where it instruments shared memory (learner code).

internal static class CollectionPoint
{
    public static void Before(string call)
    {
        var op = ControlledOperation.Current;
        if (op is not null && op.Runtime.FieldInterleavings) op.Runtime.SchedulePoint(op, "call", null, call);
    }

    /// <summary>A call that only reads a collection that is not thread-safe: it must not overlap a change.</summary>
    public static void Read(object collection, string call)
    {
        Before(call);
        ExclusiveAccess.Check(collection, call);
    }

    /// <summary>A call that changes a collection that is not thread-safe: nothing else may use it meanwhile.</summary>
    public static ExclusiveAccess.Change Change(object collection, string call) => ExclusiveAccess.Enter(collection, call);
}

/// <summary>
/// List, Dictionary, Queue, Stack and HashSet need exclusive access while a call changes them (on real threads an
/// overlapping call can corrupt them, lose items or return wrong ones, and Dictionary may loop forever). A changing
/// call is marked from its scheduling point until it returns: an operation waiting at that point is, as far as any
/// other thread can tell, inside the call. Any other call on the same collection meanwhile (except Count and
/// list[i], single reads) is a data race, kept by <see cref="ControlledRuntime.NoteRace"/> and reported only when
/// nothing else fails. No scheduling point is added, so correct programs explore exactly the same schedules.
/// </summary>
internal static class ExclusiveAccess
{
    /// <summary>An operation inside a changing call; where it made the call is kept only when a trace is recorded.</summary>
    internal sealed record Inside(ControlledOperation Op, string Call, string? File, int? Line);

    private static readonly ConditionalWeakTable<object, List<Inside>> Changing = new();

    public static Change Enter(object collection, string call)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.FieldInterleavings) return default;
        var changing = Changing.GetOrCreateValue(collection);
        var (file, line) = op.Runtime.Trace is null ? (null, null) : op.Runtime.SourceOf(op) is var site ? (site.File, site.Line) : default;
        var inside = new Inside(op, call, file, line);
        changing.Add(inside);
        var change = new Change(changing, inside);
        try
        {
            op.Runtime.SchedulePoint(op, "call", null, call);
            Check(collection, call);
        }
        catch
        {
            change.Dispose();
            throw;
        }

        return change;
    }

    public static void Check(object collection, string call)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.FieldInterleavings || !Changing.TryGetValue(collection, out var changing)) return;
        foreach (var other in changing)
        {
            if (other.Op == op || other.Op.Runtime != op.Runtime || other.Op.Status == OperationStatus.Completed) continue;
            var type = TypeName(collection.GetType());
            op.Runtime.NoteRace(
                op, $"data race: {call} while {other.Op.Name} is inside {other.Call}",
                other.Op, $"inside {other.Call} (not returned yet)", other.File, other.Line,
                $"Two threads used the same {type} at once: {other.Op.Name} was inside {other.Call} when {op.Name} called {call}. " +
                $"{type} is not thread-safe: while one call changes it, any other call can corrupt it, lose items or see wrong ones. " +
                "Guard every use of it with the same lock, or use a concurrent collection.");
            return;
        }
    }

    private static string TypeName(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>" : type.Name;

    public readonly struct Change : IDisposable
    {
        private readonly List<Inside>? changing;
        private readonly Inside? inside;

        internal Change(List<Inside> changing, Inside inside)
        {
            this.changing = changing;
            this.inside = inside;
        }

        public void Dispose() => changing?.Remove(inside!);
    }
}

[Intercepts(typeof(Dictionary<,>))]
[SharedMemoryAccess]
public static class ControlledDictionary<TKey, TValue> where TKey : notnull
{
    public static TValue get_Item(Dictionary<TKey, TValue> self, TKey key) { CollectionPoint.Read(self, "Dictionary[key]"); return self[key]; }
    public static void set_Item(Dictionary<TKey, TValue> self, TKey key, TValue value) { using var change = CollectionPoint.Change(self, "Dictionary[key] ="); self[key] = value; }
    public static bool TryGetValue(Dictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Read(self, "Dictionary.TryGetValue"); return TryResult.Show(self.TryGetValue(key, out value!)); }
    public static bool ContainsKey(Dictionary<TKey, TValue> self, TKey key) { CollectionPoint.Read(self, "Dictionary.ContainsKey"); return self.ContainsKey(key); }
    public static void Add(Dictionary<TKey, TValue> self, TKey key, TValue value) { using var change = CollectionPoint.Change(self, "Dictionary.Add"); self.Add(key, value); }
    public static bool TryAdd(Dictionary<TKey, TValue> self, TKey key, TValue value) { using var change = CollectionPoint.Change(self, "Dictionary.TryAdd"); return TryResult.Show(self.TryAdd(key, value)); }
    public static bool Remove(Dictionary<TKey, TValue> self, TKey key) { using var change = CollectionPoint.Change(self, "Dictionary.Remove"); return self.Remove(key); }
    public static bool Remove(Dictionary<TKey, TValue> self, TKey key, out TValue value) { using var change = CollectionPoint.Change(self, "Dictionary.Remove"); return self.Remove(key, out value!); }
    public static int get_Count(Dictionary<TKey, TValue> self) { CollectionPoint.Before("Dictionary.Count"); return self.Count; }
    public static void Clear(Dictionary<TKey, TValue> self) { using var change = CollectionPoint.Change(self, "Dictionary.Clear"); self.Clear(); }
}

[Intercepts(typeof(List<>))]
[SharedMemoryAccess]
public static class ControlledList<T>
{
    public static T get_Item(List<T> self, int index) { CollectionPoint.Before("List[index]"); return self[index]; }
    public static void set_Item(List<T> self, int index, T value) { CollectionPoint.Before("List[index] ="); self[index] = value; }
    public static void Add(List<T> self, T item) { using var change = CollectionPoint.Change(self, "List.Add"); self.Add(item); }
    public static bool Remove(List<T> self, T item) { using var change = CollectionPoint.Change(self, "List.Remove"); return self.Remove(item); }
    public static void RemoveAt(List<T> self, int index) { using var change = CollectionPoint.Change(self, "List.RemoveAt"); self.RemoveAt(index); }
    public static void Insert(List<T> self, int index, T item) { using var change = CollectionPoint.Change(self, "List.Insert"); self.Insert(index, item); }
    public static bool Contains(List<T> self, T item) { CollectionPoint.Read(self, "List.Contains"); return self.Contains(item); }
    public static int get_Count(List<T> self) { CollectionPoint.Before("List.Count"); return self.Count; }
    public static void Clear(List<T> self) { using var change = CollectionPoint.Change(self, "List.Clear"); self.Clear(); }
}

[Intercepts(typeof(Queue<>))]
[SharedMemoryAccess]
public static class ControlledQueue<T>
{
    public static void Enqueue(Queue<T> self, T item) { using var change = CollectionPoint.Change(self, "Queue.Enqueue"); self.Enqueue(item); }
    public static T Dequeue(Queue<T> self) { using var change = CollectionPoint.Change(self, "Queue.Dequeue"); return self.Dequeue(); }
    public static bool TryDequeue(Queue<T> self, out T result) { using var change = CollectionPoint.Change(self, "Queue.TryDequeue"); return TryResult.Show(self.TryDequeue(out result!)); }
    public static T Peek(Queue<T> self) { CollectionPoint.Read(self, "Queue.Peek"); return self.Peek(); }
    public static bool TryPeek(Queue<T> self, out T result) { CollectionPoint.Read(self, "Queue.TryPeek"); return TryResult.Show(self.TryPeek(out result!)); }
    public static int get_Count(Queue<T> self) { CollectionPoint.Before("Queue.Count"); return self.Count; }
}

[Intercepts(typeof(Stack<>))]
[SharedMemoryAccess]
public static class ControlledStack<T>
{
    public static void Push(Stack<T> self, T item) { using var change = CollectionPoint.Change(self, "Stack.Push"); self.Push(item); }
    public static T Pop(Stack<T> self) { using var change = CollectionPoint.Change(self, "Stack.Pop"); return self.Pop(); }
    public static bool TryPop(Stack<T> self, out T result) { using var change = CollectionPoint.Change(self, "Stack.TryPop"); return TryResult.Show(self.TryPop(out result!)); }
    public static T Peek(Stack<T> self) { CollectionPoint.Read(self, "Stack.Peek"); return self.Peek(); }
    public static int get_Count(Stack<T> self) { CollectionPoint.Before("Stack.Count"); return self.Count; }
}

[Intercepts(typeof(HashSet<>))]
[SharedMemoryAccess]
public static class ControlledHashSet<T>
{
    public static bool Add(HashSet<T> self, T item) { using var change = CollectionPoint.Change(self, "HashSet.Add"); return self.Add(item); }
    public static bool Remove(HashSet<T> self, T item) { using var change = CollectionPoint.Change(self, "HashSet.Remove"); return self.Remove(item); }
    public static bool Contains(HashSet<T> self, T item) { CollectionPoint.Read(self, "HashSet.Contains"); return self.Contains(item); }
    public static int get_Count(HashSet<T> self) { CollectionPoint.Before("HashSet.Count"); return self.Count; }
}

[Intercepts(typeof(ConcurrentDictionary<,>))]
[SharedMemoryAccess]
public static class ControlledConcurrentDictionary<TKey, TValue> where TKey : notnull
{
    public static TValue get_Item(ConcurrentDictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("ConcurrentDictionary[key]"); return self[key]; }
    public static void set_Item(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("ConcurrentDictionary[key] ="); self[key] = value; }
    public static bool TryGetValue(ConcurrentDictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Before("ConcurrentDictionary.TryGetValue"); return TryResult.Show(self.TryGetValue(key, out value!)); }
    public static bool ContainsKey(ConcurrentDictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("ConcurrentDictionary.ContainsKey"); return self.ContainsKey(key); }
    public static bool TryAdd(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("ConcurrentDictionary.TryAdd"); return TryResult.Show(self.TryAdd(key, value)); }
    public static bool TryRemove(ConcurrentDictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Before("ConcurrentDictionary.TryRemove"); return TryResult.Show(self.TryRemove(key, out value!)); }
    public static bool TryUpdate(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue newValue, TValue comparisonValue) { CollectionPoint.Before("ConcurrentDictionary.TryUpdate"); return TryResult.Show(self.TryUpdate(key, newValue, comparisonValue)); }
    public static TValue GetOrAdd(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("ConcurrentDictionary.GetOrAdd"); return self.GetOrAdd(key, value); }
    public static TValue GetOrAdd(ConcurrentDictionary<TKey, TValue> self, TKey key, Func<TKey, TValue> valueFactory) { CollectionPoint.Before("ConcurrentDictionary.GetOrAdd"); return self.GetOrAdd(key, valueFactory); }
    public static TValue AddOrUpdate(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue addValue, Func<TKey, TValue, TValue> updateValueFactory) { CollectionPoint.Before("ConcurrentDictionary.AddOrUpdate"); return self.AddOrUpdate(key, addValue, updateValueFactory); }
    public static TValue AddOrUpdate(ConcurrentDictionary<TKey, TValue> self, TKey key, Func<TKey, TValue> addValueFactory, Func<TKey, TValue, TValue> updateValueFactory) { CollectionPoint.Before("ConcurrentDictionary.AddOrUpdate"); return self.AddOrUpdate(key, addValueFactory, updateValueFactory); }
    public static int get_Count(ConcurrentDictionary<TKey, TValue> self) { CollectionPoint.Before("ConcurrentDictionary.Count"); return self.Count; }
}

[Intercepts(typeof(ConcurrentQueue<>))]
[SharedMemoryAccess]
public static class ControlledConcurrentQueue<T>
{
    public static void Enqueue(ConcurrentQueue<T> self, T item) { CollectionPoint.Before("ConcurrentQueue.Enqueue"); self.Enqueue(item); }
    public static bool TryDequeue(ConcurrentQueue<T> self, out T result) { CollectionPoint.Before("ConcurrentQueue.TryDequeue"); return TryResult.Show(self.TryDequeue(out result!)); }
    public static bool TryPeek(ConcurrentQueue<T> self, out T result) { CollectionPoint.Before("ConcurrentQueue.TryPeek"); return TryResult.Show(self.TryPeek(out result!)); }
    public static int get_Count(ConcurrentQueue<T> self) { CollectionPoint.Before("ConcurrentQueue.Count"); return self.Count; }
    public static bool get_IsEmpty(ConcurrentQueue<T> self) { CollectionPoint.Before("ConcurrentQueue.IsEmpty"); return self.IsEmpty; }
}

[Intercepts(typeof(ConcurrentStack<>))]
[SharedMemoryAccess]
public static class ControlledConcurrentStack<T>
{
    public static void Push(ConcurrentStack<T> self, T item) { CollectionPoint.Before("ConcurrentStack.Push"); self.Push(item); }
    public static bool TryPop(ConcurrentStack<T> self, out T result) { CollectionPoint.Before("ConcurrentStack.TryPop"); return TryResult.Show(self.TryPop(out result!)); }
    public static bool TryPeek(ConcurrentStack<T> self, out T result) { CollectionPoint.Before("ConcurrentStack.TryPeek"); return TryResult.Show(self.TryPeek(out result!)); }
    public static int get_Count(ConcurrentStack<T> self) { CollectionPoint.Before("ConcurrentStack.Count"); return self.Count; }
    public static bool get_IsEmpty(ConcurrentStack<T> self) { CollectionPoint.Before("ConcurrentStack.IsEmpty"); return self.IsEmpty; }
}
