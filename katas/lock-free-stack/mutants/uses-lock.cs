using System.Collections.Generic;

// Mistake: a correct stack, but built on a lock. The kata is about making it thread-safe without
// any blocking primitive: a thread holding a lock that gets descheduled stops every other thread.
public sealed class LockFreeStack<T>
{
    private readonly object _gate = new object();
    private readonly Stack<T> _items = new Stack<T>();

    public void Push(T item)
    {
        lock (_gate) _items.Push(item);
    }

    public bool TryPop(out T item)
    {
        lock (_gate) return _items.TryPop(out item!);
    }

    public bool IsEmpty
    {
        get { lock (_gate) return _items.Count == 0; }
    }
}
