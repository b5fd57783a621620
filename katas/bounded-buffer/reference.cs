using System.Threading;

// Reference: one lock, a ring of `capacity` slots, and the lock's wait queue as the condition
// variable. Every wait sits in a `while` loop, because a woken thread must check again that the
// buffer really has room (or an item): another thread may have got there first. PulseAll after
// every change, because producers and consumers share the one wait queue and a single Pulse could
// wake a thread of the wrong kind.
public sealed class BoundedBuffer<T>
{
    private readonly object _gate = new object();
    private readonly T[] _ring;
    private int _head;
    private int _count;

    public BoundedBuffer(int capacity)
    {
        _ring = new T[capacity];
    }

    public void Put(T item)
    {
        lock (_gate)
        {
            while (_count == _ring.Length) Monitor.Wait(_gate);
            _ring[(_head + _count) % _ring.Length] = item;
            _count++;
            Monitor.PulseAll(_gate);
        }
    }

    public T Take()
    {
        lock (_gate)
        {
            while (_count == 0) Monitor.Wait(_gate);
            T item = _ring[_head];
            _ring[_head] = default!;
            _head = (_head + 1) % _ring.Length;
            _count--;
            Monitor.PulseAll(_gate);
            return item;
        }
    }

    public int Count
    {
        get { lock (_gate) return _count; }
    }
}
