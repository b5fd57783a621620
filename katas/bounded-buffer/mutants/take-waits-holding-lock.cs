using System.Collections.Generic;
using System.Threading;

// Mistake: Take enters the lock first and only then waits for an item. A consumer that finds the
// buffer empty sleeps while holding the lock, so no producer can ever get in to add the item it
// is waiting for.
public sealed class BoundedBuffer<T>
{
    private readonly object _gate = new object();
    private readonly Queue<T> _items = new Queue<T>();
    private readonly SemaphoreSlim _free;
    private readonly SemaphoreSlim _filled;

    public BoundedBuffer(int capacity)
    {
        _free = new SemaphoreSlim(capacity, capacity);
        _filled = new SemaphoreSlim(0, capacity);
    }

    public void Put(T item)
    {
        _free.Wait();
        lock (_gate) _items.Enqueue(item);
        _filled.Release();
    }

    public T Take()
    {
        T item;
        lock (_gate)
        {
            _filled.Wait(); // sleeps with _gate held
            item = _items.Dequeue();
        }
        _free.Release();
        return item;
    }

    public int Count
    {
        get { lock (_gate) return _items.Count; }
    }
}
