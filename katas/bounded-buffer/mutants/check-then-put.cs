using System.Collections.Generic;
using System.Threading;

// Mistake: Put waits for room by polling Count, then takes the lock to add. Between the check and
// the add another producer can do the same, so two producers both fill the one free slot and the
// buffer holds more than its capacity.
public sealed class BoundedBuffer<T>
{
    private readonly object _gate = new object();
    private readonly Queue<T> _items = new Queue<T>();
    private readonly int _capacity;

    public BoundedBuffer(int capacity)
    {
        _capacity = capacity;
    }

    public void Put(T item)
    {
        while (Count >= _capacity) Thread.Yield();
        lock (_gate)
        {
            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
        }
    }

    public T Take()
    {
        lock (_gate)
        {
            while (_items.Count == 0) Monitor.Wait(_gate);
            return _items.Dequeue();
        }
    }

    public int Count
    {
        get { lock (_gate) return _items.Count; }
    }
}
