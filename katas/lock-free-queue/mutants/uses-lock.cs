using System.Collections.Generic;

// Mistake: a correct queue, but every call takes a lock, which this kata forbids.
public sealed class LockFreeQueue<T>
{
    private readonly object _gate = new object();
    private readonly Queue<T> _items = new Queue<T>();

    public void Enqueue(T item)
    {
        lock (_gate) _items.Enqueue(item);
    }

    public bool TryDequeue(out T item)
    {
        lock (_gate) return _items.TryDequeue(out item!);
    }

    public bool IsEmpty
    {
        get { lock (_gate) return _items.Count == 0; }
    }
}
