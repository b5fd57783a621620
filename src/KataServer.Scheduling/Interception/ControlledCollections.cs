using System.Collections.Concurrent;
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
}

[Intercepts(typeof(Dictionary<,>))]
[SharedMemoryAccess]
public static class ControlledDictionary<TKey, TValue> where TKey : notnull
{
    public static TValue get_Item(Dictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("Dictionary[key]"); return self[key]; }
    public static void set_Item(Dictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("Dictionary[key] ="); self[key] = value; }
    public static bool TryGetValue(Dictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Before("Dictionary.TryGetValue"); return self.TryGetValue(key, out value!); }
    public static bool ContainsKey(Dictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("Dictionary.ContainsKey"); return self.ContainsKey(key); }
    public static void Add(Dictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("Dictionary.Add"); self.Add(key, value); }
    public static bool TryAdd(Dictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("Dictionary.TryAdd"); return self.TryAdd(key, value); }
    public static bool Remove(Dictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("Dictionary.Remove"); return self.Remove(key); }
    public static bool Remove(Dictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Before("Dictionary.Remove"); return self.Remove(key, out value!); }
    public static int get_Count(Dictionary<TKey, TValue> self) { CollectionPoint.Before("Dictionary.Count"); return self.Count; }
    public static void Clear(Dictionary<TKey, TValue> self) { CollectionPoint.Before("Dictionary.Clear"); self.Clear(); }
}

[Intercepts(typeof(List<>))]
[SharedMemoryAccess]
public static class ControlledList<T>
{
    public static T get_Item(List<T> self, int index) { CollectionPoint.Before("List[index]"); return self[index]; }
    public static void set_Item(List<T> self, int index, T value) { CollectionPoint.Before("List[index] ="); self[index] = value; }
    public static void Add(List<T> self, T item) { CollectionPoint.Before("List.Add"); self.Add(item); }
    public static bool Remove(List<T> self, T item) { CollectionPoint.Before("List.Remove"); return self.Remove(item); }
    public static void RemoveAt(List<T> self, int index) { CollectionPoint.Before("List.RemoveAt"); self.RemoveAt(index); }
    public static void Insert(List<T> self, int index, T item) { CollectionPoint.Before("List.Insert"); self.Insert(index, item); }
    public static bool Contains(List<T> self, T item) { CollectionPoint.Before("List.Contains"); return self.Contains(item); }
    public static int get_Count(List<T> self) { CollectionPoint.Before("List.Count"); return self.Count; }
    public static void Clear(List<T> self) { CollectionPoint.Before("List.Clear"); self.Clear(); }
}

[Intercepts(typeof(Queue<>))]
[SharedMemoryAccess]
public static class ControlledQueue<T>
{
    public static void Enqueue(Queue<T> self, T item) { CollectionPoint.Before("Queue.Enqueue"); self.Enqueue(item); }
    public static T Dequeue(Queue<T> self) { CollectionPoint.Before("Queue.Dequeue"); return self.Dequeue(); }
    public static bool TryDequeue(Queue<T> self, out T result) { CollectionPoint.Before("Queue.TryDequeue"); return self.TryDequeue(out result!); }
    public static T Peek(Queue<T> self) { CollectionPoint.Before("Queue.Peek"); return self.Peek(); }
    public static bool TryPeek(Queue<T> self, out T result) { CollectionPoint.Before("Queue.TryPeek"); return self.TryPeek(out result!); }
    public static int get_Count(Queue<T> self) { CollectionPoint.Before("Queue.Count"); return self.Count; }
}

[Intercepts(typeof(Stack<>))]
[SharedMemoryAccess]
public static class ControlledStack<T>
{
    public static void Push(Stack<T> self, T item) { CollectionPoint.Before("Stack.Push"); self.Push(item); }
    public static T Pop(Stack<T> self) { CollectionPoint.Before("Stack.Pop"); return self.Pop(); }
    public static bool TryPop(Stack<T> self, out T result) { CollectionPoint.Before("Stack.TryPop"); return self.TryPop(out result!); }
    public static T Peek(Stack<T> self) { CollectionPoint.Before("Stack.Peek"); return self.Peek(); }
    public static int get_Count(Stack<T> self) { CollectionPoint.Before("Stack.Count"); return self.Count; }
}

