using System.Threading;

// Mistake: Monitor.Pulse wakes a single waiter, but producers and consumers wait in the same
// queue. A producer's Pulse can wake another producer (which finds the buffer full and waits
// again) while the consumer that needed the signal sleeps on: soon everybody is waiting.
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
            Monitor.Pulse(_gate);
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
            Monitor.Pulse(_gate);
            return item;
        }
    }

    public int Count
    {
        get { lock (_gate) return _count; }
    }
}