[Intercepts(typeof(HashSet<>))]
[SharedMemoryAccess]
public static class ControlledHashSet<T>
{
    public static bool Add(HashSet<T> self, T item) { CollectionPoint.Before("HashSet.Add"); return self.Add(item); }
    public static bool Remove(HashSet<T> self, T item) { CollectionPoint.Before("HashSet.Remove"); return self.Remove(item); }
    public static bool Contains(HashSet<T> self, T item) { CollectionPoint.Before("HashSet.Contains"); return self.Contains(item); }
    public static int get_Count(HashSet<T> self) { CollectionPoint.Before("HashSet.Count"); return self.Count; }
}

[Intercepts(typeof(ConcurrentDictionary<,>))]
[SharedMemoryAccess]
public static class ControlledConcurrentDictionary<TKey, TValue> where TKey : notnull
{
    public static TValue get_Item(ConcurrentDictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("ConcurrentDictionary[key]"); return self[key]; }
    public static void set_Item(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("ConcurrentDictionary[key] ="); self[key] = value; }
    public static bool TryGetValue(ConcurrentDictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Before("ConcurrentDictionary.TryGetValue"); return self.TryGetValue(key, out value!); }
    public static bool ContainsKey(ConcurrentDictionary<TKey, TValue> self, TKey key) { CollectionPoint.Before("ConcurrentDictionary.ContainsKey"); return self.ContainsKey(key); }
    public static bool TryAdd(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue value) { CollectionPoint.Before("ConcurrentDictionary.TryAdd"); return self.TryAdd(key, value); }
    public static bool TryRemove(ConcurrentDictionary<TKey, TValue> self, TKey key, out TValue value) { CollectionPoint.Before("ConcurrentDictionary.TryRemove"); return self.TryRemove(key, out value!); }
    public static bool TryUpdate(ConcurrentDictionary<TKey, TValue> self, TKey key, TValue newValue, TValue comparisonValue) { CollectionPoint.Before("ConcurrentDictionary.TryUpdate"); return self.TryUpdate(key, newValue, comparisonValue); }
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
    public static bool TryDequeue(ConcurrentQueue<T> self, out T result) { CollectionPoint.Before("ConcurrentQueue.TryDequeue"); return self.TryDequeue(out result!); }
    public static bool TryPeek(ConcurrentQueue<T> self, out T result) { CollectionPoint.Before("ConcurrentQueue.TryPeek"); return self.TryPeek(out result!); }
    public static int get_Count(ConcurrentQueue<T> self) { CollectionPoint.Before("ConcurrentQueue.Count"); return self.Count; }
    public static bool get_IsEmpty(ConcurrentQueue<T> self) { CollectionPoint.Before("ConcurrentQueue.IsEmpty"); return self.IsEmpty; }
}

[Intercepts(typeof(ConcurrentStack<>))]
[SharedMemoryAccess]
public static class ControlledConcurrentStack<T>
{
    public static void Push(ConcurrentStack<T> self, T item) { CollectionPoint.Before("ConcurrentStack.Push"); self.Push(item); }
    public static bool TryPop(ConcurrentStack<T> self, out T result) { CollectionPoint.Before("ConcurrentStack.TryPop"); return self.TryPop(out result!); }
    public static bool TryPeek(ConcurrentStack<T> self, out T result) { CollectionPoint.Before("ConcurrentStack.TryPeek"); return self.TryPeek(out result!); }
    public static int get_Count(ConcurrentStack<T> self) { CollectionPoint.Before("ConcurrentStack.Count"); return self.Count; }
    public static bool get_IsEmpty(ConcurrentStack<T> self) { CollectionPoint.Before("ConcurrentStack.IsEmpty"); return self.IsEmpty; }
}
